/** `cluster node promote` and `cluster node demote`: a node's role, changed and waited for. */
import type { Command } from 'commander';
import { describeError, FlotillaError, isFlotillaError } from '../../../lib/errors.js';
import type { ControlClient } from '../../../proto/gen/flotilla/Control.js';
import { call } from '../../../proto/rpc.js';
import type { Node } from '../../../proto/types.js';
import type { Connect } from '../types.js';

/** `promote` (to manager) or `demote` (to worker). */
export function roleCommand(node: Command, verb: 'promote' | 'demote', connect: Connect): Command {
  const role = verb === 'promote' ? 'MANAGER' : 'WORKER';
  return node
    .command(verb)
    .description(verb === 'promote' ? 'make workers managers' : 'make managers workers')
    .argument('<node...>')
    .option('-d, --detach', 'return at once instead of waiting for the change')
    .action(async (refs: string[], o: { detach?: boolean }) => {
      const client = connect();
      for (const ref of refs) {
        const { node: n } = await call(client, client.GetNode, { node: ref });
        const name = n?.description?.hostname ?? ref;
        if (!n?.spec) continue;
        if (n.spec.desiredRole === role) {
          console.log(`${name} is already ${role === 'MANAGER' ? 'a manager' : 'a worker'}`);
          continue;
        }
        await call(client, client.UpdateNode, {
          nodeId: n.id,
          version: n.meta?.version ?? 0,
          spec: { ...n.spec, desiredRole: role },
        });
        if (!o.detach) await waitForRole(client, n.id, name, role);
        console.log(`${name} ${verb}d to ${role === 'MANAGER' ? 'manager' : 'worker'}`);
      }
    });
}

/** Errors that a moment later may be gone: no leader yet, a manager restarting. */
const TRANSIENT = ['NO_QUORUM', 'NOT_LEADER', 'UNAVAILABLE', 'TIMEOUT'] as const;

/** Waits until the node runs in its new role, saying what it waits for. */
async function waitForRole(
  client: ControlClient,
  id: string,
  name: string,
  role: Node['role'],
): Promise<void> {
  const deadline = Date.now() + 60_000;
  let said = false;
  for (;;) {
    let n: Node | null | undefined;
    let state: string;
    try {
      n = (await call(client, client.GetNode, { node: id })).node;
      state = n?.status?.state ?? 'unknown';
    } catch (err) {
      // The change itself moves the group (a leader hands over, a member leaves): an answer
      // may have to wait for the election it causes.
      if (!TRANSIENT.some((code) => isFlotillaError(err, code))) throw err;
      state = `not known: ${describeError(err)}`;
    }
    const ready = role === 'WORKER' ? n?.role === 'WORKER' : n?.managerStatus?.reachability === 'REACHABLE';
    if (ready) return;
    if (Date.now() > deadline) {
      throw new FlotillaError(
        'TIMEOUT',
        `${name} has not taken its new role within a minute (its state: ${state}); it changes once the node is up and heartbeating. Check \`cluster node ls\`.`,
      );
    }
    if (!said)
      console.error(`waiting for ${name} to restart as a ${role === 'MANAGER' ? 'manager' : 'worker'}...`);
    said = true;
    await new Promise((r) => setTimeout(r, 250));
  }
}
