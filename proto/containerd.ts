/**
 * Loads the subset of containerd's API in proto/containerd (containerd's packages and field
 * numbers, our files) for the containerd runtime driver. Decoded messages look like those of
 * load.ts: camelCase fields, enums as strings, 64-bit integers as numbers, defaults filled in.
 */
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { serviceDefinitions } from './service-definitions.js';

// From dist/proto/ or proto/ alike: the .proto files stay in the source tree.
const protoRoot = fileURLToPath(
  new URL(import.meta.url.includes('/dist/') ? '../../proto' : '.', import.meta.url),
);
const files = (readdirSync(`${protoRoot}/containerd`, { recursive: true }) as string[])
  .filter((f) => f.endsWith('.proto'))
  .map((f) => `containerd/${f}`);

const root = new protobuf.Root();
root.resolvePath = (_origin, target) => `${protoRoot}/${target}`;
root.loadSync(files, { keepCase: false });

type ServiceCtor = grpc.ServiceClientConstructor;
const services = grpc.loadPackageDefinition(
  serviceDefinitions(root, { longs: Number, enums: String, defaults: true, oneofs: true }),
) as unknown as {
  containerd: {
    services: Record<
      'containers' | 'tasks' | 'snapshots' | 'content' | 'images' | 'diff' | 'leases',
      { v1: Record<string, ServiceCtor> }
    >;
  };
};

const v1 = (name: keyof typeof services.containerd.services, service: string): ServiceCtor => {
  const ctor = services.containerd.services[name].v1[service];
  if (!ctor) throw new Error(`proto/containerd lacks the ${name} service ${service}`);
  return ctor;
};

/** The gRPC client constructors of the containerd services the driver uses. */
export const containerdServices = {
  containers: v1('containers', 'Containers'),
  tasks: v1('tasks', 'Tasks'),
  snapshots: v1('snapshots', 'Snapshots'),
  content: v1('content', 'Content'),
  images: v1('images', 'Images'),
  diff: v1('diff', 'Diff'),
  leases: v1('leases', 'Leases'),
};

/** A google.protobuf.Any holding JSON, as containerd keeps OCI specs. */
export interface JsonAny {
  typeUrl: string;
  value: Buffer;
}
