/**
 * What the lab tests share: whether a lab can run here, and a lab of the test's own, driven
 * through the `cluster lab` CLI as a user would.
 */
import { randomBytes } from 'node:crypto';
import type { Lab } from '../../cli/lab/state.js';
import { requireTools } from '../../cli/lab/hosts.js';
import type { Node, Task } from '../../proto/types.js';
import { eventually, runCli, type CliResult } from '../integration/cluster-harness.js';

/** Why a lab cannot run here, if it cannot. */
export async function labMissing(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'cluster lab needs root (network namespaces)';
  return requireTools(['ip', 'nft', 'nsenter']).then(
    () => undefined,
    (err: Error) => err.message,
  );
}

export class TestLab {
  readonly name = `lt${randomBytes(4).toString('hex')}`;

  run(command: string, ...args: string[]): Promise<CliResult> {
    return runCli(['lab', command, '--name', this.name, ...args]);
  }

  /** `cluster ARGS` inside `host`, on its node's local socket. */
  cluster(host: string, ...args: string[]): Promise<CliResult> {
    return this.run('exec', host, '--', 'cluster', ...args);
  }

  async json<T>(host: string, ...args: string[]): Promise<T> {
    const res = await this.cluster(host, ...args, '--format', 'raw');
    if (res.code !== 0) throw new Error(`cluster ${args.join(' ')} in ${host}: ${res.stderr}`);
    return JSON.parse(res.stdout) as T;
  }

  /** `service create -d --name NAME ARGS` through m1; throws saying why if it fails. */
  async createService(name: string, ...args: string[]): Promise<void> {
    const res = await this.cluster('m1', 'service', 'create', '-d', '--name', name, ...args);
    if (res.code !== 0) throw new Error(`service create ${name}: ${res.stderr}`);
  }

  /** The tasks of `service` that run and are meant to. */
  async running(service: string): Promise<Task[]> {
    const tasks = await this.json<Task[]>('m1', 'service', 'ps', service);
    return tasks.filter((t) => t.desiredState === 'RUNNING' && t.status?.state === 'RUNNING');
  }

  /** Each node's hostname, by node id. */
  async hostnames(): Promise<Record<string, string>> {
    const nodes = await this.json<Node[]>('m1', 'node', 'ls');
    return Object.fromEntries(nodes.map((n) => [n.id, n.description?.hostname ?? '']));
  }

  /** Each node's state (READY, DOWN) by hostname, as m1 reports it. */
  async states(): Promise<Record<string, string>> {
    const nodes = await this.json<Node[]>('m1', 'node', 'ls');
    return Object.fromEntries(nodes.map((n) => [n.description?.hostname ?? '', n.status?.state ?? '']));
  }

  hostIs(host: string, state: string): Promise<true> {
    return eventually(`${host} ${state}`, async () => (await this.states())[host] === state);
  }

  async state(): Promise<Lab | undefined> {
    const res = await runCli(['lab', 'ls', '--format', 'json']);
    return (JSON.parse(res.stdout) as Lab[]).find((l) => l.name === this.name);
  }

  async down(): Promise<void> {
    if (await this.state()) await this.run('down');
  }
}
