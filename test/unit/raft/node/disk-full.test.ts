/** Raft members whose disk fills up (a small real tmpfs): they pause, ack nothing unsaved, and go on. */
import test from 'ava';
import { cp, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { isFlotillaError } from '../../../../lib/errors.js';
import { canMount, SmallDisk } from '../../../small-disk.js';
import { eventually } from '../../helpers.js';
import { Group, text } from './group.js';

/** An entry big enough that a few of them outgrow what a full disk's last page holds. */
const big = (name: string): Uint8Array => text(name.padEnd(16 * 1024, '.'));
const names = (items: string[]): string[] => items.map((i) => i.replace(/\.+$/, ''));

/** Restarts member `id` of `g` with its files on a small disk of their own. */
async function onSmallDisk(t: import('ava').ExecutionContext, g: Group, id: number): Promise<SmallDisk> {
  await g.stop(id);
  const dir = join(g.dir, String(id));
  await rename(dir, `${dir}.before`);
  const disk = await SmallDisk.mount(t, dir, 1);
  await cp(`${dir}.before`, dir, { recursive: true });
  await g.start(id);
  return disk;
}

if (!canMount) {
  test('raft members on a full disk: skipped (mounting a tmpfs takes root)', (t) => t.pass());
} else {
  test('a lone member on a full disk refuses proposals naming it, takes them again once there is room, and keeps every acknowledged one', async (t) => {
    const g = await Group.create(t, 1);
    const disk = await onSmallDisk(t, g, 1);
    let node = await g.leader();
    await node.propose(big('before'));
    await disk.fill();

    const acknowledged = ['before'];
    let refusal: unknown;
    for (let i = 0; i < 100 && !refusal; i++) {
      await node.propose(big(`p${i}`)).then(
        () => acknowledged.push(`p${i}`),
        (err: unknown) => (refusal = err),
      );
    }
    t.true(isFlotillaError(refusal, 'RESOURCE_EXHAUSTED'));
    t.truthy(node.paused);
    // Refused at once while paused, before reaching the log: never applied.
    const now = await t.throwsAsync(node.propose(big('never')));
    t.true(isFlotillaError(now, 'RESOURCE_EXHAUSTED'));
    t.regex(now.message, /the disk holding .* is full/);
    t.false(node.isLeader);
    t.true(isFlotillaError(await t.throwsAsync(node.readBarrier()), 'RESOURCE_EXHAUSTED'));

    await disk.free();
    await eventually(() => node.isLeader && !node.paused, { message: 'leading again' });
    await node.propose(big('after'));
    acknowledged.push('after');

    await g.stop(1);
    node = await g.start(1);
    await eventually(() => node.isLeader, { message: 'leading after a restart' });
    const applied = names(g.machines.get(1)!.items);
    for (const name of acknowledged) t.true(applied.includes(name), `${name} acknowledged but missing`);
    t.false(applied.includes('never'));
  });

  test('a follower on a full disk acks nothing it has not saved, the others go on, and it catches up once there is room', async (t) => {
    const g = await Group.create(t, 3);
    const leader = await g.leader();
    const follower = g.followers(leader)[0]!.id;
    const disk = await onSmallDisk(t, g, follower);
    await g.leader();
    await disk.fill();

    for (let i = 0; i < 20; i++) await leader.propose(big(`s${i}`));
    await eventually(() => g.node(follower).paused, { message: 'the follower paused' });
    const last = leader.status().hardState.commit;
    t.true(leader.status().progress!.get(follower)!.match < last);

    await disk.free();
    await eventually(() => leader.status().progress!.get(follower)!.match >= last, {
      message: 'the follower caught up',
    });
    t.deepEqual(
      names(await g.converged(20)),
      [...Array(20).keys()].map((i) => `s${i}`),
    );
  });
}
