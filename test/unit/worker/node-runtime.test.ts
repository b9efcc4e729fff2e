import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import * as grpc from '@grpc/grpc-js';
import { isFlotillaError } from '../../../lib/errors.js';
import { silentLogger } from '../../../lib/log.js';
import type { NodeRuntimeClient } from '../../../proto/gen/flotilla/NodeRuntime.js';
import { wire } from '../../../proto/load.js';
import { fromServiceError } from '../../../proto/rpc.js';
import type { RuntimeDriver } from '../../../runtime/driver.js';
import { nodeRuntimeService } from '../../../worker/node-runtime.js';
import { VolumeStore } from '../../../worker/volumes.js';

/** A node service, on a unix socket, whose runtime loads archives by noting their size and mode; its client. */
async function serve(t: ExecutionContext, maxImageBytes: number) {
  const dir = await mkdtemp(join(tmpdir(), 'flotilla-node-runtime-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const uploads = join(dir, 'uploads');
  await mkdir(uploads);
  const loads: { size: number; mode: number }[] = [];
  const driver = {
    name: 'fake',
    images: {
      load: async (path: string) => {
        const { size, mode } = await stat(path);
        loads.push({ size, mode: mode & 0o777 });
        return ['example/image:1'];
      },
    },
  } as unknown as RuntimeDriver;
  const server = new grpc.Server();
  server.addService(
    wire.flotilla.NodeRuntime.service,
    nodeRuntimeService({
      drivers: [driver],
      uploads,
      maxImageBytes,
      volumes: new VolumeStore('/nonexistent/volumes', () => Promise.resolve(new Map())),
      log: silentLogger(),
    }) as grpc.UntypedServiceImplementation,
  );
  const socket = `unix:${join(dir, 'agent.sock')}`;
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(socket, grpc.ServerCredentials.createInsecure(), (err) =>
      err ? reject(err) : resolve(),
    ),
  );
  t.teardown(() => server.forceShutdown());
  const client: NodeRuntimeClient = new wire.flotilla.NodeRuntime(socket, grpc.credentials.createInsecure());
  t.teardown(() => client.close());
  return { client, loads, uploads };
}

/** Sends `chunks` chunks of `bytes` bytes each as an image archive. */
function upload(client: NodeRuntimeClient, chunks: number, bytes: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const call = client.LoadImage((err, res) => {
      if (err) reject(fromServiceError(err, 'node'));
      else resolve(res?.images ?? []);
    });
    for (let i = 0; i < chunks; i++) call.write({ data: Buffer.alloc(bytes, i) });
    call.end();
  });
}

test('an archive up to the limit is loaded from a file only the node can read, removed afterwards', async (t) => {
  const { client, loads, uploads } = await serve(t, 64 * 1024);
  t.deepEqual(await upload(client, 4, 16 * 1024), ['example/image:1']);
  t.deepEqual(loads, [{ size: 64 * 1024, mode: 0o600 }]);
  t.deepEqual(await readdir(uploads), []);
});

test('past the limit the upload stops: INVALID_ARGUMENT naming the limit, nothing loaded, no file left', async (t) => {
  const { client, loads, uploads } = await serve(t, 64 * 1024);
  const err = await t.throwsAsync(upload(client, 5, 16 * 1024));
  t.true(isFlotillaError(err, 'INVALID_ARGUMENT'), String(err));
  t.is(err?.message, "the image archive is larger than 64 KiB, this node's limit (--max-image-size)");
  t.deepEqual(loads, []);
  t.deepEqual(await readdir(uploads), []);
});

test('a first chunk already past the limit is refused alike', async (t) => {
  const { client, uploads } = await serve(t, 1024);
  await t.throwsAsync(upload(client, 1, 4096), { message: /larger than 1 KiB/ });
  t.deepEqual(await readdir(uploads), []);
});
