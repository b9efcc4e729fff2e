/** `cluster service history`: the versions of a service's spec, and where its update stands. */
import type { Command } from 'commander';
import { humanDuration } from '../../../lib/durations.js';
import { FlotillaError } from '../../../lib/errors.js';
import { call } from '../../../proto/rpc.js';
import type { ServiceSpec } from '../../../proto/types.js';
import { table } from '../../format.js';
import type { Connect } from '../types.js';

export function historyCommand(service: Command, connect: Connect): Command {
  return service
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
