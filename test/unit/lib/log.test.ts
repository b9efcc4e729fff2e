/** The daemon's log file on a disk that fills up (a small real tmpfs). */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isNoSpace } from '../../../lib/disk-full.js';
import { createLogger, lastWords } from '../../../lib/log.js';
import { canMount, SmallDisk } from '../../small-disk.js';
import { eventually, tempDir } from '../helpers.js';

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

  test('the last words of a process whose log is on a full disk reach the log once there is room', async (t) => {
    const disk = await SmallDisk.mount(t, join(await tempDir(t), 'disk'), 1);
    const file = join(disk.dir, 'daemon.log');
    const log = createLogger({ file });
    await disk.fill();
    log.info({ pad: 'x'.repeat(8192) }, 'held while full');
    lastWords(log, new Error('what it died of'), 'the daemon stops');
    // The lines held die with the process; the last words are handed on.
    await disk.free();
    const text = await eventually(
      () => {
        const now = readFileSync(file, 'utf8');
        return now.includes('what it died of') && now;
      },
      { intervalMs: 100, message: 'the last words written' },
    );
    t.regex(
      text,
      /"msg":"the daemon stops \(the disk holding .* was full from .*: what was logged since is lost\)"/,
    );
  });
}
