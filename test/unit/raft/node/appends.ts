/** Appends from leader 1 in term 2, as the node-layer tests build them. */
import { newMessage } from '../../../../manager/raft/core/message.js';
import { EntryType, MessageType, type Message } from '../../../../manager/raft/types.js';

/** An append to `to` after (index, logTerm) carrying entry index + 1 and the commit index. */
export const app = (to: number, index: number, commit: number, logTerm = 2): Message =>
  newMessage({
    type: MessageType.App,
    from: 1,
    to,
    term: 2,
    index,
    logTerm,
    commit,
    entries: [{ index: index + 1, term: 2, type: EntryType.Normal, data: new Uint8Array() }],
  });

/** An append without entries: it only tells `to` the commit index. */
export const notice = (to: number, commit: number): Message => ({ ...app(to, commit, commit), entries: [] });
