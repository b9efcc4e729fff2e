import test from 'ava';
import * as grpc from '@grpc/grpc-js';
import { FlotillaError } from '../../../lib/errors.js';
import { fromServiceError, toServiceError } from '../../../proto/rpc.js';

/** An error as a client receives it after the server answered with `err`. */
function roundTrip(err: unknown): FlotillaError {
  const status = toServiceError(err);
  const received = Object.assign(new Error(status.details), status) as grpc.ServiceError;
  return fromServiceError(received, '127.0.0.1:1');
}

test('a NOT_LEADER refusal keeps the leader it names across the wire', (t) => {
  const back = roundTrip(
    new FlotillaError('NOT_LEADER', 'not here', { leader: { id: 3, address: '10.0.0.3:4242' } }),
  );
  t.is(back.code, 'NOT_LEADER');
  t.is(back.message, 'not here');
  t.deepEqual(back.leader, { id: 3, address: '10.0.0.3:4242' });
});

test('a leader known only by its Raft id arrives without an address', (t) => {
  t.deepEqual(roundTrip(new FlotillaError('NOT_LEADER', 'x', { leader: { id: 7 } })).leader, { id: 7 });
});

test('an error that names no leader arrives without one', (t) => {
  const back = roundTrip(new FlotillaError('NOT_LEADER', 'no leader yet'));
  t.is(back.leader, undefined);
  t.is(roundTrip(new Error('boom')).code, 'INTERNAL');
});
