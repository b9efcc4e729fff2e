import test from 'ava';
import { newMessage } from '../../../../manager/raft/core/message.js';
import { coalesceAppends } from '../../../../manager/raft/node/coalesce.js';
import { MessageType, type Message } from '../../../../manager/raft/types.js';
import { app } from './appends.js';

const shape = (ms: Message[]) =>
  ms.map((m) => ({
    to: m.to,
    type: MessageType[m.type],
    index: m.index,
    commit: m.commit,
    n: m.entries.length,
  }));

test('appends that follow one another to a peer become one, with the last commit index', (t) => {
  const out = coalesceAppends([app(2, 10, 9), app(3, 10, 9), app(2, 11, 10), app(3, 11, 10), app(2, 12, 10)]);
  t.deepEqual(shape(out), [
    { to: 2, type: 'App', index: 10, commit: 10, n: 3 },
    { to: 3, type: 'App', index: 10, commit: 10, n: 2 },
  ]);
  t.deepEqual(
    out[0]!.entries.map((e) => e.index),
    [11, 12, 13],
  );
});

test('a gap, another term, or another message to the same peer in between keeps appends apart', (t) => {
  const heartbeat = newMessage({ type: MessageType.Heartbeat, from: 1, to: 2, term: 2 });
  const out = coalesceAppends([app(2, 10, 9), heartbeat, app(2, 11, 9), app(2, 20, 9), app(2, 21, 9, 1)]);
  t.deepEqual(
    shape(out).map((m) => [m.type, m.index, m.n]),
    [
      ['App', 10, 1],
      ['Heartbeat', 0, 0],
      ['App', 11, 1],
      ['App', 20, 1],
      ['App', 21, 1],
    ],
  );
});
