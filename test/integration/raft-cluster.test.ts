/**
 * Raft across real processes: three raft-member processes on loopback, fsync on, some of
 * them killed with SIGKILL while writes are in flight. Every acknowledged write must be on
 * every member, in one order; nothing that was never sent may appear. No timing is
 * asserted: waits poll with generous deadlines.
 */
import test, { type ExecutionContext } from 'ava';
import { MemberCluster } from '../fixtures/raft-member/client.js';
import type { KeyValue } from '../fixtures/raft-member/proto.js';
import { eventually } from './cluster-harness.js';

// Frequent snapshots and a short log behind them: restarts replay a snapshot, and a member
// that was down while writes went on is sent one.
const memberArgs = ['--snapshot-every', '100', '--keep-entries', '20'];

const valueOf = (key: string) => Buffer.from(`value of ${key}`);

/** Keeps `inFlight` puts of unique keys going through the leader, until stopped. */
class Writer {
  readonly sent = new Set<string>();
  /** Key -> the index its put was acknowledged at. */
  readonly acked = new Map<string, number>();
  private seq = 0;
  private stopped = false;
  private readonly loops: Promise<void>[];

  constructor(
    private readonly cluster: MemberCluster,
    inFlight = 8,
  ) {
    this.loops = Array.from({ length: inFlight }, () => this.loop());
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const key = `w/${String(++this.seq).padStart(6, '0')}`;
      this.sent.add(key);
      try {
        const index = await this.cluster.putToLeader(key, valueOf(key), { stop: () => this.stopped });
        this.acked.set(key, index);
      } catch {
        // Unacknowledged: it may or may not have been applied.
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  /** Waits until `n` more puts are acknowledged. */
  async progress(n: number): Promise<void> {
    const target = this.acked.size + n;
    await eventually(`${target} acknowledged puts`, async () => this.acked.size >= target);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
  }
}

/** Once the members converge: one order everywhere, every ack in it, nothing unsent. */
async function checkMembers(
  t: ExecutionContext,
  cluster: MemberCluster,
  sent: Set<string>,
  acked: Map<string, number>,
): Promise<void> {
  await cluster.waitConverged();
  const dumps = await Promise.all(cluster.members.map((m) => m.client.dump()));
  const order = (d: KeyValue[]) => d.map((kv) => `${kv.index} ${kv.key}`);
  const first = dumps[0]!;
  for (const [i, d] of dumps.entries()) t.deepEqual(order(d), order(first), `member ${i + 1}'s order`);

  const indexes = first.map((kv) => kv.index);
  t.deepEqual(
    indexes,
    [...indexes].sort((a, b) => a - b),
    'dump sorted by index',
  );
  const byKey = new Map(first.map((kv) => [kv.key, kv]));
  const missing = [...acked.keys()].filter((k) => !byKey.has(k));
  t.deepEqual(missing, [], 'acknowledged puts missing');
  // A put sent again after an open-ended error may apply twice: the later index wins.
  const moved = [...acked].filter(([k, index]) => byKey.get(k)!.index < index);
  t.deepEqual(moved, [], 'acknowledged puts at a lower index than acknowledged');
  const wrong = first.filter((kv) => !Buffer.from(kv.value).equals(valueOf(kv.key)));
  t.deepEqual(wrong, [], 'values');
  const unsent = first.filter((kv) => !sent.has(kv.key)).map((kv) => kv.key);
  t.deepEqual(unsent, [], 'keys never sent');
  t.log(`${acked.size} acknowledged of ${sent.size} sent; ${first.length} applied`);
}

let clusters: MemberCluster[] = [];

async function startCluster(): Promise<MemberCluster> {
  const cluster = await MemberCluster.start({ args: memberArgs });
  clusters.push(cluster);
  return cluster;
}

test.after.always(async () => {
  await Promise.all(clusters.map((c) => c.destroy()));
  clusters = [];
});

test.serial('writes through the leader are on every member in the order acknowledged', async (t) => {
  const cluster = await startCluster();
  const leader = cluster.member(await cluster.leader()).client;
  const sent = new Set<string>();
  const acked = new Map<string, number>();
  for (let i = 0; i < 150; i++) {
    const key = `a/${i}`;
    sent.add(key);
    acked.set(key, await leader.put(key, valueOf(key)));
  }
  const ackOrder = [...acked.values()];
  t.deepEqual(
    ackOrder,
    [...ackOrder].sort((a, b) => a - b),
    'sequential puts acknowledged in index order',
  );
  await checkMembers(t, cluster, sent, acked);
});

test.serial('acknowledged writes survive SIGKILL of the leader, three times over', async (t) => {
  const cluster = await startCluster();
  const writer = new Writer(cluster);
  try {
    await writer.progress(50);
    for (let cycle = 1; cycle <= 3; cycle++) {
      const leader = await cluster.leader();
      await cluster.kill(leader);
      t.log(`cycle ${cycle}: killed leader ${leader} at ${writer.acked.size} acknowledged`);
      await writer.progress(50);
      await cluster.spawn(leader);
      await writer.progress(50);
    }
  } finally {
    await writer.stop();
  }
  await checkMembers(t, cluster, writer.sent, writer.acked);
});

test.serial('acknowledged writes survive SIGKILL of every member at once', async (t) => {
  const cluster = await startCluster();
  const writer = new Writer(cluster);
  try {
    await writer.progress(150);
    await Promise.all(cluster.members.map((m) => cluster.kill(m.id)));
  } finally {
    await writer.stop();
  }
  await Promise.all(cluster.members.map((m) => cluster.spawn(m.id)));
  await checkMembers(t, cluster, writer.sent, writer.acked);
});
