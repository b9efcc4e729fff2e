import test from 'ava';
import { createServer } from 'node:net';
import type { PortConfig } from '../../../proto/gen/flotilla/PortConfig.js';
import { pickTaskPorts, portEnv, reportedPorts, serviceAddrEnv } from '../../../worker/task-ports.js';

const port = (
  targetPort: number,
  protocol: PortConfig['protocol'],
  mode: PortConfig['mode'] = 'INGRESS',
  publishedPort = 8080,
): PortConfig => ({
  targetPort,
  publishedPort,
  protocol,
  mode,
});

test('one free port of the node per target, for TCP and UDP alike; host mode takes the published port', async (t) => {
  const ports = await pickTaskPorts('127.0.0.1', [
    port(80, 'TCP'),
    port(80, 'UDP', 'INGRESS', 8081),
    port(443, 'TCP', 'HOST', 9443),
  ]);
  t.is(ports.length, 3);
  const [tcp, udp, host] = ports;
  t.is(tcp?.addr, udp?.addr, 'TCP and UDP of a target share the port');
  t.regex(tcp?.addr ?? '', /^127\.0\.0\.1:\d+$/);
  t.deepEqual(host, { targetPort: 443, protocol: 'TCP', addr: '127.0.0.1:9443' });
  // The port is free: the task can listen on it.
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(tcp?.addr.split(':')[1]), '127.0.0.1', resolve);
  });
  server.close();
  t.deepEqual(portEnv(ports), {
    PORT: tcp?.addr.split(':')[1],
    FLOTILLA_TASK_ADDR: tcp?.addr,
    PORT_80: tcp?.addr.split(':')[1],
    PORT_443: '9443',
  });
});

test('the service address is the node and the first ingress port; runtimes may report their own addresses', (t) => {
  t.deepEqual(serviceAddrEnv('10.0.0.5', [port(443, 'TCP', 'HOST', 9443), port(80, 'TCP')]), {
    FLOTILLA_SERVICE_ADDR: '10.0.0.5:8080',
  });
  t.deepEqual(serviceAddrEnv('10.0.0.5', [port(443, 'TCP', 'HOST')]), {});
  t.deepEqual(reportedPorts({ 80: '10.88.0.7:80' }, [port(80, 'TCP'), port(81, 'TCP')]), [
    { targetPort: 80, protocol: 'TCP', addr: '10.88.0.7:80' },
  ]);
});
