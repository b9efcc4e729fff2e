/**
 * Registry credentials go to the nodes that pull the image, never back out of the Control
 * API: answers carry a marker in their place, and a spec sent back with the marker keeps
 * the credentials it had.
 */
import type { ServiceSpec } from '../../proto/types.js';

export const REDACTED = '<redacted>';

/** A copy of an answer with every non-empty `registryAuth` replaced by the marker. */
export function withoutSecrets<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutSecrets) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = key === 'registryAuth' && typeof v === 'string' && v ? REDACTED : withoutSecrets(v);
  }
  return out as T;
}

/** The spec, with the credentials of `current` where the caller sent back the marker. */
export function keepSecrets(spec: ServiceSpec, current: ServiceSpec | null | undefined): ServiceSpec {
  const container = spec.task?.container;
  if (container?.registryAuth !== REDACTED) return spec;
  const kept = current?.task?.container?.registryAuth ?? '';
  return { ...spec, task: { ...spec.task!, container: { ...container, registryAuth: kept } } };
}
