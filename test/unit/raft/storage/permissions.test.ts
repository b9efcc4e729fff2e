import test from 'ava';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { RaftDisk } from '../../../../manager/raft/storage/raft-disk.js';
import { entries, payloadFor, tempDir } from './helpers.js';

const modeOf = async (p: string) => (await fs.stat(p)).mode & 0o7777;

/** Every file and directory under `dir`, with its permission bits. */
async function modes(dir: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of await fs.readdir(dir, { recursive: true })) {
    out[name] = await modeOf(path.join(dir, name));
  }
  return out;
}

test('the log and snapshots are for the manager alone: directories 0700, files 0600', async (t) => {
  const dir = path.join(await tempDir(t), 'data', 'raft');
  const { disk } = await RaftDisk.open(dir, { segmentBytes: 4096 });
  await disk.persist({
    hardState: { term: 1, vote: 1, commit: 40 },
    entries: entries(1, 40, 1, 256),
    mustSync: true,
  });
  await disk.compact({
    metadata: { index: 40, term: 1, confState: { voters: [1], learners: [] } },
    data: payloadFor(40, 1),
  });
  await disk.close();
  t.is(await modeOf(dir), 0o700);
  t.is(await modeOf(path.dirname(dir)), 0o700);
  const found = await modes(dir);
  const files = Object.keys(found).filter((name) => name.includes('.'));
  t.true(files.some((name) => name.endsWith('.wal')));
  t.true(files.some((name) => name.endsWith('.snap')));
  for (const [name, mode] of Object.entries(found)) {
    t.is(mode, files.includes(name) ? 0o600 : 0o700, name);
  }
});
