/**
 * The identities of simulated nodes: each joined once, with a key and a certificate of its
 * own, kept as `<state dir>/node-<index>.json` (mode 0600: it holds the key) so that a
 * restarted sim-workers resumes the same nodes instead of joining new ones.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isFlotillaError } from '../lib/errors.js';
import { describeNode } from '../daemon/description.js';
import { newKeyAndRequestSync } from '../manager/ca/requests.js';
import type { NodeDescription } from '../proto/types.js';
import { isLoopback, joinFrom, simAddress } from './join.js';
import { hostOf } from '../worker/addr.js';

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

const fileOf = (dir: string, index: number) => join(dir, `node-${index}.json`);

/** Makes the state dir the nodes' identities are kept in (once, before the first identityOf). */
export const makeStateDir = (plan: JoinPlan) => mkdir(plan.stateDir, { recursive: true, mode: 0o700 });

/** Node `index` as a previous run left it, or joined now (fresh) and written down (see makeStateDir). */
export async function identityOf(
  plan: JoinPlan,
  index: number,
): Promise<{ identity: SimIdentity; fresh: boolean }> {
  const file = fileOf(plan.stateDir, index);
  const kept = await readFile(file, 'utf8').then(
    (text) => JSON.parse(text) as SimIdentity,
    () => undefined,
  );
  if (kept) return { identity: kept, fresh: false };
  const local = isLoopback(hostOf(plan.manager));
  const source = local ? simAddress(index) : plan.localAddress;
  const hostname = `${plan.prefix}-${String(index).padStart(5, '0')}`;
  const addr = `${source}:${SIM_PORT}`;
  const { key, csr } = newKeyAndRequestSync();
  const req = { token: plan.token, addr, description: simDescription(hostname), csr, dataPathAddr: '' };
  const res = await retryWhileLimited(() => joinFrom(plan.manager, plan.ca, req, local ? source : undefined));
  const identity: SimIdentity = {
    nodeId: res.nodeId,
    hostname,
    addr,
    managers: res.managers.length ? res.managers : [plan.manager],
    ca: res.certificate!.ca || plan.ca,
    cert: res.certificate!.cert,
    key,
  };
  await writeFile(`${file}.tmp`, JSON.stringify(identity), { mode: 0o600 });
  await rename(`${file}.tmp`, file);
  return { identity, fresh: true };
}

/** Joins from one address (a remote manager) wait out the managers' join limit. */
async function retryWhileLimited<T>(join: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await join();
    } catch (err) {
      if (!isFlotillaError(err, 'RESOURCE_EXHAUSTED')) throw err;
      const waitS = Number(/try again in (\d+) s/.exec(err.message)?.[1] ?? 3);
      await new Promise((r) => setTimeout(r, waitS * 1000));
    }
  }
}
