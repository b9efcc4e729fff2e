/**
 * The overlay's set of peers (every node's container subnet behind its address) as the
 * dispatcher hands it out and agents hold it: its digest, and the changes from one set to
 * another. The managers and the agents compute the digest with this one function, so that an
 * agent can check the set it made from changes against the set the managers have.
 */
import { createHash } from 'node:crypto';
import type { OverlayPeer } from './gen/flotilla/OverlayPeer.js';

/** What of a peer the overlay uses: a peer whose key changed is sent again. */
export function overlayPeerKey(p: OverlayPeer): string {
  return `${p.nodeId} ${p.subnet} ${p.addr}`;
}

/** The digest of a set of peers, in whatever order they come (it is taken in node id order). */
export function overlayDigest(peers: Iterable<OverlayPeer>): string {
  const keys = [...peers].sort((a, b) => (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0));
  return createHash('sha256').update(keys.map(overlayPeerKey).join('\n')).digest('base64url');
}

/** The peers added or changed and the node ids removed between two sets. */
export interface OverlayChanges {
  peers: OverlayPeer[];
  removed: string[];
}

/** What turns the set `from` (by node id) into `to`. */
export function overlayChanges(
  from: ReadonlyMap<string, OverlayPeer>,
  to: ReadonlyMap<string, OverlayPeer>,
): OverlayChanges {
  const peers: OverlayPeer[] = [];
  for (const [id, p] of to) {
    const old = from.get(id);
    if (!old || overlayPeerKey(old) !== overlayPeerKey(p)) peers.push(p);
  }
  const removed = [...from.keys()].filter((id) => !to.has(id));
  return { peers, removed };
}

/** The set `held` (by node id) with `changes` made to it, as a new map. */
export function withOverlayChanges(
  held: ReadonlyMap<string, OverlayPeer>,
  changes: OverlayChanges,
): Map<string, OverlayPeer> {
  const next = new Map(held);
  for (const id of changes.removed) next.delete(id);
  for (const p of changes.peers) next.set(p.nodeId, p);
  return next;
}

/** A set of peers by node id. */
export function overlayPeersById(peers: Iterable<OverlayPeer>): Map<string, OverlayPeer> {
  return new Map([...peers].map((p) => [p.nodeId, p]));
}
