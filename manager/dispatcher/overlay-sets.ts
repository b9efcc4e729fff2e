/**
 * The overlay peers that heartbeat answers carry. A changed set is made at most every
 * OVERLAY_REFRESH_MS; a node that holds a set handed out recently gets only the changes to the
 * current one (the same changes, made once, for every node that holds that set), and the whole
 * set only a node that holds none or one no longer kept.
 */
import type { OverlayPeer } from '../../proto/gen/flotilla/OverlayPeer.js';
import {
  overlayChanges,
  overlayDigest,
  overlayPeerKey,
  overlayPeersById,
  type OverlayChanges,
} from '../../proto/overlay-set.js';
import type { Node } from '../../proto/types.js';

/**
 * A changed set of overlay peers is handed out at once if the last one was made this long
 * ago, else once this long has passed: while nodes join one after another (a thousand in a
 * minute), a set for each join would be a thousand sets a second to make and to diff.
 */
export const OVERLAY_REFRESH_MS = 5_000;
/**
 * How long a set stays known after it was replaced, so that nodes holding it get changes: a
 * node that beats at least once a minute never holds an older one.
 */
export const OVERLAY_KEPT_MS = 60_000;

/** Where each node's containers are: its subnet behind its address (nodes that have both). */
export function overlayPeersOf(nodes: readonly Node[]): OverlayPeer[] {
  return nodes.flatMap((n) => {
    const addr = n.dataPathAddr || n.status?.addr.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
    return n.containerSubnet && addr ? [{ nodeId: n.id, subnet: n.containerSubnet, addr }] : [];
  });
}

/** What of a node its overlay peer entry says ('' when it has none). */
function overlayKeyOf(n: Node | undefined): string {
  const [p] = n ? overlayPeersOf([n]) : [];
  return p ? overlayPeerKey(p) : '';
}

/** The overlay part of a heartbeat's answer. */
export interface OverlayAnswer {
  overlayPeers: OverlayPeer[];
  overlayDigest: string;
  overlayChangesOnly: boolean;
  overlayRemoved: string[];
}

interface OverlaySet {
  digest: string;
  byId: Map<string, OverlayPeer>;
  /** When it was made (the current set) or replaced (a kept one). */
  at: number;
}

export class OverlaySets {
  private current: (OverlaySet & { peers: OverlayPeer[] }) | undefined;
  /** Sets replaced in the last OVERLAY_KEPT_MS, by digest. */
  private readonly kept = new Map<string, OverlaySet>();
  /** The changes from each kept set to the current one, made when first asked for. */
  private readonly changes = new Map<string, OverlayChanges>();
  /** Whether a node's overlay peer entry changed since the current set was made. */
  private stale = false;

  constructor(private readonly now: () => number) {}

  /** A node changed: whether its peer entry did. */
  noteNode(before: Node | undefined, after: Node | undefined): void {
    if (overlayKeyOf(before) !== overlayKeyOf(after)) this.stale = true;
  }

  /** The answer for a node that holds the set of digest `held` ('' for none); `nodes` when a set is to be made. */
  answer(held: string, nodes: () => readonly Node[]): OverlayAnswer {
    const now = this.now();
    if (!this.current || (this.stale && now - this.current.at >= OVERLAY_REFRESH_MS))
      this.refresh(nodes(), now);
    const current = this.current!;
    const answer = (peers: OverlayPeer[], changesOnly: boolean, removed: string[]) => ({
      overlayPeers: peers,
      overlayDigest: current.digest,
      overlayChangesOnly: changesOnly,
      overlayRemoved: removed,
    });
    if (held === current.digest) return answer([], false, []);
    const old = this.kept.get(held);
    if (!old) return answer(current.peers, false, []);
    let changes = this.changes.get(held);
    if (!changes) this.changes.set(held, (changes = overlayChanges(old.byId, current.byId)));
    return answer(changes.peers, true, changes.removed);
  }

  private refresh(nodes: readonly Node[], now: number): void {
    this.stale = false;
    const previous = this.current;
    // Peers that did not change stay the same objects: the kept sets share them.
    const peers = overlayPeersOf(nodes).map((p) => {
      const was = previous?.byId.get(p.nodeId);
      return was && overlayPeerKey(was) === overlayPeerKey(p) ? was : p;
    });
    const digest = overlayDigest(peers);
    if (previous && digest === previous.digest) {
      previous.at = now;
      return;
    }
    if (previous) this.kept.set(previous.digest, { digest: previous.digest, byId: previous.byId, at: now });
    this.kept.delete(digest);
    for (const [d, s] of this.kept) if (now - s.at > OVERLAY_KEPT_MS) this.kept.delete(d);
    this.changes.clear();
    this.current = { digest, peers, byId: overlayPeersById(peers), at: now };
  }
}
