/**
 * `service update` and what it changes in the task spec: --image, --env-add, --env-rm,
 * --env-file, --args, --replicas and --force here, and the update flags of the *-flags
 * modules (container, restart, placement, reservations, limits, mounts, networks, secrets
 * and configs); waiting on an update with its progress; and the commands around updates:
 * `service rollback`, `service promote`, `service history`. An update starts from the spec
 * the service has, so whatever no flag names keeps its value.
 */
import type { Command } from 'commander';
import { humanDuration } from '../../lib/durations.js';
import { FlotillaError, invalidArgument } from '../../lib/errors.js';
import type { ControlClient } from '../../proto/gen/flotilla/Control.js';
import { call } from '../../proto/rpc.js';
import { isJob, REBALANCE_LABEL, type Service, type ServiceSpec } from '../../proto/types.js';
import { collect, labels, parseCount, table } from '../format.js';
import { EXIT_CODES, followService } from '../update-progress.js';
import {
  addContainerUpdateFlags,
  envFromFlags,
  restartFromFlags,
  withContainerChanges,
  type ContainerUpdateOptions,
} from './container-flags.js';
import { addFileUpdateFlags, withFileChanges, type FileUpdateOptions } from './file-flags.js';
import {
  addPlacementUpdateFlags,
  withPlacementChanges,
  type PlacementUpdateOptions,
} from './placement-flags.js';
import { MESH_HELP, updateEndpoint, type PublishUpdateOptions } from './publish-flags.js';
import {
  addRuntimeUpdateFlags,
  withLimits,
  withNetworkChanges,
  withRuntimeChanges,
  type RuntimeUpdateOptions,
} from './runtime-flags.js';
import { addPolicyOptions, withPolicyFlags, type PolicyOptions } from './update-flags.js';

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

interface UpdateOptions extends SpecChangeOptions, PolicyOptions, PublishUpdateOptions {
  detach?: boolean;
  rebalance?: boolean;
  labelAdd: string[];
  labelRm: string[];
}

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

/** The networks of `refs` by id: those the spec has as written, others looked up by name. */
async function networkIds(client: ControlClient, has: string[], refs: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const ref of refs) {
    if (ref === 'host' || ref === 'bridge' || has.includes(ref)) ids.push(ref);
    else ids.push((await call(client, client.GetNetwork, { network: ref })).network?.id ?? ref);
  }
  return ids;
}

/** Waits for the service with progress, and sets the exit code to say how it ended. */
export async function follow(client: ControlClient, written: Service): Promise<void> {
  const outcome = await followService(client, written);
  process.exitCode = EXIT_CODES[outcome];
}

export const EXIT_HELP =
  'Exit codes when waiting: 0 converged (the tasks stayed running for the update monitor period, 5s by default), 3 update paused, 4 update failed and was rolled back, 5 rollback paused.';

export function updateCommands(service: Command, connect: () => ControlClient): void {
  const update = service
    .command('update')
    .description(
      'change a service: a changed task spec or published ports roll out per the update policy; the same spec again resumes a paused update',
    )
    .argument('<service>')
    .option(
      '--rebalance',
      `move tasks, one at a time, until the spread over the nodes is even within one, now and whenever nodes join or come back (sets the label ${REBALANCE_LABEL}=true; replicated services)`,
    )
    .option('--no-rebalance', `stop rebalancing (removes the label ${REBALANCE_LABEL})`)
    .option('--label-add <KEY=VALUE>', 'add or change a service label (repeatable)', collect, [])
    .option('--label-rm <KEY>', 'remove a service label (repeatable)', collect, [])
    .option('-d, --detach', 'return at once instead of following the update')
    .option('--publish-add <port>', 'publish a port, as --publish of create (repeatable)', collect, [])
    .option(
      '--publish-rm <port[/proto]>',
      'stop publishing a port (published, or target when picked)',
      collect,
      [],
    )
    .option('--lb <mode>', 'round-robin or least-conn')
    .option('--proxy-protocol', 'send tasks a PROXY protocol header')
    .option('--no-proxy-protocol', 'stop sending the PROXY protocol header')
    .option('--mesh <path>', MESH_HELP)
    .addHelpText('after', EXIT_HELP)
    .action(async (ref: string, o: UpdateOptions) => {
      const client = connect();
      const { service } = await call(client, client.GetService, { service: ref });
      if (!service?.spec) throw new FlotillaError('NOT_FOUND', `service ${ref} not found`);
      if (o.rebalance && service.spec.mode !== 'replicated') {
        throw new FlotillaError(
          'INVALID_ARGUMENT',
          `service ${ref} is in ${modeName(service.spec)} mode; only replicated services rebalance`,
        );
      }
      const next = { ...service.spec.labels, ...labels('--label-add', o.labelAdd) };
      for (const key of o.labelRm) delete next[key];
      if (o.rebalance === true) next[REBALANCE_LABEL] = 'true';
      if (o.rebalance === false) delete next[REBALANCE_LABEL];
      // The spec names its networks by id: --network-rm may name one.
      const networkRm = await networkIds(client, service.spec.task?.networks ?? [], o.networkRm ?? []);
      // Rewriting the service, even unchanged, is what makes the rebalancer look again.
      const changed = withSpecChanges({ ...service.spec, labels: next }, { ...o, networkRm });
      const spec = withPolicyFlags(
        { ...changed, ...updateEndpoint(service.spec.endpoint, service.endpoint?.ports ?? [], o) },
        o,
      );
      const res = await call(client, client.UpdateService, {
        serviceId: service.id,
        version: service.meta?.version ?? 0,
        spec,
      });
      console.log(service.spec.name);
      if (!o.detach && !isJob(spec) && res.service) await follow(client, res.service);
    });
  addPolicyOptions(addSpecChangeOptions(update));

  service
    .command('rollback')
    .description('return a service to its previous spec, or to a version of its history')
    .argument('<service>')
    .option('--to-version <n>', 'a version from `cluster service history`')
    .option('-d, --detach', 'return at once instead of following the rollback')
    .addHelpText('after', EXIT_HELP)
    .action(async (ref: string, o: { toVersion?: string; detach?: boolean }) => {
      const client = connect();
      const toVersion =
        o.toVersion === undefined ? 0 : parseCount('--to-version', o.toVersion, Number.MAX_SAFE_INTEGER);
      const { service: s } = await call(client, client.RollbackService, { service: ref, toVersion });
      if (!s) throw new FlotillaError('NOT_FOUND', `service ${ref} not found`);
      console.log(`${s.spec?.name}: ${s.updateStatus?.message}, as v${s.specVersion}`);
      if (!o.detach) await follow(client, s);
    });

  service
    .command('promote')
    .description('let an update that waits on its canaries go on')
    .argument('<service>')
    .option('-d, --detach', 'return at once instead of following the update')
    .addHelpText('after', EXIT_HELP)
    .action(async (ref: string, o: { detach?: boolean }) => {
      const client = connect();
      const { service: s } = await call(client, client.PromoteService, { service: ref });
      if (!s) throw new FlotillaError('NOT_FOUND', `service ${ref} not found`);
      console.log(`${s.spec?.name}: canaries promoted`);
      if (!o.detach) await follow(client, s);
    });

  service
    .command('history')
    .description('the versions of a service spec, oldest first, and where its update stands')
    .argument('<service>')
    .action(async (ref: string) => {
      const client = connect();
      const { service: s } = await call(client, client.GetService, { service: ref });
      if (!s) throw new FlotillaError('NOT_FOUND', `service ${ref} not found`);
      const now = Date.now();
      const row = (version: number, spec: ServiceSpec | null, at: number, current: boolean) => [
        `${version}${current ? ' (current)' : ''}`,
        spec?.task?.container?.image ?? '',
        [...(spec?.task?.container?.command ?? []), ...(spec?.task?.container?.args ?? [])].join(' '),
        (spec?.task?.container?.env ?? []).join(' '),
        spec?.mode === 'replicated' ? String(spec.replicated?.replicas ?? 0) : (spec?.mode ?? ''),
        at ? `${humanDuration(now - at)} ago` : '',
      ];
      const rows = [
        ...s.specHistory.map((v) => row(v.version, v.spec, v.createdAt, false)),
        row(s.specVersion, s.spec, s.meta?.updatedAt ?? 0, true),
      ];
      console.log(table(['VERSION', 'IMAGE', 'COMMAND', 'ENV', 'REPLICAS', 'SINCE'], rows));
      const status = s.updateStatus;
      if (status && status.state !== 'UPDATE_NONE') {
        // Messages of pauses and rollbacks already say what happened.
        const state = status.state.toLowerCase().replace(/_/g, ' ');
        const says = status.message.startsWith('update') || status.message.startsWith('rollback');
        console.log(
          `\nupdate: ${says ? status.message : `${state}${status.message ? `: ${status.message}` : ''}`}`,
        );
      }
    });
}
