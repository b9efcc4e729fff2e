/**
 * Promotion and demotion, on the leader: a node whose desired role differs from its role
 * is moved into or out of the Raft group of managers. Each step can be retried: the Raft
 * id is recorded before the node is added, and the role changes only after Raft has.
 * The node learns its new role from its next heartbeat and restarts in it.
 */
import type { Logger } from '../../lib/log.js';
import type { Node } from '../../proto/types.js';
import { ControlLoop } from '../control-loop.js';
import type { Store } from '../store/types.js';
import type { ManagerGroup } from './manager-group.js';

const wantsChange = (n: Node): boolean => (n.spec?.desiredRole ?? n.role) !== n.role;

export class RoleManager {
  private readonly loop: ControlLoop;

  constructor(
    private readonly store: Store,
    private readonly group: ManagerGroup,
    private readonly log: Logger,
  ) {
    this.loop = new ControlLoop(
      'roles',
      store,
      { tables: ['nodes'] },
      {
        start: () => undefined,
        event: (e) => e.table === 'nodes' && e.kind !== 'delete' && wantsChange(e.object),
        reconcile: () => this.reconcile(),
      },
      log,
    );
  }

  run(signal: AbortSignal): Promise<void> {
    return this.loop.run(signal);
  }

  private async reconcile(): Promise<void> {
    const nodes = this.store.view((tx) => tx.all('nodes').filter(wantsChange));
    for (const n of nodes) {
      if (n.spec?.desiredRole === 'MANAGER') await this.promote(n);
      else await this.demote(n);
    }
  }

  private async promote(node: Node): Promise<void> {
    const addr = node.status?.addr ?? '';
    // Its daemon restarts as a manager on its next heartbeat, so it must be up to hear it.
    if (node.status?.state !== 'READY' || !addr) return;
    let raftId = node.managerStatus?.raftId;
    if (!raftId) {
      const id = this.group.admission.newRaftId();
      await this.store.update((tx) => {
        const n = tx.get('nodes', node.id);
        if (n)
          tx.update('nodes', {
            ...n,
            managerStatus: { raftId: id, addr, leader: false, reachability: 'UNKNOWN' },
          });
      });
      raftId = id;
    }
    await this.group.admission.admit(raftId, addr);
    await this.setRole(node.id, 'MANAGER');
    this.log.info(
      { node: node.id, hostname: node.description?.hostname, raftId },
      'node promoted to manager',
    );
  }

  private async demote(node: Node): Promise<void> {
    const raftId = node.managerStatus?.raftId;
    if (raftId === this.group.raft.id) {
      // A leader does not remove itself: it hands over, and the next leader demotes it.
      await this.group.raft.transferLeadership();
      return;
    }
    const raft = this.group.raft;
    // A retry finds it gone already.
    if (raftId && raft.memberList().some((m) => m.id === raftId)) {
      await raft.removeMember(raftId);
      this.log.info({ raftId }, 'manager removed from the Raft group');
    }
    await this.setRole(node.id, 'WORKER');
    this.log.info({ node: node.id, hostname: node.description?.hostname }, 'manager demoted to worker');
  }

  private async setRole(nodeId: string, role: Node['role']): Promise<void> {
    await this.store.update((tx) => {
      const n = tx.get('nodes', nodeId);
      if (!n) return;
      tx.update('nodes', { ...n, role, managerStatus: role === 'MANAGER' ? n.managerStatus : null });
    });
  }
}
