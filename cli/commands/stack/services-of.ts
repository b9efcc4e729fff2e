/** The services of a stack, for `stack services` and `stack ps`. */
import { FlotillaError } from '../../../lib/errors.js';
import type { ControlClient } from '../../../proto/gen/flotilla/Control.js';
import { stackServices } from '../../stack/deploy.js';

/** The stack's services; an error when it has none, as Docker says it. */
export async function servicesOf(client: ControlClient, stack: string) {
  const services = await stackServices(client, stack);
  if (services.length === 0) throw new FlotillaError('NOT_FOUND', `nothing found in stack: ${stack}`);
  return services;
}
