/**
 * V8's settings for the node daemon's process, set before anything else is loaded (main.ts
 * imports this module first): the daemon runs for months with a small, steady working set,
 * where V8's defaults are made for throughput. `--optimize-for-size` makes V8's heap growth
 * and garbage collection favour memory over speed: the daemon holds much less under load
 * and spends somewhat more CPU (bench:memory shows both). It holds for threads started
 * later too (the mesh's). FLOTILLA_DAEMON_V8_FLAGS replaces it (space-separated V8
 * flags; "" for V8's defaults).
 */
import { setFlagsFromString } from 'node:v8';

const DAEMON_V8_FLAGS = ['--optimize-for-size'];

/** The options of `cluster` itself that take a value (they may come before the command). */
const GLOBAL_WITH_VALUE = new Set(['-H', '--host', '--cert-path', '--data-dir']);

/** The command `args` (the CLI's arguments) run: their first operand. */
export function commandOf(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (GLOBAL_WITH_VALUE.has(arg)) i++;
    else if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}

export const runsDaemon = commandOf(process.argv.slice(2)) === 'daemon';

/** The V8 flags a daemon runs with: ours, or FLOTILLA_DAEMON_V8_FLAGS's. */
export function daemonV8Flags(): string[] {
  const configured = process.env.FLOTILLA_DAEMON_V8_FLAGS;
  return configured === undefined ? DAEMON_V8_FLAGS : configured.split(/\s+/).filter(Boolean);
}

if (runsDaemon) for (const flag of daemonV8Flags()) setFlagsFromString(flag);
