/**
 * iproute2's `ip` fed commands on stdin (`ip -batch -`), so that one process does the work of
 * many containers: IpBatcher gathers the commands of concurrent callers while a batch runs and
 * sends them all in the next one. With -force, ip goes on past a command that fails and names
 * its line ("Command failed -:N"), so each caller learns of its own lines' failures only.
 */
import { runCaptured, SYSTEM_PATH } from '../run-captured.js';

/** A command of a batch that failed, with what ip said. */
export interface IpFailure {
  command: string;
  message: string;
}

interface Pending {
  commands: string[];
  resolve(failures: IpFailure[]): void;
  reject(err: Error): void;
}

export class IpBatcher {
  private queue: Pending[] = [];
  private running = false;

  /** Runs the commands (in order, in the node's network namespace); resolves with those that failed. */
  run(commands: string[]): Promise<IpFailure[]> {
    if (commands.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.queue.push({ commands, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      const lines = batch.flatMap((p) => p.commands);
      try {
        const failed = await runIpBatch([], lines);
        let start = 0;
        for (const p of batch) {
          const end = start + p.commands.length;
          p.resolve(failed.filter((f) => f.line >= start && f.line < end).map(({ line: _, ...f }) => f));
          start = end;
        }
      } catch (err) {
        for (const p of batch) p.reject(err as Error);
      }
    }
    this.running = false;
  }
}

/** Runs commands in the named network namespace (`ip -n NAME -batch -`); throws if one fails. */
export async function ipBatchIn(netns: string, commands: string[]): Promise<void> {
  const [failure] = await runIpBatch(['-n', netns], commands);
  if (failure) throw new Error(`\`ip -n ${netns} ${failure.command}\` failed: ${failure.message}`);
}

/**
 * One `ip -force -batch -` process; the failed commands by their index in `commands`. A
 * failure ip does not attribute to a line ends the whole batch (ip exits at a malformed
 * argument), so it throws.
 */
async function runIpBatch(options: string[], commands: string[]): Promise<(IpFailure & { line: number })[]> {
  const { exitCode, stderr } = await runCaptured(['ip', ...options, '-force', '-batch', '-'], {
    cwd: '/',
    env: { PATH: SYSTEM_PATH },
    input: `${commands.join('\n')}\n`,
    timeoutMs: 60_000,
  });
  const failed: (IpFailure & { line: number })[] = [];
  let said: string[] = [];
  for (const text of stderr.split('\n')) {
    const match = /^Command failed -:(\d+)$/.exec(text);
    if (!match) {
      if (text.trim()) said.push(text.trim());
      continue;
    }
    const line = Number(match[1]) - 1;
    failed.push({ line, command: commands[line] ?? '', message: said.join('; ') || 'failed' });
    said = [];
  }
  if (exitCode !== 0 && (said.length > 0 || failed.length === 0)) {
    const why = said.join('; ') || stderr.trim() || `exit ${exitCode}`;
    throw new Error(
      exitCode === 127
        ? `ip (iproute2) cannot run: ${why}; install iproute2 or start the node with --container-network host`
        : `ip -batch stopped: ${why}`,
    );
  }
  return failed;
}
