/**
 * Registry credentials go to the nodes that pull the image, never back out of the Control
 * API: answers carry a marker in their place, and a spec sent back with the marker keeps
 * the credentials it had.
 */
import type { ServiceSpec } from '../../proto/types.js';

export const REDACTED = '<redacted>';

/**
 * The answer with every non-empty `registryAuth` replaced by the marker. Only the objects on
 * the way to a credential are copied; the rest (nearly every answer, whole) is returned as it
 * is, so a large listing costs a walk, not a copy.
 */
export function withoutSecrets<T>(value: T): T {
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    value.forEach((v: unknown, i) => {
      const r = withoutSecrets(v);
      if (r !== v) (out ??= [...value])[i] = r;
    });
    return (out ?? value) as T;
  }
  let out: Record<string, unknown> | undefined;
  for (const [key, v] of Object.entries(value)) {
    const r = key === 'registryAuth' && typeof v === 'string' && v ? REDACTED : withoutSecrets(v);
    if (r !== v) (out ??= { ...(value as Record<string, unknown>) })[key] = r;
  }
  return (out ?? value) as T;
}

/** The spec, with the credentials of `current` where the caller sent back the marker. */
export function keepSecrets(spec: ServiceSpec, current: ServiceSpec | null | undefined): ServiceSpec {
  const container = spec.task?.container;
  if (container?.registryAuth !== REDACTED) return spec;
  const kept = current?.task?.container?.registryAuth ?? '';
  return { ...spec, task: { ...spec.task!, container: { ...container, registryAuth: kept } } };
}
