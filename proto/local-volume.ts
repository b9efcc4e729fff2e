/**
 * What the local volume driver (the only one) accepts as a named volume's driver and options,
 * read alike by the API, which refuses a spec that asks for more before it is stored, and by
 * the node, which makes the volume (and meets specs stored before the API checked them).
 */
import { invalidArgument } from '../lib/errors.js';

/** The option keys of the local driver, as `--mount volume-opt=KEY=VALUE` gives them. */
export const LOCAL_VOLUME_OPTIONS = ['type', 'device', 'o'] as const;

/** What the options ask mounted on the volume's directory. */
export interface LocalVolumeMount {
  /** tmpfs: a tmpfs; none: a bind of the host directory `device`. */
  type: 'tmpfs' | 'none';
  device: string;
  o: string;
}

/** Refuses a volume driver other than the local one (empty: the local one). */
export function checkVolumeDriver(driver: string, field = 'volume-driver'): void {
  if (driver !== '' && driver !== 'local') throw invalidArgument(field, 'local', driver);
}

/**
 * The mount the local driver's options ask for: a tmpfs, a bind of a host path, or none (a
 * plain directory, when no option is given). Throws INVALID_ARGUMENT naming `field.KEY` for
 * an unknown key, and `field` for a combination the driver cannot mount.
 */
export function localVolumeMount(
  options: Record<string, string>,
  field = 'volume-opt',
): LocalVolumeMount | undefined {
  for (const key of Object.keys(options)) {
    if (!(LOCAL_VOLUME_OPTIONS as readonly string[]).includes(key))
      throw invalidArgument(`${field}.${key}`, `only the keys ${LOCAL_VOLUME_OPTIONS.join(', ')}`, key);
  }
  const { type = '', device = '', o = '' } = options;
  if (type === '' && device === '' && o === '') return undefined;
  if (type === 'tmpfs') {
    if (o.split(',').includes('bind'))
      throw invalidArgument(`${field}.o`, 'tmpfs mount options such as size=64m, not bind', o);
    return { type, device: device || 'tmpfs', o };
  }
  if (type !== 'none') {
    throw invalidArgument(
      `${field}.type`,
      'tmpfs (with o=size=...), or none with o=bind and device=/host/path',
      type,
    );
  }
  if (!o.split(',').includes('bind'))
    throw invalidArgument(`${field}.o`, 'bind (type=none binds the host path device=)', o);
  if (!device.startsWith('/'))
    throw invalidArgument(`${field}.device`, 'an absolute host path to bind', device);
  return { type, device, o };
}
