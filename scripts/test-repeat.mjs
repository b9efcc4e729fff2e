// Runs the tests (ava) several times to show which are flaky: per test, how many runs it
// failed in, then one JSON line with the totals.
//   npm run test:repeat -- --runs N [files or other ava arguments...]
// (the build runs first; without files, the whole suite).
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = new URL('..', import.meta.url).pathname;

// ava's TAP reporter crashes when tests time out (ava 7.0.0, avajs/ava#3461), and those are
// the flakes to see; so this reads its default reporter, in colour: the colours tell a
// failed test's title from its message, and a passed test's from its duration.
const ITALIC = '\x1b[3m'; // a failure's message follows
/* eslint-disable no-control-regex -- colours' escapes are what these match */
const DURATION = / \x1b\[90m\x1b\[2m\([^)\x1b]*\)\x1b\[22m\x1b\[39m$/;
const ANSI = /\x1b\[[0-9;]*m/g;
/* eslint-enable no-control-regex */

/**
 * What one ava run said: the tests that passed, and the tests (or, for crashes, the events)
 * that failed: failed or timed out tests and hooks, crashed or stuck test files.
 * @param {string} output ava's standard output, with --color
 * @returns {{ passed: Set<string>, failed: Set<string> }}
 */
export function parseRun(output) {
  const passed = new Set();
  const failed = new Set();
  for (const raw of output.split('\n')) {
    const line = raw.replace(DURATION, '').replace(ITALIC, '\0').replace(ANSI, '').trim();
    let m;
    if ((m = /^✔ (.+)$/.exec(line)) && !line.startsWith('✔ [expected fail]')) passed.add(m[1]);
    else if ((m = /^✘ \[(?:fail|unexpected pass)\]: ([^\0]+?)(?: \0.*)?$/.exec(line))) failed.add(m[1]);
    // Pending when ava timed out.
    else if ((m = /^◌ (.+)$/.exec(line))) failed.add(m[1]);
    else if (/^(Uncaught exception|Unhandled rejection|Failed to exit when running) /.test(line))
      failed.add(line);
    // Other crosses: a test file that crashed, an internal error... but not what only sums up.
    else if (
      line.startsWith('✘ ') &&
      !/^✘ (\d+ tests? remaining in |Timed out while running tests$|Exiting due to SIGINT$)/.test(line)
    )
      failed.add(line.slice(2));
  }
  return { passed, failed };
}

function runAva(args) {
  return new Promise((resolve, reject) => {
    const ava = spawn(join(root, 'node_modules/.bin/ava'), [...args, '--color'], { cwd: root });
    let stdout = '';
    let stderr = '';
    ava.stdout.on('data', (b) => (stdout += b));
    ava.stderr.on('data', (b) => (stderr += b));
    ava.on('error', reject);
    ava.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function main(argv) {
  let runs;
  const avaArgs = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--runs') runs = argv[++i];
    else if (argv[i].startsWith('--runs=')) runs = argv[i].slice('--runs='.length);
    else avaArgs.push(argv[i]);
  }
  if (!/^[1-9]\d*$/.test(runs ?? '')) {
    console.error(
      `test:repeat: --runs takes how many times to run the tests (1 or more), got ${JSON.stringify(runs ?? null)}; ` +
        'e.g. npm run test:repeat -- --runs 10 test/integration/ha.test.ts',
    );
    process.exit(2);
  }
  runs = Number(runs);
  const logs = mkdtempSync(join(tmpdir(), 'flotilla-test-repeat-'));
  const seen = new Set();
  /** Per test (or crash), the runs it failed in. */
  const failures = new Map();
  let failedRuns = 0;
  for (let run = 1; run <= runs; run++) {
    const { code, stdout, stderr } = await runAva(avaArgs);
    const { passed, failed } = parseRun(stdout);
    // ava failed without saying so in a line read above (a file that does not load...).
    if (code !== 0 && failed.size === 0) failed.add(`ava exited with code ${code}`);
    for (const title of [...passed, ...failed]) seen.add(title);
    for (const title of failed) failures.set(title, (failures.get(title) ?? 0) + 1);
    let line = `run ${run}/${runs}: ${passed.size} passed, ${failed.size} failed`;
    if (failed.size > 0) {
      failedRuns++;
      const log = join(logs, `run-${run}.txt`);
      writeFileSync(log, `${stdout.replace(ANSI, '')}\n--- stderr ---\n${stderr}`);
      line += `: ${[...failed].join('; ')} (ava's output: ${log})`;
    }
    console.log(line);
  }
  const flaky = [...failures].sort((a, b) => b[1] - a[1]);
  console.log(
    flaky.length === 0
      ? `\nno test failed in ${runs} runs (${seen.size} tests)`
      : `\nruns failed, of ${runs}, per test:\n${flaky.map(([title, n]) => `  ${n}  ${title}`).join('\n')}`,
  );
  const summary = { runs, failedRuns, tests: seen.size, failures: Object.fromEntries(flaky), args: avaArgs };
  console.log(JSON.stringify(summary));
  process.exitCode = failedRuns > 0 ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main(process.argv.slice(2));
