/**
 * The daemon's parts loaded one after another in this fresh process, as the daemon loads them,
 * and the mesh's proxy thread started (by a service that asks for it); after each, garbage is collected and the process sampled. One
 * JSON line per part: what it added to the parts before it. Run by memory.ts (with --expose-gc).
 */
import { readdirSync } from 'node:fs';
import { round } from './stats.js';

const MiB = 1024 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const snapshot = async () => {
  // A few rounds: finalizers and weak references let more go in the next one.
  for (let i = 0; i < 3; i++) {
    gc();
    await sleep(100);
  }
  return process.memoryUsage();
};
let last = await snapshot();
const step = async (part: string, load: () => Promise<unknown>) => {
  await load();
  const now = await snapshot();
  const added = (k: 'rss' | 'heapUsed' | 'external' | 'arrayBuffers') => round((now[k] - last[k]) / MiB);
  console.log(
    JSON.stringify({
      part,
      rss_mib: added('rss'),
      heap_used_mib: added('heapUsed'),
      external_mib: added('external'),
      total_rss_mib: round(now.rss / MiB),
    }),
  );
  last = now;
};
console.log(JSON.stringify({ part: 'node', total_rss_mib: round(last.rss / MiB) }));
await step('logging (pino)', () => import('../lib/log.js'));
await step('grpc and the wire contracts', async () => {
  await import('../proto/load.js');
  await import('../proto/rpc.js');
});
await step('metrics (prom-client)', async () => (await import('../lib/metrics.js')).showParts([]));
await step('agent and the process runtime', async () => {
  await import('../worker/agent.js');
  await import('../worker/node-runtime.js');
  await import('../runtime/process/index.js');
});
await step('containerd driver', () => import('../runtime/containerd/index.js'));
await step('docker driver (dockerode)', () => import('../runtime/docker/index.js'));
const { createLogger } = await import('../lib/log.js');
const { NodeNetwork } = await import('../worker/mesh/node-network.js');
const log = createLogger({ file: '/dev/null' });
let network: { close(): Promise<void> } | undefined;
await step('mesh thread', async () => {
  const started = await NodeNetwork.start('127.0.0.1:0', '127.0.0.1:0', undefined, log);
  network = started;
  // The thread starts with the first service the proxy serves.
  started.apply({
    full: true,
    removedServiceIds: [],
    services: [
      {
        serviceId: 'parts',
        serviceName: 'parts',
        ports: [{ targetPort: 80, publishedPort: 0, protocol: 'TCP', mode: 'INGRESS' }],
        lb: 'ROUND_ROBIN',
        proxyProtocol: false,
        mesh: 'MESH_USERSPACE',
        tasks: [],
      },
    ],
  });
  await sleep(1_000);
});
await step('manager', () => import('../manager/manager.js'));
await step('raft store and transport', async () => {
  await import('../manager/store/raft-store.js');
  await import('../manager/raft/transport/index.js');
});
await step('etcd store (etcd3)', () => import('../manager/store/etcd/etcd-store.js'));
await step('the rest of the daemon', () => import('../daemon/daemon.js'));
await step("the CLI's commands", async () => {
  const dir = new URL('../cli/commands/', import.meta.url);
  for (const f of readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js')))
    await import(new URL(f, dir).href);
});
await network?.close();

process.exit(0);
