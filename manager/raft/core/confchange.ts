import type { ConfChange, RaftId } from '../types.js';
import { ConfChangeType } from '../types.js';
import { FlotillaError } from '../../../lib/errors.js';

/** Wire layout of a conf change entry's data: type (1 byte), node id (float64), context. */
const HEADER = 9;

export function encodeConfChange(cc: ConfChange): Uint8Array {
  const out = new Uint8Array(HEADER + cc.context.byteLength);
  const view = new DataView(out.buffer);
  view.setUint8(0, cc.type);
  view.setFloat64(1, cc.nodeId);
  out.set(cc.context, HEADER);
  return out;
}

export function decodeConfChange(data: Uint8Array): ConfChange {
  if (data.byteLength < HEADER) {
    throw new FlotillaError(
      'CORRUPT',
      `conf change entry has ${data.byteLength} bytes, expected at least ${HEADER}`,
    );
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const type = view.getUint8(0);
  if (!(type in ConfChangeType)) throw new FlotillaError('CORRUPT', `unknown conf change type ${type}`);
  const nodeId = view.getFloat64(1);
  if (!Number.isSafeInteger(nodeId) || nodeId <= 0) {
    throw new FlotillaError('CORRUPT', `conf change names no member (node id ${nodeId})`);
  }
  return { type, nodeId, context: data.slice(HEADER) };
}

/**
 * The membership after a single-server change, or a reason why the change is refused (the
 * caller then keeps the membership unchanged). Supported: add a voter, add a learner, promote
 * a learner (AddNode on a learner), remove a voter or a learner. Demoting a voter and removing
 * the last voter are refused.
 */
export function changeMembership(
  cs: { voters: ReadonlySet<RaftId>; learners: ReadonlySet<RaftId> },
  cc: ConfChange,
): { voters: Set<RaftId>; learners: Set<RaftId> } | { refused: string } {
  const voters = new Set(cs.voters);
  const learners = new Set(cs.learners);
  const id = cc.nodeId;
  switch (cc.type) {
    case ConfChangeType.AddNode:
      learners.delete(id);
      voters.add(id);
      break;
    case ConfChangeType.AddLearnerNode:
      if (voters.has(id)) return { refused: `node ${id} is a voter; demoting a voter is not supported` };
      learners.add(id);
      break;
    case ConfChangeType.RemoveNode:
      voters.delete(id);
      learners.delete(id);
      if (voters.size === 0) return { refused: `removing node ${id} would leave no voters` };
      break;
  }
  return { voters, learners };
}
