/**
 * Recovery from a lost quorum: turn one member's log into a group of that member alone,
 * keeping every committed entry. Entries past the commit index are dropped: no quorum
 * accepted them, so no client was told they were written. The old files are kept aside.
 */
import { rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { FlotillaError } from '../../../lib/errors.js';
import type { Logger } from '../../../lib/log.js';
import { MemoryStorage } from '../core/index.js';
import { RaftDisk, syncDir } from '../storage/index.js';
import { ConfChangeType, EntryType, type ConfChange, type RaftId } from '../types.js';
import { decodeAddress, decodeSnapshotData, encodeSnapshotData, readConfChange } from './members.js';
import type { StateMachine } from './raft-node.js';

export async function forceNewCluster(
  dir: string,
  id: RaftId,
  stateMachine: StateMachine,
  log: Logger,
): Promise<void> {
  const { disk, state } = await RaftDisk.open(dir, { warn: (msg) => log.warn({ part: 'disk' }, msg) });
  await disk.close();
  if (!state.snapshot && state.entries.length === 0) {
    throw new FlotillaError('NOT_FOUND', `${dir} holds no Raft state to recover from`);
  }
  const recovered = new MemoryStorage();
  if (state.snapshot) recovered.applySnapshot(state.snapshot);
  recovered.append(state.entries);
  const commit = state.hardState.commit;
  const base = recovered.snapshot();
  const { members, app } = decodeSnapshotData(base.data);
  await stateMachine.restore(app);
  const from = base.metadata.index + 1;
  const committed = commit >= from ? recovered.entries(from, commit + 1, Infinity) : [];
  // Only membership changes are read here; the other entries go to the state machine as the
  // running node would pass them, whatever their bytes, and it skips what it cannot read.
  for (const e of committed) {
    if (e.type === EntryType.ConfChange) noteMembership(members, readConfChange(e, log));
    else if (e.data.length > 0) stateMachine.apply(e);
  }
  const address = members.get(id);
  if (address === undefined) {
    throw new FlotillaError(
      'NOT_FOUND',
      `member ${id} is not in the group its own log describes; cannot recover from ${dir}`,
    );
  }
  const index = Math.max(commit, base.metadata.index);
  const snapshot = {
    metadata: { index, term: recovered.term(index), confState: { voters: [id], learners: [] } },
    data: await encodeSnapshotData(new Map([[id, address]]), await stateMachine.snapshot()),
  };
  // Written beside the old files first, then swapped in, so a crash leaves one or the other.
  const staging = `${dir}.forced`;
  await rm(staging, { recursive: true, force: true });
  const fresh = await RaftDisk.open(staging);
  try {
    // The term stays: this member may have voted in it, and must not vote twice.
    const hardState = { term: state.hardState.term, vote: state.hardState.vote, commit: index };
    await fresh.disk.persist({ snapshot, hardState, entries: [], mustSync: true });
  } finally {
    await fresh.disk.close();
  }
  const aside = `${dir}.before-force-new-cluster-${Date.now()}`;
  await rename(dir, aside);
  await rename(staging, dir);
  await syncDir(dirname(dir));
  log.warn(
    { index, dropped: recovered.lastIndex() - index, previous: aside },
    'forced a new group of this member alone: the others must join again',
  );
}

/** Follows a membership change in the members' addresses; one that did not decode changes nothing. */
function noteMembership(members: Map<RaftId, string>, cc: ConfChange | undefined): void {
  if (!cc) return;
  if (cc.type === ConfChangeType.RemoveNode) members.delete(cc.nodeId);
  else if (cc.context.length > 0) members.set(cc.nodeId, decodeAddress(cc.context));
}
