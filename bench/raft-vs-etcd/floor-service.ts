/** The floor's gRPC service (see floor.ts), on raw bytes: no protobuf in the way. */
import * as grpc from '@grpc/grpc-js';

const raw = (b: Buffer): Buffer => b;
const method = (path: string, requestStream: boolean, responseStream: boolean) => ({
  path,
  requestStream,
  responseStream,
  requestSerialize: raw,
  requestDeserialize: raw,
  responseSerialize: raw,
  responseDeserialize: raw,
});
/** Put: a value in, its sequence number out. Replicate: frames to a follower, acks back. */
export const floorService = {
  Put: method('/floor.Floor/Put', false, false),
  Replicate: method('/floor.Floor/Replicate', true, true),
};
export const FloorClient = grpc.makeGenericClientConstructor(floorService, 'Floor');
