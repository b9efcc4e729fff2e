/** A service's mesh path: `--mesh` on create and update, and what the API refuses with it. */
import test from 'ava';
import { isFlotillaError } from '../../../lib/errors.js';
import type { EndpointSpec } from '../../../proto/gen/flotilla/EndpointSpec.js';
import { endpointFromFlags, updateEndpoint } from '../../../cli/commands/service/flags/publish.js';
import { validateEndpoint } from '../../../manager/api/validate-ports.js';

test('--mesh on create: auto by default, kernel or userspace when asked, anything else refused', (t) => {
  t.is(endpointFromFlags({ publish: ['80'] }).endpoint?.mesh, 'MESH_AUTO');
  t.is(endpointFromFlags({ publish: ['80'], mesh: 'kernel' }).endpoint?.mesh, 'MESH_KERNEL');
  t.is(endpointFromFlags({ publish: ['80'], mesh: 'userspace' }).endpoint?.mesh, 'MESH_USERSPACE');
  const err = t.throws(() => endpointFromFlags({ publish: ['80'], mesh: 'ebpf' }));
  t.regex(err.message, /--mesh: expected auto, kernel or userspace, got "ebpf"/);
});

test('--mesh on update changes the path and keeps the rest; without it the path stays', (t) => {
  const current: EndpointSpec = {
    ports: [{ targetPort: 80, publishedPort: 8080, protocol: 'TCP', mode: 'INGRESS' }],
    lb: 'ROUND_ROBIN',
    proxyProtocol: false,
    mesh: 'MESH_KERNEL',
  };
  t.deepEqual(updateEndpoint(current, current.ports, { mesh: 'userspace' }).endpoint, {
    ...current,
    mesh: 'MESH_USERSPACE',
  });
  t.is(updateEndpoint(current, current.ports, { lb: 'round-robin' }).endpoint?.mesh, 'MESH_KERNEL');
});

test('the API refuses the kernel path with least-conn or the PROXY protocol, naming --mesh', (t) => {
  const spec = (over: Partial<EndpointSpec>): EndpointSpec => ({
    ports: [{ targetPort: 80, publishedPort: 0, protocol: 'TCP', mode: 'INGRESS' }],
    lb: 'ROUND_ROBIN',
    proxyProtocol: false,
    mesh: 'MESH_KERNEL',
    ...over,
  });
  t.notThrows(() => validateEndpoint(spec({})));
  t.notThrows(() => validateEndpoint(spec({ mesh: 'MESH_AUTO', lb: 'LEAST_CONN', proxyProtocol: true })));
  for (const over of [{ lb: 'LEAST_CONN' as const }, { proxyProtocol: true }]) {
    const err = t.throws(() => validateEndpoint(spec(over)));
    t.true(isFlotillaError(err, 'INVALID_ARGUMENT'));
    t.regex(err.message, /mesh path \(--mesh\).*(least-conn|--proxy-protocol)/);
  }
  const odd = t.throws(() => validateEndpoint(spec({ mesh: 'MESH_OTHER' as EndpointSpec['mesh'] })));
  t.regex(odd.message, /--mesh/);
});
