/**
 * Leases around multi-step writes: what the steps create (snapshots, content, containers)
 * is safe from containerd's garbage collector until the lease ends, and a lease left by an
 * agent that died mid-way expires by itself.
 */
import { randomBytes } from 'node:crypto';
import type { ContainerdClient } from './client.js';

const EXPIRE_AFTER_MS = 60 * 60_000;

export async function withLease<T>(
  client: ContainerdClient,
  purpose: string,
  work: (lease: string) => Promise<T>,
): Promise<T> {
  const id = `flotilla-${purpose}-${randomBytes(4).toString('hex')}`;
  const expire = new Date(Date.now() + EXPIRE_AFTER_MS).toISOString();
  await client.unary('leases', 'Create', { id, labels: { 'containerd.io/gc.expire': expire } });
  try {
    return await work(id);
  } finally {
    await client.unary('leases', 'Delete', { id }).catch(() => undefined);
  }
}
