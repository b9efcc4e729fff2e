/** Runs a benchmark on a local cluster of real daemons, destroyed at the end or on Ctrl-C. */
import { LocalCluster, type ClusterOptions } from '../test/integration/cluster-harness.js';

export async function withCluster(
  opts: ClusterOptions,
  main: (c: LocalCluster) => Promise<void>,
): Promise<void> {
  const cluster = await LocalCluster.create(opts);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void cluster.destroy().finally(() => process.exit(130)));
  }
  try {
    await main(cluster);
  } finally {
    await cluster.destroy();
  }
}
