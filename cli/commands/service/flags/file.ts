/**
 * The service flags that hand tasks secrets and configs as files: --secret and --config of
 * `service create`; --secret-add, --secret-rm, --config-add and --config-rm of `service
 * update`. Update removes before it adds, so one update can put a new secret where an old
 * one was. References the service already has go back as they came (with their ids); new
 * ones name their secret or config, and the manager fills in the id and default target.
 */
import type { Command } from 'commander';
import { invalidArgument } from '../../../../lib/errors.js';
import type { ContainerSpec, FileReference } from '../../../../proto/types.js';
import { collect } from '../../../format.js';

export interface FileOptions {
  secret?: string[];
  config?: string[];
}

export interface FileUpdateOptions {
  secretAdd?: string[];
  secretRm?: string[];
  configAdd?: string[];
  configRm?: string[];
}

type Files = Pick<ContainerSpec, 'secrets' | 'configs'>;
type Noun = 'secret' | 'config';

const SYNTAX =
  'NAME, or source=NAME and any of target=PATH, uid=N, gid=N, mode=0444, env=VAR, comma-separated';
const KEYS = 'NAME, or comma-separated source=, target=, uid=, gid=, mode= and env=';

export function addFileFlags(cmd: Command): Command {
  return cmd
    .option('--secret <secret>', `a secret the tasks get as a file: ${SYNTAX} (repeatable)`, collect, [])
    .option('--config <config>', 'a config the tasks get as a file, as --secret (repeatable)', collect, []);
}

export function addFileUpdateFlags(cmd: Command): Command {
  for (const noun of ['secret', 'config'] as const) {
    cmd
      .option(
        `--${noun}-add <${noun}>`,
        `give the tasks a ${noun}, as --${noun} of create (repeatable)`,
        collect,
        [],
      )
      .option(
        `--${noun}-rm <name>`,
        `take a ${noun} away, by its name or target (repeatable; done before --${noun}-add)`,
        collect,
        [],
      );
  }
  return cmd;
}

/** "db_password" or "source=tls_key,target=/etc/ssl/key.pem,uid=0,gid=0,mode=0400,env=KEY". */
export function parseFileReference(flag: string, value: string): FileReference {
  const ref: FileReference = { id: '', name: '', target: '', uid: '', gid: '', mode: 0, env: '' };
  if (!value.includes('=')) ref.name = value;
  else {
    for (const part of value.split(',')) {
      const eq = part.indexOf('=');
      const key = eq < 0 ? '' : part.slice(0, eq).trim();
      const val = part.slice(eq + 1);
      switch (key) {
        case 'source':
        case 'src':
          ref.name = val;
          break;
        case 'target':
          ref.target = val;
          break;
        case 'uid':
        case 'gid':
          if (!/^\d+$/.test(val)) throw invalidArgument(flag, `${key}= a numeric id`, value);
          ref[key] = val;
          break;
        case 'mode':
          if (!/^[0-7]{1,4}$/.test(val) || parseInt(val, 8) > 0o777) {
            throw invalidArgument(flag, 'mode= in octal, 0 to 0777 (e.g. 0400)', value);
          }
          ref.mode = parseInt(val, 8);
          break;
        case 'env':
          if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(val)) {
            throw invalidArgument(
              flag,
              'env= a variable name (letters, digits and _, not first a digit)',
              value,
            );
          }
          ref.env = val;
          break;
        default:
          throw invalidArgument(flag, KEYS, value);
      }
    }
  }
  if (!ref.name) throw invalidArgument(flag, `a source: ${SYNTAX}`, value);
  return ref;
}

export function filesFromFlags(o: FileOptions): Files {
  return {
    secrets: (o.secret ?? []).map((v) => parseFileReference('--secret', v)),
    configs: (o.config ?? []).map((v) => parseFileReference('--config', v)),
  };
}

const named = (ref: FileReference, name: string) => ref.name === name || ref.target === name;

/** The references less those removed (each must match one), plus those added. */
function changed(noun: Noun, refs: FileReference[], rm: string[], add: string[]): FileReference[] {
  for (const name of rm) {
    if (!refs.some((r) => named(r, name))) {
      const has = refs.length ? `it has ${refs.map((r) => r.name).join(', ')}` : 'it has none';
      throw invalidArgument(`--${noun}-rm`, `the name or target of a ${noun} of the service (${has})`, name);
    }
  }
  return [
    ...refs.filter((r) => !rm.some((name) => named(r, name))),
    ...add.map((v) => parseFileReference(`--${noun}-add`, v)),
  ];
}

/** The container's secrets and configs with the update flags applied. */
export function withFileChanges(container: Files, o: FileUpdateOptions): Files {
  return {
    secrets: changed('secret', container.secrets, o.secretRm ?? [], o.secretAdd ?? []),
    configs: changed('config', container.configs, o.configRm ?? [], o.configAdd ?? []),
  };
}
