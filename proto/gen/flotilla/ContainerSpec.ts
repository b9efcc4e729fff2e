// Original file: proto/flotilla/types.proto

import type { HealthCheckInput as _flotilla_HealthCheckInput, HealthCheck as _flotilla_HealthCheck } from '../flotilla/HealthCheck.js';
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
}
