/**
 * Loads the wire contracts in proto/flotilla at run time. The shapes of the objects that
 * come out (camelCase fields, enums as strings, 64-bit integers as numbers, defaults filled
 * in, oneof names) match the types generated into proto/gen by `npm run gen`.
 */
import { loadSync, type Options } from '@grpc/proto-loader';
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { fileURLToPath } from 'node:url';
import { readdirSync } from 'node:fs';
import type { ProtoGrpcType as ControlProto } from './gen/control.js';
import type { ProtoGrpcType as DispatcherProto } from './gen/dispatcher.js';
import type { ProtoGrpcType as CaProto } from './gen/ca.js';

// From dist/proto/ or proto/ alike: the .proto files stay in the source tree.
const protoRoot = fileURLToPath(
  new URL(import.meta.url.includes('/dist/') ? '../../proto' : '.', import.meta.url),
);
const files = readdirSync(`${protoRoot}/flotilla`)
  .filter((f) => f.endsWith('.proto'))
  .map((f) => `flotilla/${f}`);

const options: Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [protoRoot],
};

export const wire = grpc.loadPackageDefinition(loadSync(files, options)) as unknown as ControlProto &
  DispatcherProto &
  CaProto;

const root = new protobuf.Root();
root.resolvePath = (_origin, target) => `${protoRoot}/${target}`;
root.loadSync(files, { keepCase: false });

/** Encodes and decodes one message type outside of gRPC (snapshots, log entries). */
export interface Codec<T> {
  encode(value: T): Uint8Array;
  decode(bytes: Uint8Array): T;
}

export function codec<T>(typeName: string): Codec<T> {
  const type = root.lookupType(typeName);
  return {
    encode: (value) => type.encode(type.fromObject(value as Record<string, unknown>)).finish(),
    decode: (bytes) =>
      type.toObject(type.decode(bytes), {
        longs: Number,
        enums: String,
        defaults: true,
        oneofs: true,
      }) as T,
  };
}
