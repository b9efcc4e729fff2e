// Original file: proto/flotilla/types.proto

import type { HealthCheckInput as _flotilla_HealthCheckInput, HealthCheck as _flotilla_HealthCheck } from '../flotilla/HealthCheck.js';
import type { MountInput as _flotilla_MountInput, Mount as _flotilla_Mount } from '../flotilla/Mount.js';
import type { FileReferenceInput as _flotilla_FileReferenceInput, FileReference as _flotilla_FileReference } from '../flotilla/FileReference.js';
import type { Long } from '@grpc/proto-loader';

export interface ContainerSpecInput {
  /**
   * "host" runs the command as a plain process on the node.
   */
  'image'?: (string);
  /**
   * Entrypoint override; empty keeps the image's.
   */
  'command'?: (string)[];
  'args'?: (string)[];
  /**
   * KEY=VALUE, as Docker.
   */
  'env'?: (string)[];
  'dir'?: (string);
  'labels'?: ({[key: string]: string});
  'stopSignal'?: (string);
  'stopGracePeriodMs'?: (number | string | Long);
  'user'?: (string);
  'hostname'?: (string);
  /**
   * Run by the worker in the task's context; a task that has one is RUNNING only once healthy.
   */
  'healthcheck'?: (_flotilla_HealthCheckInput | null);
  /**
   * Container runtimes only: host directories or tmpfs mounted into the container.
   */
  'mounts'?: (_flotilla_MountInput)[];
  /**
   * Container runtimes only: the root filesystem read-only.
   */
  'readOnly'?: (boolean);
  /**
   * Capabilities on top of the runtime's default set, and taken from it (NET_ADMIN, ALL).
   */
  'capAdd'?: (string)[];
  'capDrop'?: (string)[];
  /**
   * Registry credentials for pulling the image (`--with-registry-auth`): base64 of
   * {"username","password"} JSON, as a caller sends them. The API keeps them as a secret of
   * the cluster (`registry_auth_secret`) and stores the spec without them.
   */
  'registryAuth'?: (string);
  /**
   * Container runtimes only: share the node's network rather than a network of its own on
   * the node bridge (`--network host`).
   */
  'hostNetwork'?: (boolean);
  /**
   * Secrets and configs the task receives, each as a file on a tmpfs (and, when asked, in
   * an environment variable). The values travel with the task's assignment, never in the spec.
   */
  'secrets'?: (_flotilla_FileReferenceInput)[];
  'configs'?: (_flotilla_FileReferenceInput)[];
  /**
   * The id of the secret that holds the registry credentials; its value goes only with the
   * tasks that pull.
   */
  'registryAuthSecret'?: (string);
}

export interface ContainerSpec {
  /**
   * "host" runs the command as a plain process on the node.
   */
  'image': (string);
  /**
   * Entrypoint override; empty keeps the image's.
   */
  'command': (string)[];
  'args': (string)[];
  /**
   * KEY=VALUE, as Docker.
   */
  'env': (string)[];
  'dir': (string);
  'labels': ({[key: string]: string});
  'stopSignal': (string);
  'stopGracePeriodMs': (number);
  'user': (string);
  'hostname': (string);
  /**
   * Run by the worker in the task's context; a task that has one is RUNNING only once healthy.
   */
  'healthcheck': (_flotilla_HealthCheck | null);
  /**
   * Container runtimes only: host directories or tmpfs mounted into the container.
   */
  'mounts': (_flotilla_Mount)[];
  /**
   * Container runtimes only: the root filesystem read-only.
   */
  'readOnly': (boolean);
  /**
   * Capabilities on top of the runtime's default set, and taken from it (NET_ADMIN, ALL).
   */
  'capAdd': (string)[];
  'capDrop': (string)[];
  /**
   * Registry credentials for pulling the image (`--with-registry-auth`): base64 of
   * {"username","password"} JSON, as a caller sends them. The API keeps them as a secret of
   * the cluster (`registry_auth_secret`) and stores the spec without them.
   */
  'registryAuth': (string);
  /**
   * Container runtimes only: share the node's network rather than a network of its own on
   * the node bridge (`--network host`).
   */
  'hostNetwork': (boolean);
  /**
   * Secrets and configs the task receives, each as a file on a tmpfs (and, when asked, in
   * an environment variable). The values travel with the task's assignment, never in the spec.
   */
  'secrets': (_flotilla_FileReference)[];
  'configs': (_flotilla_FileReference)[];
  /**
   * The id of the secret that holds the registry credentials; its value goes only with the
   * tasks that pull.
   */
  'registryAuthSecret': (string);
}
