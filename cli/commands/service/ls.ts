/** `cluster service ls`: the services, as `cli/service-listing.ts` lists them. */
import type { Command } from 'commander';
import { serviceListCommand } from '../../service-listing.js';
import type { Connect } from '../types.js';

export function lsCommand(service: Command, connect: Connect): Command {
  return serviceListCommand(service.command('ls').description('list services'), connect);
}
