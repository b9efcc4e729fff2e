/**
 * What secrets cost a service: `service create --replicas 50` of the busybox test image with
 * three secrets and a config (1 KiB each) until 50 run, against the same service without
 * them, on one node whose daemon uses a private containerd; medians of 3 runs (1 with
 * --quick). Docker Swarm (the shared peer kit) runs the same steps in the same run when it
 * can, and the ratios are printed. One JSON line per figure; progress goes to stderr.
 *
 *   npm run bench:secrets [-- --quick]
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CREATE_DEFAULTS, specFromFlags } from '../cli/commands/service/spec.js';
import { call } from '../proto/rpc.js';
import { testImages } from '../test/integration/containerd-harness.js';
import { until, withContainerdNode } from './containerd-node.js';
import { median, progress, round } from './stats.js';
import { sideBySide, type Runs } from './side-by-side.js';
import { createSleepers, withSwarmPeer } from './swarm-peer.js';

const quick = process.argv.includes('--quick');
const mode = quick ? 'quick' : 'full';
const reps = quick ? 1 : 3;
const REPLICAS = 50;
const SECRETS = ['s1', 's2', 's3'];
const CONFIG = 'c1';

type Figures = Runs<'plain' | 'withSecrets'>;

function print(line: Record<string, unknown>): void {
  console.log(JSON.stringify({ bench: 'secrets', ...line, mode }));
}

const seconds = (since: number) => (performance.now() - since) / 1000;
const value = () => randomBytes(512).toString('hex');

/** `cluster service create --replicas 50 [--secret s1 ... --config c1] flotilla/busybox sleep 100000`. */
const spec = (name: string, files: boolean) =>
  specFromFlags('flotilla/busybox', ['sleep', '100000'], {
    ...CREATE_DEFAULTS,
    name,
    replicas: String(REPLICAS),
    stopSignal: 'SIGKILL',
    ...(files && { secret: SECRETS, config: [CONFIG] }),
  });

async function flotilla(): Promise<Figures> {
  const images = [(await testImages()).busybox];
  return withContainerdNode(images, async ({ client: c, running, noContainers }) => {
    for (const name of SECRETS)
      await call(c, c.CreateSecret, { spec: { name, labels: {}, data: Buffer.from(value()) } });
    await call(c, c.CreateConfig, { spec: { name: CONFIG, labels: {}, data: Buffer.from(value()) } });
    const figures: Figures = { plain: [], withSecrets: [] };
    for (let i = 0; i < reps; i++) {
      for (const files of [false, true]) {
        const name = `${files ? 'sec' : 'plain'}${i}`;
        progress(`flotilla run ${i + 1}/${reps}: create ${REPLICAS} ${files ? 'with' : 'without'} secrets`);
        const t0 = performance.now();
        await call(c, c.CreateService, { spec: spec(name, files) });
        await until(`${REPLICAS} running`, () => running(name, REPLICAS));
        (files ? figures.withSecrets : figures.plain).push(seconds(t0));
        await call(c, c.RemoveService, { service: name });
        await until('no containers', noContainers);
      }
    }
    return figures;
  });
}

function swarm(): ReturnType<typeof withSwarmPeer<Figures>> {
  return withSwarmPeer((peer) => {
    const { docker, poll } = peer;
    const dir = mkdtempSync(join(tmpdir(), 'bench-secrets-'));
    for (const name of [...SECRETS, CONFIG]) {
      writeFileSync(join(dir, name), value());
      docker(name === CONFIG ? 'config' : 'secret', 'create', name, join(dir, name));
    }
    const figures: Figures = { plain: [], withSecrets: [] };
    for (let i = 0; i < reps; i++) {
      for (const files of [false, true]) {
        const name = `${files ? 'sec' : 'plain'}${i}`;
        progress(`swarm run ${i + 1}/${reps}: create ${REPLICAS} ${files ? 'with' : 'without'} secrets`);
        const refs = files ? [...SECRETS.flatMap((s) => ['--secret', s]), '--config', CONFIG] : [];
        const t0 = performance.now();
        const id = createSleepers(peer, name, REPLICAS, refs);
        poll('tasks', name, String(REPLICAS));
        (files ? figures.withSecrets : figures.plain).push(seconds(t0));
        docker('service', 'rm', id);
        poll('gone', id);
      }
    }
    return figures;
  });
}

const FIGURES = {
  plain: `create_${REPLICAS}_plain_until_running_median_s`,
  withSecrets: `create_${REPLICAS}_with_3_secrets_1_config_until_running_median_s`,
} as const;

await sideBySide({
  print,
  mode,
  figures: FIGURES,
  ours: flotilla,
  swarm,
  more: (system, runs) =>
    print({
      figure: 'secrets_overhead_ratio',
      value: round(median(runs.withSecrets) / median(runs.plain)),
      system,
    }),
});
