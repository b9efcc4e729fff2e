import test from 'ava';
import { isFlotillaError } from '../../../lib/errors.js';
import { managerAddress } from '../../../cli/client.js';

test('--host takes HOST:PORT as it is, and docker`s tcp://HOST:PORT as HOST:PORT', (t) => {
  t.is(managerAddress('10.0.0.1:4240'), '10.0.0.1:4240');
  t.is(managerAddress('tcp://10.0.0.1:4240'), '10.0.0.1:4240');
  t.is(managerAddress('tcp://manager-1.example:4240/'), 'manager-1.example:4240');
  t.is(managerAddress('tcp://[fd00::1]:4240'), '[fd00::1]:4240');
  t.is(managerAddress('localhost:1'), 'localhost:1');
});

for (const bad of ['tcp://h', 'h', 'unix:///var/run/x.sock', 'http://h:4240', 'tcp://h:4240/x', '']) {
  test(`--host ${JSON.stringify(bad)} is refused, saying what it takes`, (t) => {
    const err = t.throws(() => managerAddress(bad));
    t.true(isFlotillaError(err, 'INVALID_ARGUMENT'));
    t.regex(err?.message ?? '', /^invalid --host: expected HOST:PORT or tcp:\/\/HOST:PORT/);
  });
}

test('a bad $CLUSTER_HOST is named as such', (t) => {
  const err = t.throws(() => managerAddress('tcp://h', '$CLUSTER_HOST'));
  t.regex(err?.message ?? '', /^invalid \$CLUSTER_HOST: expected HOST:PORT or tcp:\/\/HOST:PORT/);
});
