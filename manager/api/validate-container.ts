/**
 * Checks the parts of a container spec that the node reads as text: the user to run as, the
 * hostname, and the placeholders in env values and the hostname (proto/templates.ts).
 */
import { invalidArgument } from '../../lib/errors.js';
import { ALLOWED_PLACEHOLDERS, PLACEHOLDER, TEMPLATE_FIELDS } from '../../proto/templates.js';
import type { ContainerSpec } from '../../proto/types.js';

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
