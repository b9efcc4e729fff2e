import type {
  ConfChange,
  ConfState,
  Entry,
  HardState,
  Message,
  Ready,
  Snapshot,
  SoftState,
} from '../types.js';
import { ConfChangeType, EntryType, MessageType } from '../types.js';
import { decodeConfChange } from './confchange.js';

/** One-line, human-readable renderings of the core's data, for logs and transcript tests. */

export function describeBytes(data: Uint8Array): string {
  const printable = data.every((b) => b >= 0x20 && b < 0x7f);
  return printable
    ? JSON.stringify(Buffer.from(data).toString('latin1'))
    : `0x${Buffer.from(data).toString('hex')}`;
}

export function describeConfChange(cc: ConfChange): string {
  const prefix = {
    [ConfChangeType.AddNode]: 'v',
    [ConfChangeType.AddLearnerNode]: 'l',
    [ConfChangeType.RemoveNode]: 'r',
  };
  return `${prefix[cc.type]}${cc.nodeId}`;
}

export function describeEntry(e: Entry): string {
  if (e.type === EntryType.ConfChange) {
    return `${e.term}/${e.index} EntryConfChange ${describeConfChange(decodeConfChange(e.data))}`;
  }
  return `${e.term}/${e.index} EntryNormal${e.data.byteLength > 0 ? ` ${describeBytes(e.data)}` : ''}`;
}

export function describeConfState(cs: ConfState): string {
  return `Voters:[${cs.voters.join(' ')}] Learners:[${cs.learners.join(' ')}]`;
}

export function describeSnapshot(s: Snapshot): string {
  const m = s.metadata;
  return `Index:${m.index} Term:${m.term} ${describeConfState(m.confState)}`;
}

export function describeHardState(hs: HardState): string {
  return `Term:${hs.term} Vote:${hs.vote} Commit:${hs.commit}`;
}

export function describeSoftState(ss: SoftState): string {
  return `Lead:${ss.lead} State:${ss.raftState}`;
}

export function describeMessage(m: Message): string {
  let s = `${m.from}->${m.to} Msg${MessageType[m.type]} Term:${m.term} Log:${m.logTerm}/${m.index}`;
  if (m.reject) s += ` Rejected (Hint: ${m.rejectHint})`;
  if (m.commit !== 0) s += ` Commit:${m.commit}`;
  if (m.entries.length > 0) s += ` Entries:[${m.entries.map(describeEntry).join(', ')}]`;
  if (m.snapshot) s += ` Snapshot: ${describeSnapshot(m.snapshot)}`;
  if (m.context.byteLength > 0) s += ` Context:${describeBytes(m.context)}`;
  return s;
}

export function describeReady(rd: Ready): string {
  const lines: string[] = [];
  if (rd.softState) lines.push(describeSoftState(rd.softState));
  if (rd.hardState) lines.push(`HardState ${describeHardState(rd.hardState)}`);
  if (rd.readStates.length > 0) {
    lines.push(
      'ReadStates:',
      ...rd.readStates.map((r) => `  Index:${r.index} Ctx:${describeBytes(r.requestCtx)}`),
    );
  }
  if (rd.entries.length > 0) lines.push('Entries:', ...rd.entries.map((e) => `  ${describeEntry(e)}`));
  if (rd.snapshot) lines.push(`Snapshot ${describeSnapshot(rd.snapshot)}`);
  if (rd.committedEntries.length > 0) {
    lines.push('CommittedEntries:', ...rd.committedEntries.map((e) => `  ${describeEntry(e)}`));
  }
  if (rd.messages.length > 0) lines.push('Messages:', ...rd.messages.map((m) => `  ${describeMessage(m)}`));
  return lines.join('\n');
}
