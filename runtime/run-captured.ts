/**
 * Runs a command to completion and captures its output, as `exec` into a container does
 * (also `ip -batch -` and iptables-restore, which read their commands from `input` on stdin).
 */
import { spawn } from 'node:child_process';
import type { ExecResult } from './driver.js';
import { signalNumber } from './driver-util.js';

/**
 * The system's directories alone: what tasks get as PATH, and how system tools are found (under
 * npm, node_modules/.bin comes first on the PATH and may hold other programs of their names).
 */
export const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function runCaptured(
  cmd: [string, ...string[]],
  {
    input,
    timeoutMs,
    ...opts
  }: {
    cwd: string;
    env: Record<string, string>;
    uid?: number;
    gid?: number;
    input?: string;
    /** Then the command's whole process group is killed: a shell's children would keep the pipes open. */
    timeoutMs?: number;
  },
): Promise<ExecResult> {
  return new Promise((resolve) => {
    const [program, ...args] = cmd;
    const detached = timeoutMs !== undefined;
    const child = spawn(program, args, { ...opts, detached, stdio: ['pipe', 'pipe', 'pipe'] });
    let timedOut = false;
    const timer = detached
      ? setTimeout(() => {
          timedOut = true;
          try {
            process.kill(-child.pid!, 'SIGKILL');
          } catch {
            // Already gone.
          }
        }, timeoutMs)
      : undefined;
    // stdin is `input`, or empty; a program may exit without reading it.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    let failed = false;
    child.once('error', (err: NodeJS.ErrnoException) => {
      failed = true;
      // Exit codes as a shell reports a command it cannot run.
      resolve({
        exitCode: err.code === 'ENOENT' ? 127 : 126,
        stdout: '',
        stderr: `${program}: ${err.message}\n`,
      });
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (failed) return;
      resolve({
        exitCode: code ?? 128 + signalNumber(signal ?? 'SIGKILL'),
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        ...(timedOut ? { timedOut } : {}),
      });
    });
  });
}

/** Runs a system tool (found on SYSTEM_PATH) to completion, its outcome whatever it is. */
export function trySystemTool(cmd: [string, ...string[]]): Promise<ExecResult> {
  return runCaptured(cmd, { cwd: '/', env: { PATH: SYSTEM_PATH }, timeoutMs: 30_000 });
}

/** Runs a system tool; returns its output, or throws with what it said if it fails. */
export async function systemTool(cmd: [string, ...string[]]): Promise<string> {
  const res = await trySystemTool(cmd);
  if (res.exitCode !== 0)
    throw new Error(`\`${cmd.join(' ')}\` failed: ${res.stderr.trim() || res.stdout.trim() || res.exitCode}`);
  return res.stdout;
}
