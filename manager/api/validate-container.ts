/**
 * Checks the parts of a container spec that the node reads as text: the user to run as, the
 * hostname, and the placeholders in env values and the hostname (proto/templates.ts).
 */
import { invalidArgument } from '../../lib/errors.js';
import { ALLOWED_PLACEHOLDERS, PLACEHOLDER, TEMPLATE_FIELDS } from '../../proto/templates.js';
import { isAbsolute } from 'node:path/posix';
import { capabilityName } from '../../proto/capabilities.js';
import { checkVolumeDriver, localVolumeMount } from '../../proto/local-volume.js';
import {
  HOST_IMAGE,
  VOLUME_NAME,
  type ContainerSpec,
  type Mount,
  type Resources,
} from '../../proto/types.js';

/** A user or group: a name as useradd takes it, or a numeric id. */
const ID = String.raw`(?:[A-Za-z_][A-Za-z0-9_.-]{0,31}\$?|\d{1,10})`;
const USER = new RegExp(`^${ID}(?::${ID})?$`);
/** RFC 1123 labels joined by dots, at most 253 characters in all. */
const HOSTNAME =
  /^(?=.{1,253}$)[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

export function validateContainer(container: ContainerSpec): void {
  for (const e of container.env) {
    const eq = e.indexOf('=');
    checkTemplates(`env (--env) ${e.slice(0, eq)}`, e.slice(eq + 1));
  }
  if (container.user && !USER.test(container.user)) {
    throw invalidArgument('user (--user)', 'USER[:GROUP], each a name or a numeric id', container.user);
  }
  if (container.hostname) {
    checkTemplates('hostname (--hostname)', container.hostname);
    // A placeholder stands for a value only known on the node; checked as a plain label.
    if (!HOSTNAME.test(container.hostname.replace(PLACEHOLDER, 'x'))) {
      throw invalidArgument(
        'hostname (--hostname)',
        'letters, digits and "-" in dot-separated labels of at most 63 characters',
        container.hostname,
      );
    }
  }
}

/** Refuses any `{{...}}` that is not one of the known placeholders. */
function checkTemplates(field: string, text: string): void {
  if (!text.includes('{{')) return;
  for (const [whole, group, name] of text.matchAll(PLACEHOLDER)) {
    if (!isKnown(group!, name!)) throw badTemplate(field, whole);
  }
  const rest = text.replace(PLACEHOLDER, '');
  if (rest.includes('{{')) throw badTemplate(field, /\{\{.*?(\}\}|$)/.exec(rest)![0]);
}

function isKnown(group: string, name: string): boolean {
  const fields: readonly string[] | undefined = Object.hasOwn(TEMPLATE_FIELDS, group)
    ? TEMPLATE_FIELDS[group as keyof typeof TEMPLATE_FIELDS]
    : undefined;
  return fields?.includes(name) ?? false;
}

function badTemplate(field: string, got: string) {
  return invalidArgument(field, `only the placeholders ${ALLOWED_PLACEHOLDERS}`, got);
}

/** A named volume: the node makes it on first use, with the local driver's options. */
function validateVolume(field: string, m: Mount, image: string): void {
  if (image === HOST_IMAGE) {
    throw invalidArgument(
      field,
      'no volume for a plain process (image "host" has no mount namespace)',
      m.source,
    );
  }
  if (!VOLUME_NAME.test(m.source)) {
    throw invalidArgument(
      `${field} source`,
      'a volume name: letters, digits, _ . - (first a letter or digit)',
      m.source,
    );
  }
  checkVolumeDriver(m.volumeDriver, `${field} volume-driver`);
  // The node checks alike when it makes the volume; here a spec that asks too much is never stored.
  localVolumeMount(m.volumeOptions, `${field} volume-opt`);
}

/** Mounts, capabilities and limits: the fields only container runtimes honour. */
export function validateRuntimeFields(container: ContainerSpec, limits: Resources | null | undefined): void {
  for (const [i, m] of container.mounts.entries()) {
    const field = `mounts[${i}] (--mount)`;
    if (m.type !== 'bind' && m.type !== 'tmpfs' && m.type !== 'volume')
      throw invalidArgument(field, 'type=bind, type=tmpfs or type=volume', m.type);
    if (!isAbsolute(m.target) || m.target === '/') {
      throw invalidArgument(`${field} target`, 'an absolute path other than /', m.target);
    }
    if (m.type === 'bind' && !isAbsolute(m.source)) {
      throw invalidArgument(`${field} source`, 'an absolute host path', m.source);
    }
    if (m.type === 'tmpfs' && m.source !== '')
      throw invalidArgument(`${field} source`, 'none for tmpfs', m.source);
    if (m.type === 'volume') validateVolume(field, m, container.image);
    else if (m.volumeDriver || Object.keys(m.volumeOptions).length > 0) {
      throw invalidArgument(`${field} volume-driver/volume-opt`, 'none but for type=volume', m.type);
    }
  }
  for (const [field, names] of [
    ['capAdd (--cap-add)', container.capAdd],
    ['capDrop (--cap-drop)', container.capDrop],
  ] as const) {
    for (const name of names) {
      if (name.toUpperCase() !== 'ALL' && !capabilityName(name)) {
        throw invalidArgument(field, 'capability names such as NET_ADMIN, or ALL', name);
      }
    }
  }
  if (limits) {
    if (limits.nanoCpus < 0)
      throw invalidArgument('limits.nanoCpus (--limit-cpu)', 'at least 0', limits.nanoCpus);
    if (limits.memoryBytes !== 0 && limits.memoryBytes < 4 * 2 ** 20) {
      throw invalidArgument('limits.memoryBytes (--limit-memory)', 'at least 4M', limits.memoryBytes);
    }
    if (limits.pids < 0) throw invalidArgument('limits.pids (--limit-pids)', 'at least 0', limits.pids);
  }
}
