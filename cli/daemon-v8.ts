/**
 * V8's settings for the node daemon's process, set before anything else is loaded (main.ts
 * imports this module first). A worker runs for months with a small, steady working set,
 * where V8's defaults are made for throughput: `--optimize-for-size` makes heap growth and
 * garbage collection favour memory over speed (it holds for threads started later too, the
 * mesh's). A manager keeps V8's defaults: it does the cluster's CPU work (Raft, scheduling,
 * the API), which the flag slows, and holds well under its memory goal without it
 * (bench:memory and bench:raft show both). A worker's daemon also goes without V8's optimizing
 * compiler (`--no-opt`, see V8_FLAGS). The role is the one the daemon starts as: a
 * node promoted later keeps its flags until it restarts. FLOTILLA_DAEMON_V8_FLAGS replaces them
 * (space-separated V8 flags; "" for V8's defaults).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';

type Role = 'MANAGER' | 'WORKER';

/**
 * A worker also goes without the optimizing compiler (TurboFan, `--no-opt`). Its code
 * (sessions, heartbeats, starting tasks) waits on I/O and runs well in V8's interpreter and
 * baseline compiler, while TurboFan's first compilation costs an idle worker about 7 MiB
 * resident: the compiler's code paged in from the node executable, and the memory its
 * compilations took from malloc, which glibc keeps. The mesh turns it back on for its proxy
 * thread (worker/mesh/mesh.ts).
 */
const V8_FLAGS: Record<Role, string[]> = { WORKER: ['--optimize-for-size', '--no-opt'], MANAGER: [] };

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

/**
 * The role a daemon started with `args` runs as: a manager when it makes the cluster
 * (`--init`), else as its data dir's node.json says (a worker when there is none yet).
 */
export function startingRole(args: readonly string[]): Role {
  if (args.includes('--init')) return 'MANAGER';
  const at = args.indexOf('--data-dir');
  const dir = at >= 0 ? args[at + 1] : undefined;
  if (!dir) return 'WORKER';
  try {
    const identity = JSON.parse(readFileSync(join(dir, 'node.json'), 'utf8')) as { role?: unknown };
    return identity.role === 'MANAGER' ? 'MANAGER' : 'WORKER';
  } catch {
    return 'WORKER';
  }
}

/** FLOTILLA_DAEMON_V8_FLAGS's flags, if it is set. */
function configuredFlags(): string[] | undefined {
  return process.env.FLOTILLA_DAEMON_V8_FLAGS?.split(/\s+/).filter(Boolean);
}

/** The V8 flags a node's daemon of `role` runs with: ours, or FLOTILLA_DAEMON_V8_FLAGS's. */
export function daemonV8Flags(role: Role): string[] {
  return configuredFlags() ?? V8_FLAGS[role];
}

if (runsDaemon)
  for (const flag of daemonV8Flags(startingRole(process.argv.slice(2)))) setFlagsFromString(flag);
