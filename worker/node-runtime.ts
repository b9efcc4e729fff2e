/**
 * The node-local NodeRuntime service (proto/flotilla/node.proto), served by every daemon at the
 * node's address: images in the node's container runtime, its named volumes, and the logs,
 * exec and container state of the tasks on this node, found by the task label their
 * containers carry.
 */
import * as grpc from '@grpc/grpc-js';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import type { Logger } from '../lib/log.js';
import { FlotillaError, invalidArgument } from '../lib/errors.js';
import { formatBytes } from '../lib/sizes.js';
import type { ImageArchiveChunk } from '../proto/gen/flotilla/ImageArchiveChunk.js';
import type { LoadImageResponse } from '../proto/gen/flotilla/LoadImageResponse.js';
import type { TaskLogsRequest } from '../proto/gen/flotilla/TaskLogsRequest.js';
import type { TaskLogLineInput } from '../proto/gen/flotilla/TaskLogLine.js';
import type { TaskContainerInput } from '../proto/gen/flotilla/TaskContainer.js';
import type { ExecInTaskRequest } from '../proto/gen/flotilla/ExecInTaskRequest.js';
import type { NodeRuntimeHandlers } from '../proto/gen/flotilla/NodeRuntime.js';
import { failStream, toServiceError, unary } from '../proto/rpc.js';
import type { ContainerSummary, ImageOps, RuntimeDriver } from '../runtime/driver.js';
import { LABEL_TASK } from './task-runner.js';
import type { Volume, VolumeStore } from './volumes.js';

export interface NodeRuntimeOptions {
  drivers: RuntimeDriver[];
  /** Where uploaded archives wait while they are loaded (under the data dir). */
  uploads: string;
  /** The largest archive taken (`--max-image-size`); default 2 GiB. */
  maxImageBytes?: number;
  volumes: VolumeStore;
  log: Logger;
}

const DEFAULT_MAX_IMAGE_BYTES = 2 * 2 ** 30;

export function nodeRuntimeService({
  drivers,
  uploads,
  maxImageBytes = DEFAULT_MAX_IMAGE_BYTES,
  volumes,
  log,
}: NodeRuntimeOptions): NodeRuntimeHandlers {
  const images = (): ImageOps => {
    const ops = drivers.find((d) => d.images)?.images;
    if (!ops) {
      throw new FlotillaError(
        'UNAVAILABLE',
        'this node has no container runtime for images (start containerd, or join with --containerd-socket)',
      );
    }
    return ops;
  };

  /** The newest container of the task on this node, and its driver. */
  const containerOf = async (
    taskId: string,
  ): Promise<{ driver: RuntimeDriver; container: ContainerSummary }> => {
    if (!taskId) throw invalidArgument('task_id', 'a task id');
    for (const driver of drivers) {
      const found = await driver.list({ [LABEL_TASK]: taskId });
      const container = found.at(-1);
      if (container) return { driver, container };
    }
    throw new FlotillaError('NOT_FOUND', `task ${taskId} has no container on this node (any more)`);
  };

  return {
    LoadImage(call: grpc.ServerReadableStream<ImageArchiveChunk, LoadImageResponse>, done) {
      const path = join(uploads, `upload-${randomBytes(6).toString('hex')}.tar`);
      let received = 0;
      // Past the limit the upload fails, before the disk fills up; its file is removed below.
      const unwrap = new Transform({
        readableObjectMode: false,
        writableObjectMode: true,
        transform: (chunk: ImageArchiveChunk, _enc, next) => {
          received += chunk.data.length;
          if (received > maxImageBytes) next(imageTooLarge(maxImageBytes));
          else next(null, chunk.data);
        },
      });
      (async () => {
        const ops = images();
        await mkdir(uploads, { recursive: true });
        try {
          await pipeline(call, unwrap, createWriteStream(path, { mode: 0o600 }));
          const loaded = await ops.load(path);
          log.info({ images: loaded }, 'images loaded');
          return { images: loaded };
        } finally {
          await rm(path, { force: true });
        }
      })().then(
        (res) => done(null, res),
        (err: unknown) => done(toServiceError(err)),
      );
    },

    ListImages: unary(async () => ({
      images: (await images().list()).map((i) => ({ ...i, createdAtMs: i.createdAt })),
    })),

    RemoveImage: unary(async (req: { name: string }) => {
      await images().remove(req.name);
      return {};
    }),

    ListVolumes: unary(async (req: { name: string }) => ({
      volumes: (req.name ? [await volumes.inspect(req.name)] : await volumes.list()).map((v: Volume) => ({
        ...v,
        createdAtMs: v.createdAt,
      })),
    })),

    RemoveVolume: unary(async (req: { name: string }) => {
      await volumes.remove(req.name);
      log.info({ volume: req.name }, 'volume removed');
      return {};
    }),

    TaskLogs(stream: grpc.ServerWritableStream<TaskLogsRequest, TaskLogLineInput>) {
      const abort = new AbortController();
      stream.on('cancelled', () => abort.abort());
      const { taskId, follow, tail, sinceMs } = stream.request;
      (async () => {
        const { driver, container } = await containerOf(taskId);
        const opts = {
          follow,
          signal: abort.signal,
          ...(tail >= 0 && { tail }),
          ...(sinceMs > 0 && { since: sinceMs }),
        };
        for await (const line of driver.logs(container.id, opts)) {
          // A line without a time (output a driver wrote before it kept times) is dated as read.
          const ok = stream.write({ stream: line.stream, line: line.line, timeMs: line.time ?? Date.now() });
          if (!ok) await new Promise((r) => stream.once('drain', r));
          if (abort.signal.aborted) break;
        }
        stream.end();
      })().catch((err: unknown) => failStream(stream, err));
    },

    ExecInTask: unary(async (req: ExecInTaskRequest) => {
      if (req.cmd.length === 0) throw invalidArgument('cmd', 'a command to run');
      const { driver, container } = await containerOf(req.taskId);
      return driver.exec(container.id, req.cmd);
    }),

    InspectTaskContainer: unary(async (req: { taskId: string }): Promise<TaskContainerInput> => {
      const { driver, container } = await containerOf(req.taskId);
      const stats = await driver.stats(container.id).catch(() => ({ cpuSeconds: 0, memoryBytes: 0 }));
      return {
        runtime: driver.name,
        id: container.id,
        image: container.image,
        state: container.state,
        pid: container.pid ?? 0,
        createdAtMs: container.createdAt,
        startedAtMs: container.startedAt ?? 0,
        exited: container.exit !== undefined,
        exitCode: container.exit?.exitCode ?? 0,
        exitSignal: container.exit?.signal ?? '',
        finishedAtMs: container.exit?.finishedAt ?? 0,
        cpuSeconds: stats.cpuSeconds,
        memoryBytes: stats.memoryBytes,
        labels: container.labels,
      };
    }),
  };
}

function imageTooLarge(limit: number): FlotillaError {
  return new FlotillaError(
    'INVALID_ARGUMENT',
    `the image archive is larger than ${formatBytes(limit)}, this node's limit (--max-image-size)`,
  );
}
