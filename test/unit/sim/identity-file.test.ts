/** The simulated nodes' identities file: what a run adds, the next run resumes, even after a kill cut a line. */
import test from 'ava';
import { appendFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IdentityFile, type SimIdentity } from '../../../sim/identities.js';

const identity = (n: number): SimIdentity => ({
  nodeId: `id${n}`,
  hostname: `sim-${n}`,
  addr: `127.200.1.${n}:4240`,
  managers: ['127.0.0.1:4240'],
  ca: 'CA',
  cert: 'CERT',
  key: 'KEY',
});

test('identities added in one run are there in the next; a line cut by a kill is joined again', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'h7-identities-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const first = await IdentityFile.open(join(dir, 'state'));
  await first.add(0, identity(0));
  await first.add(1, identity(1));
  await first.close();
  const path = join(dir, 'state', 'nodes.jsonl');
  t.is((await stat(path)).mode & 0o777, 0o600);
  await appendFile(path, '{"index":2,"nodeId":"id');

  const second = await IdentityFile.open(join(dir, 'state'));
  t.deepEqual(second.get(1), identity(1));
  t.is(second.get(2), undefined);
  await second.add(2, identity(2));
  await second.close();

  const third = await IdentityFile.open(join(dir, 'state'));
  t.deepEqual(
    [0, 1, 2].map((i) => third.get(i)?.nodeId),
    ['id0', 'id1', 'id2'],
  );
  await third.close();
  t.is((await readFile(path, 'utf8')).split('\n').filter(Boolean).length, 4);
});
