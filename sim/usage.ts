/**
 * What the simulated nodes cost their process, for `sim-workers --stats-every`: the tasks
 * the agents hold (and how many run), the heap and RSS, and the CPU time spent so far. The
 * figures per task and per node of bench:scale's simulator come from these.
 */
import { agentMetrics } from '../lib/node-metrics.js';

export interface SimUsage {
  tasks: number;
  running: number;
  heapUsedBytes: number;
  rssBytes: number;
  /** Buffers and other memory outside the JS heap (TLS, gRPC's frames). */
  externalBytes: number;
  cpuMs: number;
}

export function simUsage(): SimUsage {
  let tasks = 0;
  let running = 0;
  // Every agent of the process lends the states of its tasks to the metrics.
  for (const states of agentMetrics.sources.all()) {
    for (const state of states()) {
      tasks++;
      if (state === 'RUNNING') running++;
    }
  }
  const mem = process.memoryUsage();
  const cpu = process.cpuUsage();
  return {
    tasks,
    running,
    heapUsedBytes: mem.heapUsed,
    rssBytes: mem.rss,
    externalBytes: mem.external,
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
  };
}
