import test from 'ava';
import {
  endpointFromFlags,
  parsePublish,
  updateEndpoint,
} from '../../../cli/commands/service/flags/publish.js';

test('--publish short and long forms', (t) => {
  t.deepEqual(parsePublish('8080:80'), {
    publishedPort: 8080,
    targetPort: 80,
    protocol: 'TCP',
    mode: 'INGRESS',
  });
  t.deepEqual(parsePublish('80'), { publishedPort: 0, targetPort: 80, protocol: 'TCP', mode: 'INGRESS' });
  t.deepEqual(parsePublish('53:53/udp'), {
    publishedPort: 53,
    targetPort: 53,
    protocol: 'UDP',
    mode: 'INGRESS',
  });
  t.deepEqual(parsePublish('published=8080,target=80,protocol=udp,mode=host'), {
    publishedPort: 8080,
    targetPort: 80,
    protocol: 'UDP',
    mode: 'HOST',
  });
});

test('bad --publish values name the flag and the form expected', (t) => {
  t.throws(() => parsePublish('80:'), { message: /invalid --publish: expected \[PUBLISHED:\]TARGET/ });
  t.throws(() => parsePublish('8080:80/sctp'), { message: /invalid --publish: expected tcp or udp/ });
  t.throws(() => parsePublish('target=80,mode=bridge'), { message: /invalid --publish mode/ });
  t.throws(() => parsePublish('published=8080'), { message: /invalid --publish target/ });
  t.throws(() => endpointFromFlags({ publish: ['80'], lb: 'random' }), { message: /invalid --lb/ });
});

test('no --publish: no endpoint', (t) => {
  t.deepEqual(endpointFromFlags({ publish: [] }), {});
  t.is(endpointFromFlags({ publish: ['80'], lb: 'least-conn' }).endpoint?.lb, 'LEAST_CONN');
});

test('--publish-rm by published port, by an allocated port, and --publish-add', (t) => {
  const current = endpointFromFlags({ publish: ['8080:80', '81'] }).endpoint;
  const allocated = [parsePublish('8080:80'), parsePublish('30000:81')];
  const out = updateEndpoint(current, allocated, { publishRm: ['30000'], publishAdd: ['9090:90/udp'] });
  t.deepEqual(
    out.endpoint?.ports.map((p) => [p.publishedPort, p.targetPort, p.protocol]),
    [
      [8080, 80, 'TCP'],
      [9090, 90, 'UDP'],
    ],
  );
  t.throws(() => updateEndpoint(current, allocated, { publishRm: ['1234'] }), {
    message:
      /invalid --publish-rm: expected a port the service publishes \(\*:8080->80\/tcp, \*:30000->81\/tcp\)/,
  });
});
