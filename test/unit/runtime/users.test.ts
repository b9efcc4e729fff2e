import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { isFlotillaError } from '../../../lib/errors.js';
import { resolveUser, type UserFiles } from '../../../runtime/users.js';

let files: UserFiles;
let dir = '';

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flotilla-users-'));
  files = { passwd: join(dir, 'passwd'), group: join(dir, 'group') };
  await writeFile(
    files.passwd,
    'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\napp:x:1000:1001::/home/app:/bin/sh\n',
  );
  await writeFile(files.group, 'root:x:0:\nnogroup:x:65534:\napps:x:1001:app\n');
});

test.after.always(() => rm(dir, { recursive: true, force: true }));

test('a name takes its uid, primary group and home', async (t) => {
  t.deepEqual(await resolveUser('app', files), { uid: 1000, gid: 1001, home: '/home/app' });
});

test('a known uid reads like its name; an unknown one runs with group 0 and home /', async (t) => {
  t.deepEqual(await resolveUser('65534', files), { uid: 65534, gid: 65534, home: '/nonexistent' });
  t.deepEqual(await resolveUser('4242', files), { uid: 4242, gid: 0, home: '/' });
});

test('a group by name or id replaces the primary group', async (t) => {
  t.like(await resolveUser('app:nogroup', files), { uid: 1000, gid: 65534 });
  t.like(await resolveUser('4242:77', files), { uid: 4242, gid: 77 });
});

test('unknown names fail naming what was not found and where', async (t) => {
  const user = await t.throwsAsync(resolveUser('ghost', files));
  t.true(isFlotillaError(user, 'NOT_FOUND'));
  t.is(user.message, `user "ghost" not found in ${files.passwd}`);
  const group = await t.throwsAsync(resolveUser('app:ghosts', files));
  t.is(group.message, `group "ghosts" not found in ${files.group}`);
});

test('malformed specs are refused', async (t) => {
  for (const spec of ['', 'app:', ':apps', 'a:b:c']) {
    const err = await t.throwsAsync(resolveUser(spec, files));
    t.true(isFlotillaError(err, 'INVALID_ARGUMENT'), spec);
  }
});
