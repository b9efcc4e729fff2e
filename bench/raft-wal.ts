/**
 * WAL benchmark: fsync latency of single appends, group-commit throughput with 64
 * concurrent appends, unsynced append throughput and replay speed. Prints one JSON line
 * per figure. Run: node dist/bench/raft-wal.js [dir] (default: a temp dir under os.tmpdir()).
 */
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Wal } from '../manager/raft/storage/wal.js';
import type { Entry } from '../manager/raft/types.js';
import { EntryType } from '../manager/raft/types.js';
import { percentile } from './stats.js';

const ENTRY_BYTES = 256;
const payload = new Uint8Array(ENTRY_BYTES).fill(0xab);
const entry = (index: number): Entry => ({ index, term: 1, type: EntryType.Normal, data: payload });

function report(figure: string, value: number, unit: string, extra: Record<string, unknown> = {}): void {
  const rounded = Number(value.toPrecision(4));
  console.log(
    JSON.stringify({ bench: 'raft-wal', figure, value: rounded, unit, entry_bytes: ENTRY_BYTES, ...extra }),
  );
}

async function appendFsyncLatency(dir: string, n: number): Promise<void> {
  const { wal } = await Wal.open(dir);
  const ms: number[] = [];
  for (let i = 1; i <= n; i++) {
    const start = performance.now();
    await wal.save(undefined, [entry(i)], true);
    ms.push(performance.now() - start);
  }
  await wal.close();
  ms.sort((a, b) => a - b);
  report('append_fsync_p50_ms', percentile(ms, 50), 'ms', { samples: n });
  report('append_fsync_p99_ms', percentile(ms, 99), 'ms', { samples: n });
}

async function groupCommitThroughput(dir: string, concurrency: number, rounds: number): Promise<void> {
  const { wal } = await Wal.open(dir);
  let next = 1;
  const start = performance.now();
  for (let r = 0; r < rounds; r++) {
    const saves: Promise<void>[] = [];
    for (let i = 0; i < concurrency; i++) saves.push(wal.save(undefined, [entry(next++)], true));
    await Promise.all(saves);
  }
  const seconds = (performance.now() - start) / 1000;
  await wal.close();
  const extra = { concurrency, rounds };
  report(`group_commit_${concurrency}_entries_per_sec`, (next - 1) / seconds, 'entries/s', extra);
  report(`group_commit_${concurrency}_round_mean_ms`, (seconds * 1000) / rounds, 'ms', extra);
}

async function unsyncedAppendsAndReplay(dir: string, n: number): Promise<void> {
  const { wal } = await Wal.open(dir);
  let start = performance.now();
  for (let i = 1; i <= n; i++) await wal.save(undefined, [entry(i)], false);
  await wal.sync();
  report('append_nosync_entries_per_sec', n / ((performance.now() - start) / 1000), 'entries/s', {
    entries: n,
  });
  await wal.close();

  start = performance.now();
  const reopened = await Wal.open(dir);
  const seconds = (performance.now() - start) / 1000;
  await reopened.wal.close();
  if (reopened.state.entries.length !== n)
    throw new Error(`replayed ${reopened.state.entries.length} of ${n}`);
  report('replay_entries_per_sec', n / seconds, 'entries/s', { entries: n });
}

const root = await fs.mkdtemp(path.join(process.argv[2] ?? os.tmpdir(), 'flotilla-bench-wal-'));
try {
  await appendFsyncLatency(path.join(root, 'latency'), 300);
  await groupCommitThroughput(path.join(root, 'group'), 64, 50);
  await unsyncedAppendsAndReplay(path.join(root, 'replay'), 100_000);
} finally {
  await fs.rm(root, { recursive: true, force: true });
}
