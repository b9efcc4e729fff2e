import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { RaftClient as _flotilla_RaftClient, RaftDefinition as _flotilla_RaftDefinition } from './flotilla/Raft.js';
import type { RaftBatchInput as _flotilla_RaftBatchInput, RaftBatch as _flotilla_RaftBatch } from './flotilla/RaftBatch.js';
import type { RaftConfStateInput as _flotilla_RaftConfStateInput, RaftConfState as _flotilla_RaftConfState } from './flotilla/RaftConfState.js';
import type { RaftEntryInput as _flotilla_RaftEntryInput, RaftEntry as _flotilla_RaftEntry } from './flotilla/RaftEntry.js';
import type { RaftInstallSnapshotResponseInput as _flotilla_RaftInstallSnapshotResponseInput, RaftInstallSnapshotResponse as _flotilla_RaftInstallSnapshotResponse } from './flotilla/RaftInstallSnapshotResponse.js';
import type { RaftMemberInput as _flotilla_RaftMemberInput, RaftMember as _flotilla_RaftMember } from './flotilla/RaftMember.js';
import type { RaftMessageInput as _flotilla_RaftMessageInput, RaftMessage as _flotilla_RaftMessage } from './flotilla/RaftMessage.js';
import type { RaftSendResponseInput as _flotilla_RaftSendResponseInput, RaftSendResponse as _flotilla_RaftSendResponse } from './flotilla/RaftSendResponse.js';
import type { RaftSnapshotInput as _flotilla_RaftSnapshotInput, RaftSnapshot as _flotilla_RaftSnapshot } from './flotilla/RaftSnapshot.js';
import type { RaftSnapshotChunkInput as _flotilla_RaftSnapshotChunkInput, RaftSnapshotChunk as _flotilla_RaftSnapshotChunk } from './flotilla/RaftSnapshotChunk.js';
import type { RaftSnapshotDataInput as _flotilla_RaftSnapshotDataInput, RaftSnapshotData as _flotilla_RaftSnapshotData } from './flotilla/RaftSnapshotData.js';
import type { RaftSnapshotMetadataInput as _flotilla_RaftSnapshotMetadataInput, RaftSnapshotMetadata as _flotilla_RaftSnapshotMetadata } from './flotilla/RaftSnapshotMetadata.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  flotilla: {
    Raft: SubtypeConstructor<typeof grpc.Client, _flotilla_RaftClient> & { service: _flotilla_RaftDefinition }
    RaftBatch: MessageTypeDefinition<_flotilla_RaftBatchInput, _flotilla_RaftBatch>
    RaftConfState: MessageTypeDefinition<_flotilla_RaftConfStateInput, _flotilla_RaftConfState>
    RaftEntry: MessageTypeDefinition<_flotilla_RaftEntryInput, _flotilla_RaftEntry>
    RaftInstallSnapshotResponse: MessageTypeDefinition<_flotilla_RaftInstallSnapshotResponseInput, _flotilla_RaftInstallSnapshotResponse>
    RaftMember: MessageTypeDefinition<_flotilla_RaftMemberInput, _flotilla_RaftMember>
    RaftMessage: MessageTypeDefinition<_flotilla_RaftMessageInput, _flotilla_RaftMessage>
    RaftSendResponse: MessageTypeDefinition<_flotilla_RaftSendResponseInput, _flotilla_RaftSendResponse>
    RaftSnapshot: MessageTypeDefinition<_flotilla_RaftSnapshotInput, _flotilla_RaftSnapshot>
    RaftSnapshotChunk: MessageTypeDefinition<_flotilla_RaftSnapshotChunkInput, _flotilla_RaftSnapshotChunk>
    RaftSnapshotData: MessageTypeDefinition<_flotilla_RaftSnapshotDataInput, _flotilla_RaftSnapshotData>
    RaftSnapshotMetadata: MessageTypeDefinition<_flotilla_RaftSnapshotMetadataInput, _flotilla_RaftSnapshotMetadata>
  }
}

