/**
 * Registry credentials (`--with-registry-auth`) as secrets of the cluster: a spec that comes
 * with them has them moved into a secret of the service's (sealed like any other, its value
 * sent only with the tasks that pull) and keeps only its id. Such a secret goes when no
 * version of the service's spec that it keeps (current, previous, history) names it.
 */
import { newId } from '../../lib/ids.js';
import type { Service, ServiceSpec } from '../../proto/types.js';
import type { Keyring } from '../keys/keyring.js';
import type { WriteTx } from '../store/types.js';

/** The label that marks a secret as a service's registry credentials (its value: the service id). */
export const REGISTRY_AUTH_LABEL = 'flotilla.registry-auth.service';

/** The spec with credentials it carries moved into a new secret of `service`. */
export function withRegistrySecret(
  tx: WriteTx,
  keys: Keyring,
  serviceId: string,
  spec: ServiceSpec,
): ServiceSpec {
  const container = spec.task?.container;
  if (!container?.registryAuth) return spec;
  const id = newId();
  const value = Buffer.from(container.registryAuth);
  tx.create('secrets', {
    id,
    meta: null,
    spec: {
      name: `${spec.name}-registry-auth-${id.slice(0, 8)}`,
      labels: { [REGISTRY_AUTH_LABEL]: serviceId },
      data: Buffer.alloc(0),
    },
    sealed: keys.sealValue(tx, 'secrets', id, value),
    size: value.length,
  });
  return {
    ...spec,
    task: { ...spec.task!, container: { ...container, registryAuth: '', registryAuthSecret: id } },
  };
}

/** Removes the service's credential secrets that none of its kept specs names (all, when it is removed). */
export function pruneRegistrySecrets(tx: WriteTx, serviceId: string, service?: Service): void {
  const kept = new Set(
    [service?.spec, service?.previousSpec, ...(service?.specHistory ?? []).map((v) => v.spec)].map(
      (s) => s?.task?.container?.registryAuthSecret,
    ),
  );
  for (const secret of tx.all('secrets')) {
    if (secret.spec?.labels[REGISTRY_AUTH_LABEL] === serviceId && !kept.has(secret.id)) {
      tx.delete('secrets', secret.id);
    }
  }
}
