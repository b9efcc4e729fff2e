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
  const kind = {
    [ConfChangeType.AddNode]: 'add-voter',
    [ConfChangeType.AddLearnerNode]: 'add-learner',
    [ConfChangeType.RemoveNode]: 'remove',
  };
  return `${kind[cc.type]} ${cc.nodeId}`;
}

/** `term/index` and what the entry holds. */
export function describeEntry(e: Entry): string {
  if (e.type === EntryType.ConfChange) {
    return `${e.term}/${e.index} membership ${describeConfChange(decodeConfChange(e.data))}`;
  }
  return `${e.term}/${e.index} ${e.data.byteLength > 0 ? describeBytes(e.data) : '(empty)'}`;
}

export function describeConfState(cs: ConfState): string {
  return `voters (${cs.voters.join(' ')}) learners (${cs.learners.join(' ')})`;
}

export function describeSnapshot(s: Snapshot): string {
  const m = s.metadata;
  return `up to ${m.term}/${m.index}, ${describeConfState(m.confState)}`;
}

export function describeHardState(hs: HardState): string {
  return `term ${hs.term} vote ${hs.vote} commit ${hs.commit}`;
}

export function describeSoftState(ss: SoftState): string {
  return `soft state: ${ss.raftState} (leader ${ss.lead})`;
}

/** `from->to Type`, its term, the log position it names (logTerm/index), then what it carries. */
export function describeMessage(m: Message): string {
  let s = `${m.from}->${m.to} ${MessageType[m.type]} term ${m.term} at ${m.logTerm}/${m.index}`;
  if (m.reject) s += ` refused (hint ${m.rejectHint})`;
  if (m.commit !== 0) s += ` commit ${m.commit}`;
  if (m.entries.length > 0) s += ` [${m.entries.map(describeEntry).join(', ')}]`;
  if (m.snapshot) s += ` snapshot ${describeSnapshot(m.snapshot)}`;
  if (m.context.byteLength > 0) s += ` context ${describeBytes(m.context)}`;
  return s;
}

/** A Ready, a line per part, in the order a driver handles them. */
export function describeReady(rd: Ready): string {
  const lines: string[] = [];
  if (rd.softState) lines.push(describeSoftState(rd.softState));
  if (rd.hardState) lines.push(`save state: ${describeHardState(rd.hardState)}`);
  if (rd.readStates.length > 0) {
    lines.push(
      'reads confirmed:',
      ...rd.readStates.map((r) => `  at ${r.index} context ${describeBytes(r.requestCtx)}`),
    );
  }
  if (rd.entries.length > 0) lines.push('save:', ...rd.entries.map((e) => `  ${describeEntry(e)}`));
  if (rd.snapshot) lines.push(`save snapshot: ${describeSnapshot(rd.snapshot)}`);
  if (rd.committedEntries.length > 0) {
    lines.push('apply:', ...rd.committedEntries.map((e) => `  ${describeEntry(e)}`));
  }
  if (rd.messages.length > 0) lines.push('send:', ...rd.messages.map((m) => `  ${describeMessage(m)}`));
  return lines.join('\n');
}
