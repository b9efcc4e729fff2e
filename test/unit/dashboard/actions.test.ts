import test from 'ava';
import { parseAction } from '../../../manager/dashboard/actions.js';
import { dashboardAddress } from '../../../manager/dashboard/login.js';

test('actions are read from their path and JSON body', (t) => {
  t.deepEqual(parseAction('/api/services/web/scale', { replicas: 4 }), {
    kind: 'scale',
    service: 'web',
    replicas: 4,
  });
  t.deepEqual(parseAction('/api/services/my%20svc/image', { image: ' nginx:1.27 ' }), {
    kind: 'image',
    service: 'my svc',
    image: 'nginx:1.27',
  });
  t.deepEqual(parseAction('/api/services/web/rollback', {}), { kind: 'rollback', service: 'web' });
  t.deepEqual(parseAction('/api/nodes/n1/availability', { availability: 'drain' }), {
    kind: 'availability',
    node: 'n1',
    availability: 'drain',
  });
  t.is(parseAction('/api/services/web/explode', {}), undefined);
  t.is(parseAction('/api/state', {}), undefined);
});

test('invalid values are refused, naming the field', (t) => {
  for (const replicas of [-1, 1.5, '3', null, 100_001]) {
    t.throws(() => parseAction('/api/services/web/scale', { replicas }), { message: /replicas/ });
  }
  t.throws(() => parseAction('/api/services/web/image', { image: '  ' }), { message: /image/ });
  t.throws(() => parseAction('/api/nodes/n1/availability', { availability: 'DRAINED' }), {
    message: /active, pause or drain/,
  });
});

test("a manager's dashboard: where configured, nowhere, or its host at port 4280", (t) => {
  t.is(dashboardAddress(undefined, '10.0.0.1:4240'), '10.0.0.1:4280');
  t.is(dashboardAddress(undefined, '[fd00::1]:4240'), '[fd00::1]:4280');
  t.is(dashboardAddress('0.0.0.0:8443', '10.0.0.1:4240'), '0.0.0.0:8443');
  t.is(dashboardAddress('', '10.0.0.1:4240'), undefined);
});
