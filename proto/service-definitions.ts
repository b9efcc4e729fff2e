/**
 * gRPC's definitions of the services in a parsed tree of .proto files, for
 * grpc.loadPackageDefinition. Built from the tree itself rather than by @grpc/proto-loader,
 * which parses a second copy of the tree and adds to every method a descriptor of its
 * messages (for server reflection, which no node serves): memory every daemon would hold.
 * The methods encode and decode as proto-loader's do.
 */
import type * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';

type PackageDefinition = Parameters<typeof grpc.loadPackageDefinition>[0];

/** `ListTasks` → `listTasks`, `RotateCA` → `rotateCa`: the alias gRPC's clients also get for each method. */
function camelCase(name: string): string {
  const words = name.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+/g) ?? [name];
  return words
    .map((w, i) => (i === 0 ? w.toLowerCase() : w[0]!.toUpperCase() + w.slice(1).toLowerCase()))
    .join('');
}

function serializer(type: protobuf.Type): (value: object) => Buffer {
  return (value) => {
    if (Array.isArray(value)) {
      throw new Error(
        `Failed to serialize message: expected object with ${type.name} structure, got array instead`,
      );
    }
    // protobufjs's writer makes a Buffer under Node.
    return type.encode(type.fromObject(value as Record<string, unknown>)).finish() as Buffer;
  };
}

function deserializer(
  type: protobuf.Type,
  conversion: protobuf.IConversionOptions,
): (bytes: Buffer) => object {
  return (bytes) => type.toObject(type.decode(bytes), conversion);
}

/** Every service of `root` (resolved here), its messages decoded as `conversion` says. */
export function serviceDefinitions(
  root: protobuf.Root,
  conversion: protobuf.IConversionOptions,
): PackageDefinition {
  root.resolveAll();
  const definitions: PackageDefinition = {};
  const visit = (ns: protobuf.NamespaceBase) => {
    for (const nested of ns.nestedArray) {
      if (nested instanceof protobuf.Service) {
        const name = nested.fullName.slice(1);
        const methods: Record<string, grpc.MethodDefinition<object, object>> = {};
        for (const m of nested.methodsArray) {
          const request = m.resolvedRequestType!;
          const response = m.resolvedResponseType!;
          methods[m.name] = {
            path: `/${name}/${m.name}`,
            requestStream: !!m.requestStream,
            responseStream: !!m.responseStream,
            requestSerialize: serializer(request),
            requestDeserialize: deserializer(request, conversion),
            responseSerialize: serializer(response),
            responseDeserialize: deserializer(response, conversion),
            originalName: camelCase(m.name),
          };
        }
        definitions[name] = methods;
      } else if (nested instanceof protobuf.Namespace) visit(nested);
    }
  };
  visit(root);
  return definitions;
}
