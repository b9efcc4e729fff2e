/** `cluster service inspect`: services as JSON, or as text with --pretty. */
import type { Command } from 'commander';
import { call } from '../../../proto/rpc.js';
import { printInspected, printViews } from '../../format.js';
import { prettyService } from '../../inspect-view.js';
import type { Connect } from '../types.js';

export function inspectCommand(service: Command, connect: Connect): Command {
  return service
    .command('inspect')
    .description('show services in full, as JSON (times in ISO 8601), or as text with --pretty')
    .argument('<service...>')
    .option('--pretty', 'as text for people: mode, placement, policies, container spec, ports')
    .action(async (refs: string[], o: { pretty?: boolean }) => {
      const client = connect();
      const get = (service: string) => call(client, client.GetService, { service });
      if (!o.pretty) {
        return printInspected(refs, async (ref) => {
          const got = await get(ref);
          return { ...got.service, unplaced: got.unplaced };
        });
      }
      await printViews(refs, async (ref) => {
        const got = await get(ref);
        return got.service ? prettyService(got.service, got.unplaced) : undefined;
      });
    });
}
