/**
 * V8's settings for the node daemon's process, set before anything else is loaded (main.ts
 * imports this module first): the daemon runs for months with a small, steady working set,
 * where V8's defaults are made for throughput. `--optimize-for-size` makes V8 favour memory
 * over speed (smaller code and heap growth); a 1 MiB young generation keeps the pages that
 * short-lived objects pass through few. Both hold for threads started later (the mesh's).
 * FLOTILLA_DAEMON_V8_FLAGS replaces them (space-separated V8 flags; "" for V8's defaults).
 */
import { setFlagsFromString } from 'node:v8';

const DAEMON_V8_FLAGS = ['--optimize-for-size', '--max-semi-space-size=1'];

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

if (runsDaemon) {
  const configured = process.env.FLOTILLA_DAEMON_V8_FLAGS;
  const flags = configured === undefined ? DAEMON_V8_FLAGS : configured.split(/\s+/).filter(Boolean);
  for (const flag of flags) setFlagsFromString(flag);
}
