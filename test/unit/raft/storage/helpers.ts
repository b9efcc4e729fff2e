import type { ExecutionContext } from 'ava';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Entry } from '../../../../manager/raft/types.js';
import { EntryType } from '../../../../manager/raft/types.js';
import { Wal } from '../../../../manager/raft/storage/wal.js';
import type { WalOptions, WalState } from '../../../../manager/raft/storage/wal.js';

/** A fresh temp directory, removed when the test ends. */
export async function tempDir(t: ExecutionContext): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'flotilla-storage-'));
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Deterministic payload for an entry, so a reader can check it was not damaged. */
export function payloadFor(index: number, term: number, size = 32): Uint8Array {
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i++) data[i] = (index * 31 + term * 7 + i) & 0xff;
  return data;
}

export function entry(index: number, term = 1, size = 32): Entry {
  return { index, term, type: EntryType.Normal, data: payloadFor(index, term, size) };
}

export function entries(from: number, to: number, term = 1, size = 32): Entry[] {
  const out: Entry[] = [];
  for (let i = from; i <= to; i++) out.push(entry(i, term, size));
  return out;
}

/** The WAL segment files under `dir`, oldest first. */
export async function segmentFiles(dir: string): Promise<string[]> {
  const walDir = path.join(dir, 'wal');
  return (await fs.readdir(walDir))
    .filter((n) => n.endsWith('.wal'))
    .sort()
    .map((n) => path.join(walDir, n));
}

/** Collects warnings instead of printing them. */
export function warnings(): { warn: (message: string) => void; messages: string[] } {
  const messages: string[] = [];
  return { warn: (m) => messages.push(m), messages };
}

/** The state a WAL recovers, opening and closing it. */
export async function recoverWal(dir: string, opts: WalOptions = {}): Promise<WalState> {
  const { wal, state } = await Wal.open(dir, opts);
  await wal.close();
  return state;
}
