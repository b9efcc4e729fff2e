/**
 * The identities of simulated nodes: each joined once, with a key and a certificate of its
 * own, kept as a line of `<state dir>/nodes.jsonl` (mode 0600: it holds the keys) so that a
 * restarted sim-workers resumes the same nodes instead of joining new ones. One file that
 * stays open, appended to as nodes join: thousands of files would cost more than the joins.
 */
import { mkdir, open, readFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { describeNode } from '../daemon/description.js';
import { newKeyAndRequestSync } from '../manager/ca/requests.js';
import type { NodeDescription } from '../proto/types.js';
import { isLoopback, joinFrom, simAddress } from './join.js';
import { hostOf } from '../worker/addr.js';
import { retryJoin } from '../proto/join-retry.js';

export interface SimIdentity {
  nodeId: string;
  hostname: string;
  /** The address the node says it has (nothing listens there). */
  addr: string;
  managers: string[];
  ca: string;
  cert: string;
  key: string;
}

/** The port simulated nodes advertise, as a daemon's default --listen. */
const SIM_PORT = 4240;
/** How long a simulated node goes on making its join again (elections, the join limit). */
const JOIN_RETRY_MS = 10 * 60_000;

/** What every simulated node tells the managers of itself but its name (made once: it reads the host's CPUs). */
let described: NodeDescription | undefined;

/** What a simulated node tells the managers of itself: a containerd node (see SimDriver). */
export function simDescription(hostname: string): NodeDescription {
  described ??= describeNode({ hostname: '' }, ['containerd'], false);
  return { ...described, hostname };
}

export interface JoinPlan {
  manager: string;
  token: string;
  /** The root the token names, fetched and checked once for all nodes. */
  ca: string;
  /** This machine's address toward a remote manager (from the first TLS contact). */
  localAddress: string;
  stateDir: string;
  prefix: string;
}

/** The identities kept in a state dir: those read at the start, and those added since. */
export class IdentityFile {
  private constructor(
    private readonly kept: Map<number, SimIdentity>,
    private readonly handle: FileHandle,
  ) {}

  static async open(stateDir: string): Promise<IdentityFile> {
    await mkdir(stateDir, { recursive: true, mode: 0o700 });
    const path = join(stateDir, 'nodes.jsonl');
    const text = await readFile(path, 'utf8').catch(() => '');
    const kept = new Map<number, SimIdentity>();
    for (const line of text.split('\n')) {
      // A line cut short by a kill is a node to join again.
      try {
        const { index, ...identity } = JSON.parse(line) as SimIdentity & { index: number };
        kept.set(index, identity);
      } catch {
        continue;
      }
    }
    const handle = await open(path, 'a', 0o600);
    // What follows a cut line starts a line of its own.
    if (text && !text.endsWith('\n')) await handle.appendFile('\n');
    return new IdentityFile(kept, handle);
  }

  get(index: number): SimIdentity | undefined {
    return this.kept.get(index);
  }

  async add(index: number, identity: SimIdentity): Promise<void> {
    this.kept.set(index, identity);
    await this.handle.appendFile(`${JSON.stringify({ index, ...identity })}\n`);
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

/** Node `index` as a previous run left it, or joined now (fresh) and written down. */
export async function identityOf(
  plan: JoinPlan,
  file: IdentityFile,
  index: number,
): Promise<{ identity: SimIdentity; fresh: boolean }> {
  const kept = file.get(index);
  if (kept) return { identity: kept, fresh: false };
  const local = isLoopback(hostOf(plan.manager));
  const source = local ? simAddress(index) : plan.localAddress;
  const hostname = `${plan.prefix}-${String(index).padStart(5, '0')}`;
  const addr = `${source}:${SIM_PORT}`;
  const { key, csr } = newKeyAndRequestSync();
  const req = { token: plan.token, addr, description: simDescription(hostname), csr, dataPathAddr: '' };
  // Joins from one address (a remote manager) wait out the managers' join limit, and a join
  // that met an election is made again, for as long as a large cluster takes to come up.
  const res = await retryJoin(() => joinFrom(plan.manager, plan.ca, req, local ? source : undefined), {
    forMs: JOIN_RETRY_MS,
  });
  const identity: SimIdentity = {
    nodeId: res.nodeId,
    hostname,
    addr,
    managers: res.managers.length ? res.managers : [plan.manager],
    ca: res.certificate!.ca || plan.ca,
    cert: res.certificate!.cert,
    key,
  };
  await file.add(index, identity);
  return { identity, fresh: true };
}
