import test from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chainIds } from '../../../runtime/containerd/images.js';
import { TarIndex } from '../../../runtime/tar-index.js';

test('chain ids: the first is the diff id, then sha256 of "parent diff"', (t) => {
  const a = `sha256:${'a'.repeat(64)}`;
  const b = `sha256:${'b'.repeat(64)}`;
  const [first, second] = chainIds([a, b]);
  t.is(first, a);
  const expected = execFileSync('sh', ['-c', `printf '%s' '${a} ${b}' | sha256sum`], { encoding: 'utf8' });
  t.is(second, `sha256:${expected.split(' ')[0]}`);
});

test('TarIndex reads the files of a tar in place, by name with or without ./', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'flotilla-tar-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'index.json'), '{"a":1}');
  await writeFile(join(dir, 'big'), Buffer.alloc(3 * 1024 * 1024 + 7, 1));
  execFileSync('tar', ['-C', dir, '-cf', join(dir, 'x.tar'), './index.json', 'big']);
  const tar = await TarIndex.open(join(dir, 'x.tar'));
  t.teardown(() => tar.close());
  t.true(tar.has('index.json') && tar.has('./big'));
  t.is((await tar.read('index.json')).toString(), '{"a":1}');
  let size = 0;
  for await (const chunk of tar.chunks('big')) size += chunk.length;
  t.is(size, 3 * 1024 * 1024 + 7);
  t.throws(() => tar.entry('missing'), { message: /has no file missing/ });
});
