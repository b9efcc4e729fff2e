/**
 * The chaos workload: clients, each on one manager's Control API, that create services, update
 * their labels and replicas (a compare-and-set on the version they read), remove them and read
 * them, over a few service names so that they contend. Every operation goes into the history
 * with what came back; an answer that does not say whether the write happened is `unknown`.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { describeError, isFlotillaError } from '../lib/errors.js';
import { Prng } from '../lib/prng.js';
import type { ControlClient } from '../proto/gen/flotilla/Control.js';
import { call } from '../proto/rpc.js';
import type { Service, ServiceSpec } from '../proto/types.js';
import type { HistoryRecorder, PendingOperation } from './history.js';
import type { ServiceInput, ServiceOutput, ServiceValue } from './models.js';

export type ServiceHistory = HistoryRecorder<ServiceInput, ServiceOutput>;

/** How long a client waits for an answer before it counts the operation as unknown. */
const CALL_TIMEOUT_MS = 5_000;

/** How long a client waits after an answer that said nothing of the state. */
const BACKOFF_MS = 500;

/** The label every chaos write sets, so that a read can tell which write it sees. */
const LABEL = 'chaos';

export function serviceNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `chaos-${i}`);
}

/** The spec of a chaos service: `host` tasks that sleep, cheap to run and to stop. */
export function chaosSpec(name: string, value: ServiceValue): ServiceSpec {
  return {
    name,
    labels: { ...value.labels },
    mode: 'replicated',
    replicated: { replicas: value.replicas },
    task: {
      container: { image: 'host', args: ['sleep', '100000'], stopGracePeriodMs: 1_000 },
    },
  } as ServiceSpec;
}

type Seen = ServiceValue & { version: number };

function valueOf(service: Service): Seen {
  return {
    labels: { ...(service.spec?.labels ?? {}) },
    replicas: service.spec?.replicated?.replicas ?? 0,
    version: service.meta?.version ?? 0,
  };
}

/**
 * Ends `op` with what the error says: a refusal that tells the state (true), or nothing done,
 * or not known (false).
 */
function settle(op: PendingOperation<ServiceInput, ServiceOutput>, err: unknown): boolean {
  const said = isFlotillaError(err) ? `${err.code}: ${err.message}` : describeError(err);
  const kind = op.input.kind;
  // An update names the service by the id it read: NOT_FOUND says that one is gone, while
  // another of the same name may exist. All it says for sure is that nothing was written.
  if (isFlotillaError(err, 'NOT_FOUND') && kind === 'update') op.fail(said);
  else if (isFlotillaError(err, 'NOT_FOUND')) {
    op.ok(kind === 'read' ? { kind: 'read', value: null } : { kind: 'not-found' });
  } else if (isFlotillaError(err, 'ALREADY_EXISTS') && kind === 'create') op.ok({ kind: 'exists' });
  else if (isFlotillaError(err, 'CONFLICT') && kind === 'update') op.ok({ kind: 'conflict' });
  // Any other write refused as conflicting was checked against the state when applied, and dropped.
  else if (isFlotillaError(err, 'CONFLICT')) op.fail(said);
  // A read changes nothing: one without an answer is simply dropped. So is a write refused
  // before it was proposed (a bad request) or that certainly was not applied.
  else if (kind === 'read' || isFlotillaError(err, 'INVALID_ARGUMENT')) {
    op.fail(said);
    return false;
  }
  // No quorum, no leader, a timeout, a lost connection: it may have been proposed and commit later.
  else {
    op.unknown(said);
    return false;
  }
  return true;
}

/**
 * One client: operations back to back on `control` until `signal` aborts. Its choices come
 * from `seed`; what the cluster answers decides the rest.
 */
export async function runClient(
  id: string,
  control: ControlClient,
  history: ServiceHistory,
  names: readonly string[],
  seed: number,
  signal: AbortSignal,
): Promise<void> {
  const prng = new Prng(seed);
  let n = 0;
  const nextValue = (): ServiceValue => ({ labels: { [LABEL]: `${id}.${++n}` }, replicas: prng.int(3) });
  /** One operation: `fn` asks and gives the output and a result; a failure is settled as it says. */
  const attempt = async <T>(input: ServiceInput, fn: () => Promise<[ServiceOutput, T]>) => {
    const op = history.invoke(id, input);
    try {
      const [output, result] = await fn();
      op.ok(output);
      return result;
    } catch (err) {
      // A client in trouble waits a little, as a person or a script would, before the next try.
      if (!settle(op, err)) await delay(BACKOFF_MS, undefined, { signal }).catch(() => undefined);
      return undefined;
    }
  };

  while (!signal.aborted) {
    const service = prng.pick(names);
    const roll = prng.next();
    if (roll < 0.6 && roll >= 0.35) {
      const value = nextValue();
      await attempt({ kind: 'create', service, value }, async () => {
        const res = await call(
          control,
          control.CreateService,
          { spec: chaosSpec(service, value) },
          CALL_TIMEOUT_MS,
        );
        return [{ kind: 'created', version: res.service?.meta?.version ?? 0 }, undefined];
      });
    } else if (roll >= 0.9) {
      await attempt({ kind: 'remove', service }, async () => {
        await call(control, control.RemoveService, { service }, CALL_TIMEOUT_MS);
        return [{ kind: 'removed' }, undefined];
      });
    } else {
      // A read, and for 0.6-0.9 an update of what it read (a compare-and-set on its version).
      const found = await attempt({ kind: 'read', service }, async () => {
        const { service: s } = await call(control, control.GetService, { service }, CALL_TIMEOUT_MS);
        const seen = s ? valueOf(s) : null;
        return [{ kind: 'read', value: seen }, s && seen ? { id: s.id, version: seen.version } : undefined];
      });
      if (roll < 0.6 || !found) continue;
      const value = nextValue();
      await attempt({ kind: 'update', service, version: found.version, value }, async () => {
        const res = await call(
          control,
          control.UpdateService,
          { serviceId: found.id, version: found.version, spec: chaosSpec(service, value) },
          CALL_TIMEOUT_MS,
        );
        return [{ kind: 'updated', version: res.service?.meta?.version ?? 0 }, undefined];
      });
    }
  }
}
