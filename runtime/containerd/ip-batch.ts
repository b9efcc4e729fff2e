/**
 * iproute2's `ip` fed commands on stdin (`ip -force -batch -`), so that one process does the
 * work of many containers: with -force, ip goes on past a command that fails and names its
 * line ("Command failed -:N"), so that each caller learns of its own commands' failures only.
 */
import { runCaptured, SYSTEM_PATH } from '../run-captured.js';
import { Batcher } from './batcher.js';

/** A command that failed, with what ip said. */
export interface IpFailure {
  command: string;
  message: string;
}

/** Commands of concurrent callers in the node's network namespace, gathered into one `ip -batch`. */
export class IpBatcher {
  private readonly batcher = new Batcher<string, string | undefined>((commands) => runIpBatch([], commands));

  /** Runs the commands in order; resolves with those that failed. */
  async run(commands: string[]): Promise<IpFailure[]> {
    const said = await this.batcher.run(commands);
    return commands.flatMap((command, i) => (said[i] === undefined ? [] : [{ command, message: said[i] }]));
  }
}

/**
 * Makes a network namespace bind-mounted at `path` (an existing empty file) and runs the
 * commands in it, all in one process (`unshare --net=PATH ip -batch -`); throws if one fails.
 */
export async function ipInNewNamespace(path: string, commands: string[]): Promise<void> {
  const said = await runIpBatch(['unshare', `--net=${path}`], commands);
  const failed = said.findIndex((s) => s !== undefined);
  if (failed >= 0) throw new Error(`\`ip ${commands[failed]}\` in a new namespace failed: ${said[failed]}`);
}

/**
 * One `ip -force -batch -` process (behind `wrapper`, e.g. unshare); what ip said of each
 * command that failed, undefined for the others. A failure ip does not put on a line ends
 * the whole batch (ip exits at a malformed argument), so it throws.
 */
async function runIpBatch(wrapper: string[], commands: string[]): Promise<(string | undefined)[]> {
  const [program = 'ip', ...args] = [...wrapper, 'ip', '-force', '-batch', '-'];
  const { exitCode, stderr } = await runCaptured([program, ...args], {
    cwd: '/',
    env: { PATH: SYSTEM_PATH },
    input: `${commands.join('\n')}\n`,
    timeoutMs: 60_000,
  });
  const results: (string | undefined)[] = commands.map(() => undefined);
  let said: string[] = [];
  let attributed = false;
  for (const text of stderr.split('\n')) {
    const match = /^Command failed -:(\d+)$/.exec(text);
    if (!match) {
      if (text.trim()) said.push(text.trim());
      continue;
    }
    results[Number(match[1]) - 1] = said.join('; ') || 'failed';
    said = [];
    attributed = true;
  }
  if (exitCode !== 0 && (said.length > 0 || !attributed)) {
    const why = said.join('; ') || stderr.trim() || `exit ${exitCode}`;
    throw new Error(
      exitCode === 127
        ? `${[...wrapper, 'ip'].join(' ')} cannot run: ${why}; install iproute2 and util-linux or start the node with --container-network host`
        : `ip -batch stopped: ${why}`,
    );
  }
  return results;
}
