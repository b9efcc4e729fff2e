/** The daemon's log file on a disk that fills up (a small real tmpfs). */
import test from 'ava';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isNoSpace } from '../../../lib/disk-full.js';
import { createLogger } from '../../../lib/log.js';
import { canMount, SmallDisk } from '../../small-disk.js';
import { tempDir } from '../helpers.js';

test('isNoSpace finds ENOSPC or EDQUOT also in what an error was caused by', (t) => {
  const errno = (code: string) => Object.assign(new Error(code), { code });
  t.true(isNoSpace(errno('ENOSPC')));
  t.true(isNoSpace(new Error('wrapped', { cause: errno('EDQUOT') })));
  t.false(isNoSpace(errno('EIO')));
  t.false(isNoSpace('ENOSPC'));
});

if (canMount) {
  test('a full disk stops no logger: lines wait, go out once there is room, and a note says what happened', async (t) => {
    const disk = await SmallDisk.mount(t, join(await tempDir(t), 'disk'), 1);
    const file = join(disk.dir, 'daemon.log');
    const log = createLogger({ file });
    log.info('before');
    await disk.fill();
    for (let i = 0; i < 100; i++) log.info({ i, pad: 'x'.repeat(200) }, `while full ${i}`);
    await disk.free();
    log.info('after');
    // The note follows on the next turn of the event loop; file lines are written synchronously.
    await new Promise((resolve) => setImmediate(resolve));
    const text = await readFile(file, 'utf8');
    for (const line of ['before', 'while full 0', 'while full 99', 'after'])
      t.true(text.includes(`"${line}"`), line);
    t.regex(
      text,
      /this log could not be written from .* \(ENOSPC: is the disk holding .* full\?\); no lines were lost/,
    );
  });
}
