import test from 'ava';
import type { EndpointChanges } from '../../../proto/gen/flotilla/EndpointChanges.js';
import type { EndpointTable } from '../../../proto/gen/flotilla/EndpointTable.js';
import type { ServiceEndpoints } from '../../../proto/gen/flotilla/ServiceEndpoints.js';
import { EndpointView } from '../../../worker/endpoint-view.js';

const service = (serviceId: string, serviceName: string, tasks = 0): ServiceEndpoints => ({
  serviceId,
  serviceName,
  ports: [],
  lb: 'ROUND_ROBIN',
  proxyProtocol: false,
  mesh: 'MESH_AUTO',
  tasks: Array.from({ length: tasks }, (_, i) => ({
    taskId: `${serviceId}.${i}`,
    nodeId: 'n',
    ports: [],
    networkAddrs: {},
  })),
});
const names = (table: EndpointTable) => table.services.map((s) => `${s.serviceName}:${s.tasks.length}`);
/** The table after `changes`. */
const after = (view: EndpointView, changes: EndpointChanges) => {
  view.apply(changes);
  return view.table();
};

test('changes update the table; a full table (a new session) replaces everything known', (t) => {
  const view = new EndpointView();
  const removedServiceIds: string[] = [];
  t.deepEqual(
    names(
      after(view, { full: true, services: [service('b', 'web', 2), service('a', 'api')], removedServiceIds }),
    ),
    ['api:0', 'web:2'],
  );
  t.deepEqual(
    names(after(view, { full: false, services: [service('b', 'web', 1)], removedServiceIds: ['a'] })),
    ['web:1'],
  );
  t.deepEqual(names(after(view, { full: true, services: [service('c', 'db')], removedServiceIds })), [
    'db:0',
  ]);
});
