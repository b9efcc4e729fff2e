/**
 * What a person does from the dashboard, done through this manager's own Control API on its
 * local socket, as the CLI does it: leader forwarding, validation, versions and errors are
 * exactly the CLI's. A change is a read and a write at the version read; when something else
 * changed the object in between (the orchestrator writes a service's update status), it is
 * read and written again.
 */
import { FlotillaError, invalidArgument, isFlotillaError } from '../../lib/errors.js';
import type { ControlClient } from '../../proto/gen/flotilla/Control.js';
import { wire } from '../../proto/load.js';
import { call, connect } from '../../proto/rpc.js';
import type { NodeAvailability } from '../../proto/types.js';

const CONFLICT_RETRIES = 3;

const AVAILABILITIES: Record<string, NodeAvailability> = { active: 'ACTIVE', pause: 'PAUSE', drain: 'DRAIN' };

export type Action =
  | { kind: 'scale'; service: string; replicas: number }
  | { kind: 'image'; service: string; image: string }
  | { kind: 'rollback'; service: string }
  | { kind: 'availability'; node: string; availability: string };

/** An action from a request's path (`/api/services/ID/scale`) and JSON body. */
export function parseAction(path: string, body: unknown): Action | undefined {
  const m = /^\/api\/(services|nodes)\/([^/]+)\/([a-z]+)$/.exec(path);
  if (!m) return undefined;
  const [, kind, ref, verb] = m as unknown as [string, string, string, string];
  const target = decodeURIComponent(ref);
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (kind === 'services' && verb === 'scale') {
    const replicas = b.replicas;
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0 || replicas > 100_000) {
      throw invalidArgument('replicas', 'a whole number from 0 to 100000', replicas);
    }
    return { kind: 'scale', service: target, replicas };
  }
  if (kind === 'services' && verb === 'image') {
    const image = typeof b.image === 'string' ? b.image.trim() : '';
    if (!image) throw invalidArgument('image', 'an image reference such as nginx:1.27', b.image);
    return { kind: 'image', service: target, image };
  }
  if (kind === 'services' && verb === 'rollback') return { kind: 'rollback', service: target };
  if (kind === 'nodes' && verb === 'availability') {
    const availability = typeof b.availability === 'string' ? b.availability : '';
    if (!AVAILABILITIES[availability])
      throw invalidArgument('availability', 'active, pause or drain', b.availability);
    return { kind: 'availability', node: target, availability };
  }
  return undefined;
}

export class DashboardActions {
  private readonly client: ControlClient;

  constructor(socket: string) {
    this.client = connect(wire.flotilla.Control, `unix:${socket}`);
  }

  /** Does `action`; answers a line for the person. */
  async run(action: Action): Promise<string> {
    const c = this.client;
    switch (action.kind) {
      case 'rollback': {
        const { service } = await call(c, c.RollbackService, { service: action.service, toVersion: 0 });
        return `${service?.spec?.name}: ${service?.updateStatus?.message}, as v${service?.specVersion}`;
      }
      case 'availability':
        return retryOnConflict(async () => {
          const { node } = await call(c, c.GetNode, { node: action.node });
          if (!node?.spec) throw new FlotillaError('NOT_FOUND', `node ${action.node} not found`);
          const spec = { ...node.spec, availability: AVAILABILITIES[action.availability]! };
          await call(c, c.UpdateNode, { nodeId: node.id, version: node.meta?.version ?? 0, spec });
          return `${node.description?.hostname ?? node.id} is now ${action.availability}`;
        });
      case 'scale':
      case 'image':
        return retryOnConflict(async () => {
          const { service } = await call(c, c.GetService, { service: action.service });
          if (!service?.spec) throw new FlotillaError('NOT_FOUND', `service ${action.service} not found`);
          const spec = { ...service.spec };
          if (action.kind === 'scale') {
            if (spec.mode !== 'replicated') {
              throw new FlotillaError(
                'INVALID_ARGUMENT',
                `service ${spec.name} is not replicated; only replicated services scale`,
              );
            }
            spec.replicated = { replicas: action.replicas };
          } else {
            const task = spec.task;
            if (!task?.container) {
              throw new FlotillaError(
                'INVALID_ARGUMENT',
                `service ${spec.name} has no container image to change`,
              );
            }
            spec.task = { ...task, container: { ...task.container, image: action.image } };
          }
          await call(c, c.UpdateService, {
            serviceId: service.id,
            version: service.meta?.version ?? 0,
            spec,
          });
          return action.kind === 'scale'
            ? `${spec.name} scaled to ${action.replicas}`
            : `${spec.name} updating to ${action.image}`;
        });
    }
  }

  close(): void {
    this.client.close();
  }
}

async function retryOnConflict(write: () => Promise<string>): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (!isFlotillaError(err, 'CONFLICT') || attempt >= CONFLICT_RETRIES) throw err;
    }
  }
}
