import test from 'ava';
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { followService } from '../../../cli/update-progress.js';
import type { ControlClient } from '../../../proto/gen/flotilla/Control.js';
import type { Service, Task } from '../../../proto/types.js';
import { makeNode, makeService, makeSpec, makeStatus, makeTask } from '../helpers.js';

/**
 * Follows `service` through a WatchService stream that sends one state and then ends, as a
 * manager going away would: the outcome if that state settles it, else the error of the end.
 */
async function followOne(service: Service, tasks: Task[], desiredTasks: number) {
  const stream = Object.assign(new EventEmitter(), { cancel: () => {} });
  const client = {
    getChannel: () => ({ getTarget: () => 'dns:manager:4242' }),
    WatchService: () => stream,
  } as unknown as ControlClient;
  let text = '';
  const out = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      text += chunk.toString();
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  const followed = followService(client, service, { out });
  stream.emit('data', { service, tasks, desiredTasks });
  stream.emit('end');
  try {
    return { outcome: await followed, text };
  } catch (err) {
    return { error: err as Error, text };
  }
}

test('a service of 0 replicas is converged at once', async (t) => {
  const res = await followOne(makeService(makeSpec({ name: 'none' }, 0)), [], 0);
  t.is(res.outcome, 'converged', res.error?.message);
  t.regex(res.text, /none: converged \(v1\)/);
});

test('a global service no node is eligible for is converged at once', async (t) => {
  const spec = makeSpec({ name: 'everywhere', mode: 'global', replicated: null, global: {} });
  t.is((await followOne(makeService(spec), [], 0)).outcome, 'converged');
});

test('a global service waits for the tasks it wants, before they are made and until they run', async (t) => {
  const service = makeService(makeSpec({ name: 'everywhere', mode: 'global', replicated: null, global: {} }));
  const before = await followOne(service, [], 1);
  t.regex(before.error?.message ?? '', /ended the watch of the service before it settled/);
  const starting = makeTask(service, { nodeId: makeNode().id, status: makeStatus('STARTING') });
  t.truthy((await followOne(service, [starting], 1)).error);
  const running = { ...starting, status: makeStatus('RUNNING') };
  t.is((await followOne(service, [running], 1)).outcome, 'converged');
});
