import type { Message, RaftId } from '../types.js';
import { MessageType } from '../types.js';

/**
 * Merges appends that follow one another to the same peer into one. The core sends an
 * append per proposal; a Ready that took many proposals would otherwise carry one message
 * (and bring back one answer) per entry. A merged append is what the leader would have sent
 * had the entries been proposed together: the first one's position, all the entries, the
 * last one's commit index.
 */
export function coalesceAppends(messages: readonly Message[]): Message[] {
  const out: Message[] = [];
  /** Where the last message to each peer is in `out`, while it is an append that can grow. */
  const open = new Map<RaftId, number>();
  /** Merged appends in `out`: copies made here, so they grow in place (not one copy per merge). */
  const merged = new Set<Message>();
  for (const m of messages) {
    const at = open.get(m.to);
    const prev = at === undefined ? undefined : out[at];
    if (m.type === MessageType.App && prev && continues(prev, m)) {
      if (merged.has(prev)) {
        for (const e of m.entries) prev.entries.push(e);
        prev.commit = m.commit;
      } else {
        const copy = { ...prev, entries: [...prev.entries, ...m.entries], commit: m.commit };
        merged.add(copy);
        out[at!] = copy;
      }
      continue;
    }
    if (m.type === MessageType.App && !m.snapshot) open.set(m.to, out.length);
    else open.delete(m.to);
    out.push(m);
  }
  return out;
}

function continues(prev: Message, next: Message): boolean {
  const last = prev.entries[prev.entries.length - 1];
  return (
    last !== undefined &&
    next.term === prev.term &&
    next.index === last.index &&
    next.logTerm === last.term &&
    next.commit >= prev.commit
  );
}
