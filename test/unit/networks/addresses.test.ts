import test from 'ava';
import { NetworkAddresses } from '../../../manager/allocator/addresses.js';
import type { Network, NetworkAttachment } from '../../../proto/types.js';
import { makeService, makeSpec, makeTask } from '../helpers.js';

const network = (id: string, subnet: string): Network => ({
  id,
  meta: null,
  spec: { name: id, labels: {}, driver: 'overlay', subnet },
  vni: 4300,
});

test('addresses are unique per network, next-fit, and free again once their task is forgotten', (t) => {
  const a = new NetworkAddresses();
  const small = network('n1', '10.30.0.0/29'); // 6 host addresses
  const got = ['t1', 't2', 't3'].map((id) => a.allocate(id, [small]) as NetworkAttachment[]);
  t.deepEqual(
    got.map((g) => g[0]!.address),
    ['10.30.0.1/29', '10.30.0.2/29', '10.30.0.3/29'],
  );
  a.forget('t1');
  // Next-fit: the freed .1 comes last.
  const more = ['t4', 't5', 't6', 't7'].map(
    (id) => (a.allocate(id, [small]) as NetworkAttachment[])[0]!.address,
  );
  t.deepEqual(more, ['10.30.0.4/29', '10.30.0.5/29', '10.30.0.6/29', '10.30.0.1/29']);
  t.is(a.allocate('t8', [small]), 'network n1 has no free address (10.30.0.0/29)');
});

test('a task on two networks gets one address on each, or none when one is full', (t) => {
  const a = new NetworkAddresses();
  const big = network('big', '10.40.0.0/29');
  const full = network('full', '10.50.0.0/29');
  for (let i = 0; i < 6; i++) a.allocate(`f${i}`, [full]);
  t.regex(String(a.allocate('x', [big, full])), /network full has no free address/);
  // Nothing of `big` stayed taken by the failed allocation: all 6 of its addresses are free.
  for (let i = 0; i < 6; i++) t.true(Array.isArray(a.allocate(`y${i}`, [big])));
});

test('addresses held by stored tasks are tracked, so a new allocator skips them', (t) => {
  const a = new NetworkAddresses();
  const n = network('n', '10.30.0.0/24');
  const service = makeService(makeSpec());
  a.track(
    makeTask(service, {
      id: 'old',
      networks: [{ networkId: 'n', networkName: 'n', vni: 4300, address: '10.30.0.1/24' }],
    }),
  );
  t.is((a.allocate('new', [n]) as NetworkAttachment[])[0]!.address, '10.30.0.2/24');
});
