/** A service's mode as the `--mode` flag spells it, and as the spec names it. */
import type { ServiceSpec } from '../../../proto/types.js';

export const MODES = {
  replicated: 'replicated',
  global: 'global',
  'replicated-job': 'replicatedJob',
  'global-job': 'globalJob',
} as const;

/** The mode as the flag spells it, e.g. "replicated-job". */
export function modeName(spec: ServiceSpec | null | undefined): string {
  return Object.entries(MODES).find(([, m]) => m === spec?.mode)?.[0] ?? '';
}
