// Original file: proto/flotilla/raft.proto

import type { RaftEntryInput as _flotilla_RaftEntryInput, RaftEntry as _flotilla_RaftEntry } from '../flotilla/RaftEntry.js';
import type { RaftSnapshotInput as _flotilla_RaftSnapshotInput, RaftSnapshot as _flotilla_RaftSnapshot } from '../flotilla/RaftSnapshot.js';
import type { Long } from '@grpc/proto-loader';

export interface RaftMessageInput {
  'type'?: (number);
  'to'?: (number | string | Long);
  'from'?: (number | string | Long);
  'term'?: (number | string | Long);
  'logTerm'?: (number | string | Long);
  'index'?: (number | string | Long);
  'entries'?: (_flotilla_RaftEntryInput)[];
  'commit'?: (number | string | Long);
  'snapshot'?: (_flotilla_RaftSnapshotInput | null);
  'reject'?: (boolean);
  'rejectHint'?: (number | string | Long);
  'context'?: (Buffer | Uint8Array | string);
}

export interface RaftMessage {
  'type': (number);
  'to': (number);
  'from': (number);
  'term': (number);
  'logTerm': (number);
  'index': (number);
  'entries': (_flotilla_RaftEntry)[];
  'commit': (number);
  'snapshot': (_flotilla_RaftSnapshot | null);
  'reject': (boolean);
  'rejectHint': (number);
  'context': (Buffer);
}
