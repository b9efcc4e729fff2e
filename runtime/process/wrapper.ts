/**
 * The tiny /bin/sh wrapper every process container runs under. It records the command's exit
 * status in the `exit` file even when no agent is around to see the process end, and runs the
 * command under the log stamper (`STAMPER`, see log-file.ts), which writes each line of its
 * output to the log files with the time it was written.
 *
 * - The command runs in the foreground of a subshell that `exec`s the stamper, which runs it:
 *   the command gets normal signal dispositions (a trap with a handler is reset to default
 *   across exec; a trap to '' would be inherited as "ignored"; the stamper resets the stop
 *   signals it ignores itself), and neither runs shell builtins, so a command named `exit`
 *   or `trap` cannot hijack the wrapper. A missing command exits 127 with a message saying so.
 *   The stamper is /usr/bin/perl by its path: the container's PATH is the command's to use.
 * - The wrapper traps the stop signals with a no-op handler, so a signal sent to the whole
 *   process group stops the command while the wrapper lives on to write `$?` (143 for
 *   SIGTERM, 130 for SIGINT, ...) with a tmp file + rename, which readers see atomically.
 *   It then exits with that status too, which the agent that spawned it records should the
 *   file be unwritable (a container user who cannot reach the container directory).
 * - Paths, signal names and argv arrive as positional parameters, never interpolated into
 *   the script. PATH is reset before `mv` because the container's env may have replaced it.
 * - The stamper ignores the stop signals that reach the whole group and exits with the
 *   command's status once it has written its last output; a command ended by signal N
 *   exits 128+N.
 * - Known window: a signal that reaches the forked subshell before it has exec'd the command
 *   runs the inherited no-op handler and is lost; stop() then kills after its grace period.
 */
import { basename, dirname } from 'node:path';
import { STAMPER } from '../log-file.js';

/** `$0` of the wrapper: the shell prefixes its own messages with it, and /proc shows it. */
const WRAPPER_NAME = 'flotilla-process';

const SCRIPT = `exit_file=$1
stop_signals=$2
stamper=$3
trap : $stop_signals
shift 3
( exec /usr/bin/perl -e "$stamper" run "$stop_signals" "$@" )
code=$?
PATH=/usr/sbin:/usr/bin:/sbin:/bin
printf '%s\\n' "$code" >"$exit_file.tmp" && mv -f "$exit_file.tmp" "$exit_file"
exit "$code"
`;

/** Signals a stop is likely to use; the spec's stopSignal is added to them. */
const TRAPPED = ['SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGTERM', 'SIGUSR1', 'SIGUSR2', 'SIGALRM'] as const;
const UNCATCHABLE = new Set<string>(['SIGKILL', 'SIGSTOP']);

/** argv for spawning `/bin/sh` (without the `/bin/sh` itself). */
export function wrapperArgs(exitFile: string, command: string[], stopSignal: NodeJS.Signals): string[] {
  const names = new Set<string>([...TRAPPED, stopSignal]);
  // Names without SIG, as both the shell's trap and Perl's %SIG take them.
  const stop = [...names].filter((s) => !UNCATCHABLE.has(s)).map((s) => s.slice(3));
  return ['-c', SCRIPT, WRAPPER_NAME, exitFile, stop.join(' '), STAMPER, ...command];
}

/**
 * True when a /proc cmdline (split on NUL) is the wrapper of container `id`. Matching on the id
 * rather than the whole path keeps adoption working if the data dir is reached by another path.
 */
export function isWrapperCmdline(argv: string[], id: string): boolean {
  const exitFile = argv[4];
  return argv[3] === WRAPPER_NAME && exitFile !== undefined && basename(dirname(exitFile)) === id;
}
