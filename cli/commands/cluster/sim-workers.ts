/** `cluster sim-workers`: many simulated worker nodes in one process, for tests and benchmarks at scale. */
import type { Command } from 'commander';
import { invalidArgument } from '../../../lib/errors.js';
import { createLogger } from '../../../lib/log.js';
import { parseCount } from '../../format.js';

export function simWorkersCommand(program: Command): Command {
  return program
    .command('sim-workers')
    .description(
      'run N simulated worker nodes in this process: each joins with the token (a certificate of its own), keeps a session and heartbeats with the managers, and "runs" tasks of any image without running anything',
    )
    .requiredOption('--count <n>', 'how many nodes')
    .requiredOption('--manager <addr>', 'a manager to join through and open sessions with, HOST:PORT')
    .requiredOption('--token <token>', 'the worker join token (`cluster join-token worker -q` on a manager)')
    .option(
      '--state-dir <dir>',
      'where the nodes keep their identities: a restart resumes the same nodes',
      'sim-state',
    )
    .option('--prefix <name>', 'node names are PREFIX-00000 and up', 'sim')
    .option('--start-ms <ms>', 'how long a simulated task takes to start, in milliseconds', '0')
    .option('--join-concurrency <n>', 'joins in flight at once', '8')
    .option('--session-rate <n>', 'sessions opened per second', '200')
    .option('--log-level <level>', 'error, warn, info or debug', 'warn')
    .option(
      '--stats-every <seconds>',
      'print a JSON line of what the nodes cost (tasks held and running, heap, RSS, CPU time) every N seconds; 0: never',
      '0',
    )
    .action(
      async (o: {
        count: string;
        manager: string;
        token: string;
        stateDir: string;
        prefix: string;
        startMs: string;
        joinConcurrency: string;
        sessionRate: string;
        logLevel: string;
        statsEvery: string;
      }) => {
        if (!/^[a-z0-9][a-z0-9.-]*$/i.test(o.prefix))
          throw invalidArgument('--prefix', 'letters, digits, dots and dashes', o.prefix);
        const sessionsPerSecond = parseCount('--session-rate', o.sessionRate);
        if (sessionsPerSecond === 0) throw invalidArgument('--session-rate', 'at least 1', o.sessionRate);
        const log = createLogger({ level: o.logLevel });
        // Loaded here: the agent's code is for this command only, not every command's start.
        const { SimWorkers } = await import('../../../sim/workers.js');
        const { simUsage } = await import('../../../sim/usage.js');
        // Under `node --expose-gc` the heap is collected first, so that a line counts what is held.
        const printUsage = (nodes: number) => {
          (globalThis as { gc?: () => void }).gc?.();
          console.log(JSON.stringify({ figure: 'sim_usage', nodes, ...simUsage() }));
        };
        const sim = new SimWorkers({
          count: parseCount('--count', o.count),
          manager: o.manager,
          token: o.token,
          stateDir: o.stateDir,
          prefix: o.prefix,
          startMs: parseCount('--start-ms', o.startMs, 600_000),
          joinConcurrency: Math.max(1, parseCount('--join-concurrency', o.joinConcurrency)),
          sessionsPerSecond,
          log,
        });
        const statsMs = parseCount('--stats-every', o.statsEvery, 3600) * 1000;
        const stop = new AbortController();
        for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());
        const joined = await sim.join();
        console.log(
          `${sim.identities.length} simulated nodes (${joined} joined now, ${sim.identities.length - joined} resumed from ${o.stateDir}); opening their sessions`,
        );
        const stats = statsMs > 0 ? setInterval(() => printUsage(sim.identities.length), statsMs) : undefined;
        await sim.run(stop.signal).finally(() => clearInterval(stats));
      },
    );
}
