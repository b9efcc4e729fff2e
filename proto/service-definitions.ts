/**
 * gRPC's definitions of the services in a parsed tree of .proto files, for
 * grpc.loadPackageDefinition. Built from the tree itself rather than by @grpc/proto-loader,
 * which parses a second copy of the tree and adds to every method a descriptor of its
 * messages (for server reflection, which no node serves): memory every daemon would hold.
 * The methods encode and decode as proto-loader's do, but for the stored nodes and services,
 * whose encoding is kept (KEPT_ENCODINGS).
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

/**
 * Message types whose encoding is kept for each stored object of them. The store's objects are
 * frozen, so one encodes alike for its lifetime, and listings send the same ones again and
 * again: a page of 1,000 nodes took 50-90 ms of the leader's event loop to encode, each time
 * (`node ls` while a big rollout ran). Only types with few objects: a task's encoding kept
 * per task would hold tens of MiB at 100,000 tasks.
 */
const KEPT_ENCODINGS = new Set(['.flotilla.Node', '.flotilla.Service']);

/** Writes a value as the length-delimited field `tag` of the message being written. */
type FieldWriter = (value: object, writer: protobuf.Writer, tag: number) => void;

/** Writes a message's fields (no length): its kept sub-messages as kept, the rest by protobufjs. */
type BodyWriter = (value: Record<string, unknown>, writer: protobuf.Writer) => protobuf.Writer;

/**
 * How to write a message of `type`, and, when it is or holds (at any depth) a message of a
 * kept type, as a field (`field` undefined: nothing kept below, protobufjs alone writes it).
 */
interface Plan {
  body: BodyWriter;
  field?: FieldWriter;
}

function planOf(type: protobuf.Type, plans: Map<protobuf.Type, Plan>): Plan {
  const known = plans.get(type);
  if (known) return known;
  const plain: BodyWriter = (value, writer) => type.encode(type.fromObject(value), writer);
  const plan: Plan = { body: plain };
  // Set before the fields are planned: a type that holds itself is written plainly there.
  plans.set(type, plan);
  const inner = type.fieldsArray.flatMap((f) => {
    const element = f.map ? undefined : f.resolve().resolvedType;
    const write = element instanceof protobuf.Type ? planOf(element, plans).field : undefined;
    return write ? [{ name: f.name, tag: (f.id << 3) | 2, repeated: f.repeated, write }] : [];
  });
  if (inner.length > 0) {
    plan.body = (value, writer) => {
      const head = { ...value };
      for (const f of inner) delete head[f.name];
      plain(head, writer);
      for (const f of inner) {
        const v = value[f.name];
        const items = f.repeated ? ((v ?? []) as object[]) : v == null ? [] : [v as object];
        for (const item of items) f.write(item, writer, f.tag);
      }
      return writer;
    };
  }
  const body = plan.body;
  const delimited: FieldWriter = (value, writer, tag) =>
    body(value as Record<string, unknown>, writer.uint32(tag).fork()).ldelim();
  if (KEPT_ENCODINGS.has(type.fullName)) {
    const kept = new WeakMap<object, Uint8Array>();
    plan.field = (value, writer, tag) => {
      if (!Object.isFrozen(value)) return void delimited(value, writer, tag);
      let bytes = kept.get(value);
      if (!bytes)
        kept.set(value, (bytes = body(value as Record<string, unknown>, protobuf.Writer.create()).finish()));
      writer.uint32(tag).bytes(bytes);
    };
  } else if (inner.length > 0) plan.field = delimited;
  return plan;
}

function serializer(type: protobuf.Type, plans: Map<protobuf.Type, Plan>): (value: object) => Buffer {
  return (value) => {
    if (Array.isArray(value)) {
      throw new Error(
        `Failed to serialize message: expected object with ${type.name} structure, got array instead`,
      );
    }
    // protobufjs's writer makes a Buffer under Node.
    return planOf(type, plans)
      .body(value as Record<string, unknown>, protobuf.Writer.create())
      .finish() as Buffer;
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
  const plans = new Map<protobuf.Type, Plan>();
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
            requestSerialize: serializer(request, plans),
            requestDeserialize: deserializer(request, conversion),
            responseSerialize: serializer(response, plans),
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
