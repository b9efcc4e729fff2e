/**
 * Loads the wire contracts in proto/flotilla at run time. The shapes of the objects that
 * come out (camelCase fields, enums as strings, 64-bit integers as numbers, defaults filled
 * in, oneof names) match the types generated into proto/gen by `npm run gen`.
 */
import { fromJSON } from '@grpc/proto-loader';
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { fileURLToPath } from 'node:url';
import { readdirSync } from 'node:fs';
import type { ProtoGrpcType as ControlProto } from './gen/control.js';
import type { ProtoGrpcType as DispatcherProto } from './gen/dispatcher.js';
import type { ProtoGrpcType as CaProto } from './gen/ca.js';
import type { ProtoGrpcType as RaftProto } from './gen/raft.js';

// From dist/proto/ or proto/ alike: the .proto files stay in the source tree.
const protoRoot = fileURLToPath(
  new URL(import.meta.url.includes('/dist/') ? '../../proto' : '.', import.meta.url),
);
const files = readdirSync(`${protoRoot}/flotilla`)
  .filter((f) => f.endsWith('.proto'))
  .map((f) => `flotilla/${f}`);

// How decoded messages look, for gRPC calls and for the codecs alike.
const conversion = { longs: Number, enums: String, defaults: true, oneofs: true };

// The .proto files are parsed once; gRPC's definitions are built from the same tree.
const root = new protobuf.Root();
root.resolvePath = (_origin, target) => `${protoRoot}/${target}`;
root.loadSync(files, { keepCase: false });

export const wire = grpc.loadPackageDefinition(
  fromJSON(root.toJSON(), conversion),
) as unknown as ControlProto & DispatcherProto & CaProto & RaftProto;

/** Encodes and decodes one message type outside of gRPC (snapshots, log entries). */
export interface Codec<T> {
  encode(value: T): Uint8Array;
  decode(bytes: Uint8Array): T;
}

export function codec<T>(typeName: string): Codec<T> {
  const type = root.lookupType(typeName);
  return {
    encode: (value) => type.encode(type.fromObject(value as Record<string, unknown>)).finish(),
    decode: (bytes) => type.toObject(type.decode(bytes), conversion) as T,
  };
}
