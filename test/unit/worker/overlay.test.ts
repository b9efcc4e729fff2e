import test from 'ava';
import {
  diffEntries,
  networkAddress,
  overlayMac,
  presentEntries,
  vxlanMatches,
  wantedEntries,
} from '../../../worker/overlay.js';

test('a subnet has its network address and a MAC made of it', (t) => {
  t.is(networkAddress('10.213.5.0/24'), '10.213.5.0');
  t.is(networkAddress('10.213.128.0/17'), '10.213.128.0');
  t.is(overlayMac('10.213.5.0/24'), '0a:58:0a:d5:05:00');
  t.is(overlayMac('192.168.255.16/28'), '0a:58:c0:a8:ff:10');
  t.throws(() => overlayMac('10.213.5.1/24'), { message: /overlay subnet/ });
  t.throws(() => networkAddress('nonsense'), { message: /overlay subnet/ });
});

test('each peer wants a route via its network address, a neighbour and an FDB entry to its underlay', (t) => {
  const wanted = wantedEntries([
    { nodeId: 'n2', subnet: '10.213.2.0/24', addr: '192.0.2.2' },
    { nodeId: 'n3', subnet: '10.213.3.0/24', addr: '192.0.2.3' },
  ]);
  t.deepEqual(
    [...wanted.routes],
    [
      ['10.213.2.0/24', '10.213.2.0'],
      ['10.213.3.0/24', '10.213.3.0'],
    ],
  );
  t.deepEqual(
    [...wanted.neighs],
    [
      ['10.213.2.0', '0a:58:0a:d5:02:00'],
      ['10.213.3.0', '0a:58:0a:d5:03:00'],
    ],
  );
  t.deepEqual(
    [...wanted.fdb],
    [
      ['0a:58:0a:d5:02:00', '192.0.2.2'],
      ['0a:58:0a:d5:03:00', '192.0.2.3'],
    ],
  );
});

test('the present entries are read from ip and bridge JSON, empty output as none', (t) => {
  const present = presentEntries(
    '[{"dst":"10.213.6.0/24","gateway":"10.213.6.0","flags":["onlink"]}]',
    '[{"dst":"10.213.6.0","lladdr":"0a:58:0a:d5:06:00","state":["PERMANENT"]},{"dst":"10.213.7.0","state":["FAILED"]}]',
    '[{"mac":"0a:58:0a:d5:06:00","dst":"10.79.0.2","flags":["self"],"state":"permanent"}]',
  );
  t.deepEqual([...present.routes], [['10.213.6.0/24', '10.213.6.0']]);
  t.deepEqual(
    [...present.neighs],
    [
      ['10.213.6.0', '0a:58:0a:d5:06:00'],
      ['10.213.7.0', ''],
    ],
  );
  t.deepEqual([...present.fdb], [['0a:58:0a:d5:06:00', '10.79.0.2']]);
  t.is(presentEntries('', '\n', '[]').routes.size, 0);
});

test('the diff replaces what is missing or different and removes what is not wanted', (t) => {
  const wanted = new Map([
    ['a', '1'],
    ['b', '2'],
    ['c', '3'],
  ]);
  const present = new Map([
    ['a', '1'],
    ['b', '9'],
    ['d', '4'],
  ]);
  t.deepEqual(diffEntries(wanted, present), {
    replace: [
      ['b', '2'],
      ['c', '3'],
    ],
    remove: [['d', '4']],
  });
  t.deepEqual(diffEntries(wanted, wanted), { replace: [], remove: [] });
});

test('a device matches only as a non-learning VXLAN of VNI 4213, port 4789, from the underlay', (t) => {
  const link = {
    flags: ['UP'],
    mtu: 1450,
    address: '0a:58:0a:d5:05:00',
    linkinfo: {
      info_kind: 'vxlan',
      info_data: { id: 4213, port: 4789, local: '10.79.0.1', learning: false },
    },
  };
  t.true(vxlanMatches(link, '10.79.0.1'));
  t.false(vxlanMatches(link, '10.79.0.2'));
  t.false(vxlanMatches({ ...link, linkinfo: { ...link.linkinfo, info_kind: 'bridge' } }, '10.79.0.1'));
  const learning = { ...link.linkinfo.info_data, learning: true };
  t.false(vxlanMatches({ ...link, linkinfo: { info_kind: 'vxlan', info_data: learning } }, '10.79.0.1'));
  t.false(vxlanMatches({ ...link, linkinfo: undefined }, '10.79.0.1'));
});
