import test from 'ava';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { isFlotillaError } from '../../../lib/errors.js';
import { showParts } from '../../../lib/metrics.js';
// Defines the parts (the daemon's components import it themselves).
import '../../../lib/node-metrics.js';
import { DEFAULT_METRICS_PORT, metricsAddress, MetricsServer } from '../../../daemon/metrics-server.js';
import { declares } from './exposition.js';

function get(
  addr: string,
  path: string,
  method = 'GET',
): Promise<{ status: number; type: string; body: string }> {
  const [host, port] = [addr.slice(0, addr.lastIndexOf(':')), Number(addr.slice(addr.lastIndexOf(':') + 1))];
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, method }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'] ?? '', body }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

test('GET /metrics answers in the text format; other paths are not found, other methods not allowed', async (t) => {
  const server = await MetricsServer.start('127.0.0.1:0');
  const hide = showParts(['dispatcher']);
  t.teardown(async () => {
    hide();
    await server.close();
  });
  t.regex(server.addr, /^127\.0\.0\.1:\d+$/);
  const res = await get(server.addr, '/metrics');
  t.is(res.status, 200);
  t.regex(res.type, /^text\/plain; version=0\.0\.4/);
  t.true(declares(res.body, 'flotilla_dispatcher_sessions_open'));
  t.true(declares(res.body, 'flotilla_process_resident_memory_bytes'));
  t.is((await get(server.addr, '/metrics?x=1')).status, 200);
  t.is((await get(server.addr, '/')).status, 404);
  t.is((await get(server.addr, '/metricsx')).status, 404);
  t.is((await get(server.addr, '/metrics', 'POST')).status, 405);
});

test('a port already taken fails with UNAVAILABLE, naming the address', async (t) => {
  const holder = createServer();
  await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
  t.teardown(() => holder.close());
  const addr = `127.0.0.1:${(holder.address() as { port: number }).port}`;
  const err = await t.throwsAsync(MetricsServer.start(addr));
  t.true(isFlotillaError(err, 'UNAVAILABLE'));
  t.true(err!.message.includes(`cannot serve metrics on ${addr}`));
  t.regex(err!.message, /EADDRINUSE/);
});

test("by default on the advertised address's host at port 9323; set, or turned off with an empty address", (t) => {
  t.is(DEFAULT_METRICS_PORT, 9323);
  t.is(metricsAddress(undefined, '10.0.0.5:4240'), '10.0.0.5:9323');
  t.is(metricsAddress(undefined, '[fd00::5]:4240'), '[fd00::5]:9323');
  t.is(metricsAddress('0.0.0.0:9100', '10.0.0.5:4240'), '0.0.0.0:9100');
  t.is(metricsAddress('', '10.0.0.5:4240'), undefined);
});
