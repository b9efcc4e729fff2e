import test from 'ava';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { entryFor } from './fixtures/wal-writer-entries.js';
import { recoverWal, tempDir } from './helpers.js';

const WRITER = fileURLToPath(new URL('./fixtures/wal-writer.js', import.meta.url));
const SEGMENT_BYTES = 64 * 1024;

/** Runs the writer until it has acknowledged `acks` entries, then kill -9s it; returns the acknowledged indexes. */
async function writeUntilKilled(dir: string, term: number, acks: number): Promise<number[]> {
  const child = spawn(process.execPath, [WRITER, dir, String(term), String(SEGMENT_BYTES)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  const acked: number[] = [];
  for await (const line of createInterface({ input: child.stdout })) {
    acked.push(Number(line));
    if (acked.length === acks) child.kill('SIGKILL');
  }
  const [code, signal] = await exited;
  if (signal !== 'SIGKILL') throw new Error(`writer exited on its own (code ${code})`);
  return acked;
}

test('every entry acknowledged before a kill -9 is recovered intact', async (t) => {
  const dir = await tempDir(t);
  const acknowledged = new Map<number, number>(); // index -> term
  for (let term = 1; term <= 4; term++) {
    const acks = 20 + Math.floor(Math.random() * 400);
    for (const index of await writeUntilKilled(dir, term, acks)) acknowledged.set(index, term);

    const { entries, hardState } = await recoverWal(dir, {
      segmentBytes: SEGMENT_BYTES,
      warn: () => undefined,
    });
    t.is(hardState.term, term);
    entries.forEach((e, i) => {
      if (e.index !== i + 1) t.fail(`entry ${i + 1} missing: found ${e.index}`);
      t.deepEqual(e, entryFor(e.index, e.term));
    });
    const byIndex = new Map(entries.map((e) => [e.index, e.term]));
    const lost = [...acknowledged].filter(([index, ackTerm]) => byIndex.get(index) !== ackTerm);
    t.deepEqual(lost, [], `round ${term}: ${acknowledged.size} acknowledged, ${entries.length} recovered`);
  }
});
