/**
 * What `service update` changes in the task spec: --image, --env-add, --env-rm, --env-file,
 * --args, --replicas and --force here, and the update flags of the flag modules (container,
 * restart, placement, reservations, limits, mounts, networks, secrets and configs). An update
 * starts from the spec the service has, so whatever no flag names keeps its value.
 */
import type { Command } from 'commander';
import { invalidArgument } from '../../../lib/errors.js';
import type { ServiceSpec } from '../../../proto/types.js';
import { collect, parseCount } from '../../format.js';
import {
  addContainerUpdateFlags,
  envFromFlags,
  restartFromFlags,
  withContainerChanges,
  type ContainerUpdateOptions,
} from './flags/container.js';
import { addFileUpdateFlags, withFileChanges, type FileUpdateOptions } from './flags/file.js';
import {
  addPlacementUpdateFlags,
  withPlacementChanges,
  type PlacementUpdateOptions,
} from './flags/placement.js';
import {
  addRuntimeUpdateFlags,
  withLimits,
  withNetworkChanges,
  withRuntimeChanges,
  type RuntimeUpdateOptions,
} from './flags/runtime.js';

export interface SpecChangeOptions
  extends FileUpdateOptions, ContainerUpdateOptions, PlacementUpdateOptions, RuntimeUpdateOptions {
  image?: string;
  envAdd: string[];
  envRm: string[];
  envFile?: string[];
  args?: string;
  replicas?: string;
  force?: boolean;
}

export function addSpecChangeOptions(cmd: Command): Command {
  const changes = cmd
    .option('--image <image>', 'the image of the tasks')
    .option('--env-add <KEY=VALUE>', 'add or change an environment variable (repeatable)', collect, [])
    .option('--env-rm <KEY>', 'remove an environment variable (repeatable)', collect, [])
    .option(
      '--env-file <file>',
      'add or change the variables of a file of KEY=VALUE lines (repeatable; --env-add wins)',
      collect,
      [],
    )
    .option('--args <args>', 'the command and its arguments, split as a shell would (quotes kept together)')
    .option('--replicas <n>', 'number of tasks (replicated services)')
    .option('--force', 'replace every task, even when the spec did not change');
  return addRuntimeUpdateFlags(addPlacementUpdateFlags(addContainerUpdateFlags(addFileUpdateFlags(changes))));
}

/** Words as a shell splits them: on blanks, with '…' and "…" kept together (no expansion). */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < text.length) word += text.charAt(++i);
      else word += c;
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
      word ??= '';
    } else if (c === '\\' && i + 1 < text.length) {
      word = (word ?? '') + text.charAt(++i);
    } else word = (word ?? '') + c;
  }
  if (quote) throw invalidArgument('--args', 'words with balanced quotes', text);
  if (word !== undefined) words.push(word);
  return words;
}

/** The spec with the task changes of the flags applied. */
export function withSpecChanges(spec: ServiceSpec, o: SpecChangeOptions): ServiceSpec {
  const task = spec.task;
  const container = task?.container;
  if (!task || !container) return spec;
  const env = new Map(container.env.map((e) => [e.slice(0, e.indexOf('=')), e] as const));
  for (const key of o.envRm) env.delete(key);
  for (const e of envFromFlags({ envFile: o.envFile })) env.set(e.slice(0, e.indexOf('=')), e);
  for (const e of o.envAdd) {
    const eq = e.indexOf('=');
    if (eq <= 0) throw invalidArgument('--env-add', 'KEY=VALUE', e);
    env.set(e.slice(0, eq), e);
  }
  let mode = {};
  if (o.replicas !== undefined) {
    if (spec.mode !== 'replicated') {
      throw invalidArgument('--replicas', 'only for replicated services', o.replicas);
    }
    mode = { replicated: { replicas: parseCount('--replicas', o.replicas) } };
  }
  const imaged = { ...container, image: o.image ?? container.image };
  return {
    ...spec,
    ...mode,
    task: {
      ...task,
      forceUpdate: task.forceUpdate + (o.force ? 1 : 0),
      container: {
        ...imaged,
        env: [...env.values()],
        ...withFileChanges(container, o),
        ...withContainerChanges(container, o),
        ...withRuntimeChanges(imaged, o),
        ...(o.args !== undefined && { command: [], args: shellWords(o.args) }),
      },
      restart: restartFromFlags(o, task.restart),
      ...withLimits(o, withPlacementChanges(task, o)),
      networks: withNetworkChanges(task.networks, o),
    },
  };
}
