import test from 'ava';
import { connect, createServer, type Server, type Socket } from 'node:net';
import pino from 'pino';
import { silentLogger } from '../../../lib/log.js';
import type { EndpointChanges } from '../../../proto/gen/flotilla/EndpointChanges.js';
import type { ServiceEndpoints } from '../../../proto/gen/flotilla/ServiceEndpoints.js';
import type { LoadBalancing } from '../../../proto/gen/flotilla/LoadBalancing.js';
import { Balancer } from '../../../worker/mesh/balancer.js';
import { Mesh } from '../../../worker/mesh/mesh.js';
import { proxyHeaderV1 } from '../../../worker/mesh/proxy-protocol.js';
import { freePort } from '../../integration/cluster-harness.js';
import { eventually } from '../helpers.js';

/** A task: answers each connection with its name and what it was sent first. */
async function upstream(name: string): Promise<{ addr: string; server: Server; open: Set<Socket> }> {
  const open = new Set<Socket>();
  const server = createServer((s) => {
    open.add(s);
    s.on('close', () => open.delete(s));
    s.once('data', (d) => s.end(`${name} ${d.toString()}`));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { addr: `127.0.0.1:${(server.address() as { port: number }).port}`, server, open };
}

/** A service published on `port`, balancing over `addrs`. */
function service(
  id: string,
  port: number,
  addrs: string[],
  lb: LoadBalancing = 'ROUND_ROBIN',
  proxyProtocol = false,
): ServiceEndpoints {
  return {
    serviceId: id,
    serviceName: `web-${id}`,
    ports: [{ publishedPort: port, targetPort: 80, protocol: 'TCP', mode: 'INGRESS' }],
    lb,
    proxyProtocol,
    mesh: 'MESH_USERSPACE',
    tasks: addrs.map((addr, i) => ({
      taskId: `${id}.${i}`,
      nodeId: 'n',
      ports: [{ targetPort: 80, protocol: 'TCP', addr }],
      networkAddrs: {},
    })),
  };
}

/** A whole table (as a session's first message brings) with one published service. */
function table(
  port: number,
  addrs: string[],
  lb: LoadBalancing = 'ROUND_ROBIN',
  proxyProtocol = false,
): EndpointChanges {
  return { full: true, removedServiceIds: [], services: [service('s', port, addrs, lb, proxyProtocol)] };
}

const none: EndpointChanges = { full: true, services: [], removedServiceIds: [] };

function ask(port: number, text = 'hi', host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, host, () => s.write(text));
    let out = '';
    s.on('data', (d) => (out += d.toString()));
    s.on('end', () => resolve(out));
    s.on('error', reject);
  });
}

test('round-robin over the tasks; a task that refuses is skipped, and no connection fails', async (t) => {
  const [a, b] = await Promise.all([upstream('a'), upstream('b')]);
  const dead = `127.0.0.1:${await freePort()}`;
  const port = await freePort();
  const mesh = new Mesh(['127.0.0.1'], silentLogger());
  t.teardown(() => Promise.all([mesh.close(), a.server.close(), b.server.close()]));
  await mesh.apply(table(port, [a.addr, dead, b.addr]));
  t.deepEqual(mesh.listening(), [`${port}/tcp`]);
  const answers = [];
  for (let i = 0; i < 6; i++) answers.push(await ask(port));
  t.deepEqual(answers.sort(), ['a hi', 'a hi', 'a hi', 'b hi', 'b hi', 'b hi']);
  await mesh.apply(none);
  t.deepEqual(mesh.listening(), []);
});

test('least-conn sends new connections to the task with the fewest open', async (t) => {
  const [a, b] = await Promise.all([upstream('a'), upstream('b')]);
  const port = await freePort();
  const mesh = new Mesh(['127.0.0.1'], silentLogger());
  t.teardown(() => Promise.all([mesh.close(), a.server.close(), b.server.close()]));
  await mesh.apply(table(port, [a.addr, b.addr], 'LEAST_CONN'));
  // Two connections held open (nothing sent, so the tasks keep them), one on each task...
  const held = [connect(port, '127.0.0.1'), connect(port, '127.0.0.1')];
  t.teardown(() => held.forEach((s) => s.destroy()));
  await eventually(() => a.open.size + b.open.size === 2);
  // ...then a third on a; the next ones go to b until they are even.
  held.push(connect(port, '127.0.0.1'));
  await eventually(() => a.open.size + b.open.size === 3);
  const fuller = a.open.size === 2 ? 'a' : 'b';
  t.not(await ask(port), `${fuller} hi`);
});

test('the PROXY v1 header names the client and the published address', async (t) => {
  const a = await upstream('a');
  const port = await freePort();
  const mesh = new Mesh(['127.0.0.1'], silentLogger());
  t.teardown(() => Promise.all([mesh.close(), a.server.close()]));
  await mesh.apply(table(port, [a.addr], 'ROUND_ROBIN', true));
  t.regex(
    await ask(port, ''),
    new RegExp(`^a PROXY TCP4 127\\.0\\.0\\.1 127\\.0\\.0\\.1 \\d+ ${port}\\r\\n$`),
  );
  t.is(proxyHeaderV1({}), 'PROXY UNKNOWN\r\n');
});

test("the mesh runs in its own thread: its log records reach the daemon's logger, and close ends the thread", async (t) => {
  const taken = createServer();
  await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
  const port = (taken.address() as { port: number }).port;
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) }).child({
    room: 'mesh',
  });
  const mesh = new Mesh(['127.0.0.1'], log);
  t.teardown(() => Promise.all([mesh.close(), new Promise((r) => taken.close(r))]));
  await mesh.apply(table(port, ['127.0.0.1:1']));
  t.deepEqual(mesh.listening(), []);
  const warning = lines.find((l) => String(l.msg).startsWith('the mesh cannot listen'));
  t.like(warning, { level: 40, room: 'mesh', port: `${port}/tcp`, service: 'web-s' });
  await mesh.close();
  await t.notThrowsAsync(mesh.apply(table(port, [])), 'a closed mesh takes no more tables');
});

test('one mesh serves the published ports on each of its addresses; listening() reports the first', async (t) => {
  const a = await upstream('a');
  const port = await freePort();
  // Both addresses are loopback: the mesh of a node that also serves a container bridge.
  const mesh = new Mesh(['127.0.0.1', '127.0.0.2'], silentLogger());
  t.teardown(() => Promise.all([mesh.close(), a.server.close()]));
  await mesh.apply(table(port, [a.addr]));
  t.deepEqual(mesh.listening(), [`${port}/tcp`]);
  t.is(await ask(port, 'one', '127.0.0.1'), 'a one');
  t.is(await ask(port, 'two', '127.0.0.2'), 'a two');
  await mesh.apply(none);
  t.deepEqual(mesh.listening(), []);
  await t.throwsAsync(ask(port, 'gone', '127.0.0.2'), { code: 'ECONNREFUSED' });
});

test('a mesh thread that dies starts again with the last table; one that keeps dying does not hold up close', async (t) => {
  const a = await upstream('a');
  const port = await freePort();
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  const standIn = new URL('../../fixtures/mesh-thread-crash.js', import.meta.url);
  const mesh = new Mesh(['127.0.0.1'], log, standIn);
  t.teardown(() => Promise.all([mesh.close(), a.server.close()]));
  const restarts = () => lines.filter((l) => l.msg === 'the mesh thread failed; starting it again');
  const kill: EndpointChanges = {
    ...table(port, [a.addr]),
    services: [{ ...table(port, [a.addr]).services[0]!, serviceName: 'kill-the-thread' }],
  };

  // The thread dies on the first table; the second, sent meanwhile, is the one it starts again with.
  const killed = mesh.apply(kill);
  const next = mesh.apply(table(port, [a.addr]));
  await Promise.all([killed, next]);
  t.is(restarts().length, 1);
  t.is(await ask(port), 'a hi');

  // A table that kills every thread: each start comes after a longer pause, and close() returns.
  void mesh.apply(kill);
  await eventually(() => restarts().length >= 3);
  t.deepEqual(
    restarts().map((l) => l.restartMs),
    [100, 100, 200],
  );
  await mesh.close();
});

test('the mesh follows changes, not only whole tables: a service changed moves, one removed stops, the rest stay', async (t) => {
  const [a, b] = await Promise.all([upstream('a'), upstream('b')]);
  const [p1, p2, p3] = [await freePort(), await freePort(), await freePort()];
  const mesh = new Mesh(['127.0.0.1'], silentLogger());
  t.teardown(() => Promise.all([mesh.close(), a.server.close(), b.server.close()]));
  const services = [service('x', p1, [a.addr]), service('y', p2, [a.addr]), service('z', p3, [a.addr])];
  await mesh.apply({ full: true, services, removedServiceIds: [] });
  await mesh.apply({ full: false, services: [service('x', p1, [b.addr])], removedServiceIds: ['y'] });
  t.deepEqual(mesh.listening().sort(), [`${p1}/tcp`, `${p3}/tcp`].sort());
  t.is(await ask(p1), 'b hi');
  t.is(await ask(p3), 'a hi');
  await t.throwsAsync(ask(p2), { code: 'ECONNREFUSED' });
});

test('bytes pass whole both ways while a slow client holds the task back, and each end passes through', async (t) => {
  // A pattern no two reads share, so bytes out of place (a read buffer reused too soon) show.
  const payload = Buffer.alloc(16 * 1024 * 1024);
  for (let i = 0; i < payload.length; i += 4) payload.writeUInt32LE(i, i);
  let heard = 0;
  // The task: counts what the client sends until the client's end, then sends the payload and ends.
  const task = createServer({ allowHalfOpen: true }, (s) => {
    s.on('data', (d: Buffer) => (heard += d.length));
    s.on('end', () => s.end(payload));
  });
  await new Promise<void>((r) => task.listen(0, '127.0.0.1', r));
  const port = await freePort();
  const mesh = new Mesh(['127.0.0.1'], silentLogger());
  t.teardown(() => Promise.all([mesh.close(), task.close()]));
  await mesh.apply(table(port, [`127.0.0.1:${(task.address() as { port: number }).port}`]));

  const client = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  const chunks: Buffer[] = [];
  const ended = new Promise<void>((resolve, reject) => {
    client.on('end', resolve);
    client.on('error', reject);
  });
  client.end(Buffer.alloc(100_000, 7));
  // Not read for a while: the kernel's buffers fill and the proxy must wait for the client.
  client.pause();
  await new Promise((r) => setTimeout(r, 300));
  client.on('data', (d: Buffer) => chunks.push(d));
  client.resume();
  await ended;
  t.is(heard, 100_000, "the client's bytes and then its end reached the task");
  const got = Buffer.concat(chunks);
  t.is(got.length, payload.length);
  t.true(got.equals(payload), 'the bytes came in order, none changed');
  client.destroy();
});

test("a task that resets its connection closes the client's", async (t) => {
  const task = createServer((s) => s.once('data', () => s.resetAndDestroy()));
  await new Promise<void>((r) => task.listen(0, '127.0.0.1', r));
  const port = await freePort();
  const mesh = new Mesh(['127.0.0.1'], silentLogger());
  t.teardown(() => Promise.all([mesh.close(), task.close()]));
  await mesh.apply(table(port, [`127.0.0.1:${(task.address() as { port: number }).port}`]));
  const client = connect(port, '127.0.0.1', () => client.write('hi'));
  client.on('error', () => undefined);
  await new Promise((r) => client.once('close', r));
  t.pass();
});

test('balancer: round-robin skips what was tried; least-conn counts what is open', (t) => {
  const rr = new Balancer();
  rr.set(['x', 'y', 'z'], 'ROUND_ROBIN');
  t.deepEqual([rr.pick(), rr.pick(), rr.pick(), rr.pick()], ['x', 'y', 'z', 'x']);
  t.is(rr.pick(new Set(['y', 'z'])), 'x');
  t.is(rr.pick(new Set(['x', 'y', 'z'])), undefined);
  const lc = new Balancer();
  lc.set(['x', 'y'], 'LEAST_CONN');
  lc.acquire('x');
  t.is(lc.pick(), 'y');
  lc.acquire('y');
  lc.acquire('y');
  t.is(lc.pick(), 'x');
  lc.set(['y'], 'LEAST_CONN');
  t.is(lc.pick(), 'y');
});
