/**
 * Leases around multi-step writes: what the steps create (snapshots, content, containers)
 * is safe from containerd's garbage collector until the lease ends, and a lease left by an
 * agent that died mid-way expires by itself.
 */
import { randomBytes } from 'node:crypto';
import type { ContainerdClient } from './client.js';

const EXPIRE_AFTER_MS = 60 * 60_000;

async function createLease(client: ContainerdClient, purpose: string): Promise<string> {
  const id = `flotilla-${purpose}-${randomBytes(4).toString('hex')}`;
  const expire = new Date(Date.now() + EXPIRE_AFTER_MS).toISOString();
  await client.unary('leases', 'Create', { id, labels: { 'containerd.io/gc.expire': expire } });
  return id;
}

export async function withLease<T>(
  client: ContainerdClient,
  purpose: string,
  work: (lease: string) => Promise<T>,
): Promise<T> {
  const id = await createLease(client, purpose);
  try {
    return await work(id);
  } finally {
    await client.unary('leases', 'Delete', { id }).catch(() => undefined);
  }
}

/**
 * One lease for all the works that overlap in time, ended when the last of them ends: a
 * burst of container creates costs two lease writes (each a database commit in containerd)
 * instead of two per container. A work must have made what keeps its results (a container
 * record keeps its snapshot) by the time it returns. A lease is handed out for a tenth of
 * its expiry at most, so that a work never outlives it.
 */
export class SharedLease {
  private current: { id: Promise<string>; users: number; since: number } | undefined;

  constructor(
    private readonly client: ContainerdClient,
    private readonly purpose: string,
  ) {}

  async with<T>(work: (lease: string) => Promise<T>): Promise<T> {
    if (!this.current || Date.now() - this.current.since > EXPIRE_AFTER_MS / 10) {
      const held = { id: createLease(this.client, this.purpose), users: 0, since: Date.now() };
      // A failed create is not handed to later works.
      held.id.catch(() => {
        if (this.current === held) this.current = undefined;
      });
      this.current = held;
    }
    const held = this.current;
    held.users++;
    try {
      return await work(await held.id);
    } finally {
      if (--held.users === 0) {
        if (this.current === held) this.current = undefined;
        const id = await held.id.catch(() => undefined);
        if (id) await this.client.unary('leases', 'Delete', { id }).catch(() => undefined);
      }
    }
  }
}
