/**
 * `npm run chaos -- --runs 20 --seconds 120 [--seed S] [--managers 3] [--workers 2] [--clients 6]
 *  [--keep] [--verbose]`:
 * chaos runs one after another (seeds S, S+1, ...), each printed as one JSON line, then a
 * summary line. Exits 1 when any run found a violation; each names the seed that replays it.
 */
import { chaosRun, type RunResult } from './runner.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isSafeInteger(v) || v < 0) {
    console.error(`error: --${name} takes a whole number ≥ 0, not ${process.argv[i + 1] ?? 'nothing'}`);
    process.exit(2);
  }
  return v;
}

if (process.getuid?.() !== 0) {
  console.error('error: the chaos runner makes a lab of network namespaces: run it as root');
  process.exit(2);
}

const runs = arg('runs', 1);
const seconds = arg('seconds', 60);
const seed = arg('seed', Math.floor(Math.random() * 1e6));
const shape = { managers: arg('managers', 3), workers: arg('workers', 2), clients: arg('clients', 6) };
const verbose = process.argv.includes('--verbose');
const results: RunResult[] = [];
for (let r = 0; r < runs; r++) {
  const result = await chaosRun({
    seed: seed + r,
    seconds,
    ...shape,
    services: 4,
    keep: process.argv.includes('--keep'),
    log: (line) => {
      if (verbose || !line.startsWith('  ')) console.error(line);
    },
  });
  results.push(result);
  const { schedule, ...line } = result;
  console.log(
    JSON.stringify({ figure: 'chaos-run', ...line, ...(line.violations.length ? { schedule } : {}) }),
  );
  if (result.violations.length > 0) {
    console.error(`seed ${result.seed}: ${result.violations.length} violations:`);
    for (const v of result.violations) console.error(`  ${v}`);
    console.error(
      `replay: npm run chaos -- --runs 1 --seed ${result.seed} --seconds ${seconds} --managers ${shape.managers} --workers ${shape.workers} --clients ${shape.clients}`,
    );
  }
}
const sum = (f: (r: RunResult) => number) => results.reduce((n, r) => n + f(r), 0);
console.log(
  JSON.stringify({
    figure: 'chaos',
    runs,
    seconds,
    firstSeed: seed,
    ...shape,
    operations: sum((r) => r.operations),
    unknown: sum((r) => r.unknown),
    faultsApplied: sum((r) => r.faultsApplied),
    linearizable: results.filter((r) => r.linearizability === 'linearizable').length,
    violations: sum((r) => r.violations.length),
  }),
);
process.exit(results.some((r) => r.violations.length > 0) ? 1 : 0);
