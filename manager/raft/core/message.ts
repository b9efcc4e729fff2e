import type { Message } from '../types.js';
import { MessageType, NONE } from '../types.js';

export const EMPTY = new Uint8Array();

/** A message with every field defaulted but those given. */
export function newMessage(m: Partial<Message> & Pick<Message, 'type'>): Message {
  return {
    to: NONE,
    from: NONE,
    term: 0,
    logTerm: 0,
    index: 0,
    entries: [],
    commit: 0,
    reject: false,
    rejectHint: 0,
    context: EMPTY,
    ...m,
  };
}

export function isVoteType(t: MessageType): boolean {
  return (
    t === MessageType.Vote ||
    t === MessageType.PreVote ||
    t === MessageType.VoteResp ||
    t === MessageType.PreVoteResp
  );
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && a.every((v, i) => v === b[i]);
}
