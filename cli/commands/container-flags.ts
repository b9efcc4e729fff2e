/** The `service create` flags that shape the container: environment (with env files), user, hostname. */
import { readFileSync } from 'node:fs';
import { FlotillaError } from '../../lib/errors.js';
import type { ContainerSpec } from '../../proto/types.js';

/** All optional: commander fills in the defaults, callers in code may leave them out. */
export interface ContainerOptions {
  env?: string[];
  envFile?: string[];
  user?: string;
  hostname?: string;
}

/**
 * One variable as Docker reads it from --env or an env file: KEY=VALUE as written (no quotes
 * removed), or a bare KEY that takes the value this CLI sees, left out when it has none.
 */
function variable(entry: string, env: NodeJS.ProcessEnv): [string, string] | undefined {
  const eq = entry.indexOf('=');
  if (eq >= 0) return [entry.slice(0, eq), entry.slice(eq + 1)];
  const value = env[entry];
  return value === undefined ? undefined : [entry, value];
}

/** The entries of an env file: one per line; blank lines and lines starting with `#` skipped. */
function readEnvFile(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new FlotillaError(
      'INVALID_ARGUMENT',
      `invalid --env-file: cannot read ${path}: ${(err as Error).message}`,
    );
  }
  return text
    .split(/\r?\n/)
    .map((line) => line.trimStart())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** The environment as KEY=VALUE, env files first and --env after: a later key wins. */
export function envFromFlags(o: ContainerOptions, env: NodeJS.ProcessEnv = process.env): string[] {
  const entries = [...(o.envFile ?? []).flatMap(readEnvFile), ...(o.env ?? [])];
  const vars = new Map(entries.map((e) => variable(e, env)).filter((kv) => kv !== undefined));
  return [...vars].map(([k, v]) => `${k}=${v}`);
}

export function containerFromFlags(o: ContainerOptions): Pick<ContainerSpec, 'env' | 'user' | 'hostname'> {
  return { env: envFromFlags(o), user: o.user ?? '', hostname: o.hostname ?? '' };
}
