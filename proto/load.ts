/**
 * Loads the wire contracts in proto/flotilla at run time. The shapes of the objects that
 * come out (camelCase fields, enums as strings, 64-bit integers as numbers, defaults filled
 * in, the name of the member set in each oneof, null for an unset proto3 `optional` field)
 * match the types generated into proto/gen by `npm run gen`.
 */
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { fileURLToPath } from 'node:url';
import { readdirSync } from 'node:fs';
import { serviceDefinitions } from './service-definitions.js';
import type { ProtoGrpcType as ControlProto } from './gen/control.js';
import type { ProtoGrpcType as DispatcherProto } from './gen/dispatcher.js';
import type { ProtoGrpcType as CaProto } from './gen/ca.js';
import type { ProtoGrpcType as RaftProto } from './gen/raft.js';
import type { ProtoGrpcType as NodeProto } from './gen/node.js';

// From dist/proto/ or proto/ alike: the .proto files stay in the source tree.
const protoRoot = fileURLToPath(
  new URL(import.meta.url.includes('/dist/') ? '../../proto' : '.', import.meta.url),
);
const files = readdirSync(`${protoRoot}/flotilla`)
  .filter((f) => f.endsWith('.proto'))
  .map((f) => `flotilla/${f}`);

// How decoded messages look, for gRPC calls and for the codecs alike: `oneofs` names the member
// of a real oneof that is set (`mode: 'replicated'`).
const conversion = { longs: Number, enums: String, defaults: true, oneofs: true };

/**
 * protobufjs models each proto3 `optional` field as a oneof of its own named `_field`, which
 * `oneofs: true` would copy into every decoded object (`"_endpoint": "endpoint"`). Without that
 * oneof the field keeps its presence all the same: an unset one decodes as null (its
 * `proto3_optional` option makes even a string's default null) and a null one is not encoded.
 */
function dropOptionalOneofs(ns: protobuf.NamespaceBase): void {
  for (const nested of ns.nestedArray) {
    if (nested instanceof protobuf.Type) {
      for (const oneof of nested.oneofsArray.filter((o) => o.isProto3Optional)) {
        for (const field of [...oneof.fieldsArray]) oneof.remove(field);
        nested.remove(oneof);
      }
    }
    if (nested instanceof protobuf.Namespace) dropOptionalOneofs(nested);
  }
}

// The .proto files are parsed once; gRPC's definitions are built from the same tree.
const root = new protobuf.Root();
root.resolvePath = (_origin, target) => `${protoRoot}/${target}`;
root.loadSync(files, { keepCase: false });
dropOptionalOneofs(root);

export const wire = grpc.loadPackageDefinition(
  serviceDefinitions(root, conversion),
) as unknown as ControlProto & DispatcherProto & CaProto & RaftProto & NodeProto;

/** Encodes and decodes one message type outside of gRPC (snapshots, log entries). */
export interface Codec<T> {
  encode(value: T): Uint8Array;
  decode(bytes: Uint8Array): T;
}

/**
 * Why `value` (in the decoded shape) is not a message of `typeName` as the contract has it,
 * such as an enum value it does not name; null when it is one.
 */
export function verifyMessage(typeName: string, value: object): string | null {
  const type = root.lookupType(typeName);
  return type.verify(type.fromObject(value as Record<string, unknown>));
}

export function codec<T>(typeName: string): Codec<T> {
  const type = root.lookupType(typeName);
  return {
    encode: (value) => type.encode(type.fromObject(value as Record<string, unknown>)).finish(),
    decode: (bytes) => type.toObject(type.decode(bytes), conversion) as T,
  };
}
