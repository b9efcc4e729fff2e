import test from 'ava';
import { setTimeout as sleep } from 'node:timers/promises';
import { newMessage } from '../../../../manager/raft/core/message.js';
import { CommitNotices } from '../../../../manager/raft/node/commit-notices.js';
import { MessageType, type Message } from '../../../../manager/raft/types.js';
import { app, notice } from './appends.js';

const heartbeat = (to: number): Message => newMessage({ type: MessageType.Heartbeat, from: 1, to, term: 2 });

// Timers of the same length fire in the order they were set, so a sleep of DELAY begun after
// the notices' timer ends after it: no guessing at how late a busy machine runs timers.
const DELAY = 5;

function notices(delayMs: number): { cn: CommitNotices; sent: Message[][] } {
  const sent: Message[][] = [];
  const cn = new CommitNotices(delayMs, (ms) => sent.push(ms));
  return { cn, sent };
}

test('an empty append is held and sent after the delay; other messages pass at once', async (t) => {
  const { cn, sent } = notices(DELAY);
  t.teardown(() => cn.close());
  const hb = heartbeat(3);
  t.deepEqual(cn.filter([notice(2, 7), hb]), [hb]);
  t.deepEqual(sent, []);
  await sleep(DELAY);
  t.deepEqual(sent, [[notice(2, 7)]]);
});

test('an append with entries to the same peer supersedes the held one; to another peer it does not', async (t) => {
  const { cn, sent } = notices(DELAY);
  t.teardown(() => cn.close());
  cn.filter([notice(2, 7), notice(3, 7)]);
  const next = app(2, 7, 7);
  t.deepEqual(cn.filter([next]), [next]);
  await sleep(DELAY);
  t.deepEqual(sent, [[notice(3, 7)]]);
});

test('a newer empty append replaces the held one to its peer', async (t) => {
  const { cn, sent } = notices(DELAY);
  t.teardown(() => cn.close());
  cn.filter([notice(2, 7)]);
  cn.filter([notice(2, 8)]);
  await sleep(DELAY);
  t.deepEqual(sent, [[notice(2, 8)]]);
});

test('release() sends what is held for a peer now; close() drops the rest', async (t) => {
  const { cn, sent } = notices(DELAY);
  cn.filter([notice(2, 7), notice(3, 7)]);
  cn.release(2);
  cn.release(4);
  t.deepEqual(sent, [[notice(2, 7)]]);
  cn.close();
  await sleep(DELAY);
  t.deepEqual(sent, [[notice(2, 7)]]);
});
