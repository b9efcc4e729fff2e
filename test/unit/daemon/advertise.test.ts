import test from 'ava';
import { networkInterfaces } from 'node:os';
import {
  advertisedAddress,
  dataPathAddress,
  defaultRouteAddress,
  interfaceAddress,
} from '../../../daemon/advertise.js';

const never = () => {
  throw new Error('no fallback expected');
};

test('a --listen that names one address is what the node advertises', (t) => {
  t.is(advertisedAddress('127.0.0.5:4240', undefined, never), '127.0.0.5:4240');
});

test('the wildcard --listen falls back, keeping the listen port', (t) => {
  t.is(
    advertisedAddress('0.0.0.0:4240', undefined, () => '10.1.2.3'),
    '10.1.2.3:4240',
  );
  t.is(
    advertisedAddress('0.0.0.0:5000', undefined, () => '10.1.2.3'),
    '10.1.2.3:5000',
  );
});

test('--advertise-addr: an address, an address and port, an interface, an interface and port', (t) => {
  t.is(advertisedAddress('0.0.0.0:4240', '10.0.0.1', never), '10.0.0.1:4240');
  t.is(advertisedAddress('0.0.0.0:4240', '10.0.0.1:4999', never), '10.0.0.1:4999');
  t.is(advertisedAddress('0.0.0.0:4240', 'lo', never), '127.0.0.1:4240');
  t.is(advertisedAddress('0.0.0.0:4240', 'lo:4300', never), '127.0.0.1:4300');
});

test('a wildcard or an unknown interface is refused naming the flag', (t) => {
  t.throws(() => advertisedAddress('0.0.0.0:4240', '0.0.0.0', never), {
    message: /invalid --advertise-addr: expected an address others can dial, not a wildcard/,
  });
  const err = t.throws(() => advertisedAddress('0.0.0.0:4240', 'nosuch0', never));
  t.regex(
    err!.message,
    /invalid --advertise-addr: expected an address or an interface of this machine \(.*lo.*\)/,
  );
});

test('the default route interface has an address of this machine', (t) => {
  const all = Object.values(networkInterfaces())
    .flat()
    .map((a) => a?.address);
  t.true(all.includes(defaultRouteAddress()));
  t.is(interfaceAddress('lo', '--x'), '127.0.0.1');
});

test('--data-path-addr: an address or an interface, never a wildcard', (t) => {
  t.is(dataPathAddress('10.9.8.7'), '10.9.8.7');
  t.is(dataPathAddress('lo'), '127.0.0.1');
  t.throws(() => dataPathAddress('0.0.0.0'), {
    message: /invalid --data-path-addr: expected an address others can reach/,
  });
  t.throws(() => dataPathAddress('nosuch0'), {
    message: /invalid --data-path-addr: expected an address or an interface/,
  });
});
