/**
 * The machinery of the node's Prometheus metrics. Each part of a node (Raft, the store, the
 * scheduler, the dispatcher, the agent, the mesh) keeps its metrics in a registry of its own;
 * a scrape shows the parts the daemon says this node runs (by its role), with Node's own
 * process metrics. What is a state (a term, the objects of a table) is read at the scrape
 * from sources that the running components lend; what is an event (a heartbeat, a proposal)
 * is counted when it happens. The metrics themselves are named in node-metrics.ts.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export const METRICS_PREFIX = 'flotilla_';

export type PartName = 'raft' | 'store' | 'scheduler' | 'dispatcher' | 'agent' | 'mesh';

/** The metrics of one part of the node, in a registry of their own. */
export class MetricPart {
  readonly registry = new Registry();

  counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return new Counter({ name: METRICS_PREFIX + name, help, labelNames, registers: [this.registry] });
  }

  /** A counter kept elsewhere (another thread's, say), whose totals `read` gives at each scrape. */
  counterReadAt<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    read: (counter: Counter<L>) => void | Promise<void>,
  ): Counter<L> {
    return new Counter(this.readAtScrape(name, help, labelNames, read));
  }

  /** A gauge whose values `read` sets at each scrape (after clearing the previous ones). */
  gauge<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    read: (gauge: Gauge<L>) => void | Promise<void>,
  ): Gauge<L> {
    return new Gauge(this.readAtScrape(name, help, labelNames, read));
  }

  /** The configuration of a metric of this part whose values are cleared, then set by `read`, at each scrape. */
  private readAtScrape<M extends { reset(): void }, L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    read: (metric: M) => void | Promise<void>,
  ) {
    return {
      name: METRICS_PREFIX + name,
      help,
      labelNames,
      registers: [this.registry],
      async collect(this: M) {
        this.reset();
        await read(this);
      },
    };
  }

  histogram(name: string, help: string, buckets: number[]): Histogram {
    return new Histogram({ name: METRICS_PREFIX + name, help, buckets, registers: [this.registry] });
  }
}

/**
 * What a part reads at a scrape: the sources lent by the components that run now (a
 * component lends one when it starts and takes it back when it stops).
 */
export class Sources<T> {
  private readonly items = new Set<T>();

  /** Lends `source` until the returned function is called. */
  lend(source: T): () => void {
    this.items.add(source);
    return () => void this.items.delete(source);
  }

  /** The one lent last: where only one can be right (one Raft member per node). */
  get newest(): T | undefined {
    let last: T | undefined;
    for (const s of this.items) last = s;
    return last;
  }

  all(): Iterable<T> {
    return this.items;
  }
}

const parts = new Map<PartName, MetricPart>();
/** How many times each part is shown now (a daemon restarted in place shows its parts again). */
const shown = new Map<PartName, number>();
let processRegistry: Registry | undefined;

/** The part named `name` (made at its first use). */
export function metricPart(name: PartName): MetricPart {
  let part = parts.get(name);
  if (!part) parts.set(name, (part = new MetricPart()));
  return part;
}

/** Shows the parts' metrics at scrapes until the returned function is called. */
export function showParts(names: readonly PartName[]): () => void {
  // Node's own metrics start now, so that their histograms cover the node's whole run.
  processMetrics();
  for (const n of names) shown.set(n, (shown.get(n) ?? 0) + 1);
  let hidden = false;
  return () => {
    if (hidden) return;
    hidden = true;
    for (const n of names) shown.set(n, (shown.get(n) ?? 1) - 1);
  };
}

/** The registry of Node's own metrics (CPU, memory, event loop lag, ...), made once per process. */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry, prefix: METRICS_PREFIX });
    // Buffers live outside V8's heap; Node's default metrics count them only within `external`.
    new Gauge({
      name: `${METRICS_PREFIX}nodejs_array_buffers_bytes`,
      help: 'Memory of ArrayBuffers and Buffers (part of external memory), in bytes.',
      registers: [processRegistry],
      collect() {
        this.set(process.memoryUsage().arrayBuffers);
      },
    });
  }
  return processRegistry;
}

/** The text of a scrape (Prometheus's text format), and its content type. */
export async function scrape(): Promise<{ contentType: string; text: string }> {
  const registries = [processMetrics()];
  for (const [name, part] of parts) if ((shown.get(name) ?? 0) > 0) registries.push(part.registry);
  const merged = Registry.merge(registries);
  return { contentType: merged.contentType, text: await merged.metrics() };
}
