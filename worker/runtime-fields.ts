/** The container spec fields only container runtimes honour, from the task spec to the driver's terms. */
import type { ContainerSpec as DriverSpec, MountSpec, RegistryAuth } from '../runtime/driver.js';
import type { ContainerSpec, Resources } from '../proto/types.js';

export function runtimeFields(
  container: ContainerSpec,
  limits: Resources | null | undefined,
): Pick<DriverSpec, 'mounts' | 'readOnly' | 'capAdd' | 'capDrop' | 'limits'> {
  return {
    ...(container.mounts.length > 0 && {
      // Named volumes become binds of their directories on the node (`worker/volumes.ts`).
      mounts: container.mounts
        .filter((m) => m.type !== 'volume')
        .map((m): MountSpec => ({
          type: m.type as MountSpec['type'],
          ...(m.source && { source: m.source }),
          target: m.target,
          readOnly: m.readOnly,
        })),
    }),
    ...(container.readOnly && { readOnly: true }),
    ...(container.capAdd.length > 0 && { capAdd: container.capAdd }),
    ...(container.capDrop.length > 0 && { capDrop: container.capDrop }),
    ...(limits && {
      limits: {
        ...(limits.nanoCpus > 0 && { nanoCpus: limits.nanoCpus }),
        ...(limits.memoryBytes > 0 && { memoryBytes: limits.memoryBytes }),
        ...(limits.pids > 0 && { pids: limits.pids }),
      },
    }),
  };
}

/** The value of the service's registry credentials secret (base64 of {"username","password"}), if it has one. */
export function registryAuth(encoded: string): RegistryAuth | undefined {
  if (!encoded) return undefined;
  try {
    const { username, password } = JSON.parse(
      Buffer.from(encoded, 'base64').toString('utf8'),
    ) as RegistryAuth;
    return typeof username === 'string' && typeof password === 'string' ? { username, password } : undefined;
  } catch {
    return undefined;
  }
}
