import * as grpc from '@grpc/grpc-js';
import test from 'ava';
import { RaftPeerClient } from '../../../../manager/raft/transport/raft-service.js';
import { connect } from '../../../../proto/rpc.js';
import { TlsCredentials } from '../../../../proto/tls.js';
import { testCa, testCredentials } from '../../../fixtures/tls.js';
import { managerTls, message, startMember } from './helpers.js';

/** Opens a Send stream to `address` as `tls` says, writes a batch for member 2 and ends it: how the call ended. */
async function sendAs(address: string, tls: TlsCredentials): Promise<grpc.ServiceError | null> {
  const client = connect(RaftPeerClient, address, tls);
  try {
    return await new Promise((resolve) => {
      const call = client.Send(resolve);
      call.on('error', () => undefined); // the callback has it
      call.write({ clusterId: 'cluster-a', messages: [message({ to: 2 })] });
      call.end();
    });
  } finally {
    client.close();
  }
}

test("only managers' certificates of the cluster's CA deliver raft messages", async (t) => {
  const two = await startMember(2);
  t.teardown(() => two.stop());
  const { cert: ca } = await testCa();

  const worker = await sendAs(two.address, await testCredentials('worker', 'w1'));
  t.is(worker?.code, grpc.status.PERMISSION_DENIED);
  t.regex(worker!.details, /a worker certificate may not call Raft\.Send/);
  const anonymous = await sendAs(two.address, new TlsCredentials({ ca }));
  t.is(anonymous?.code, grpc.status.UNAUTHENTICATED);

  // A manager of another CA: its TLS handshake with our member fails. One that trusts our CA
  // and names our cluster gets through the handshake, but its certificate counts for none.
  const stranger = await testCredentials('manager', '3', { ca: await testCa('another-ca') });
  const handshake = await sendAs(two.address, stranger);
  t.is(handshake?.code, grpc.status.UNAVAILABLE);
  t.regex(handshake!.details, /self-signed certificate in certificate chain/);
  const impostor = await sendAs(two.address, new TlsCredentials({ ...stranger.material, ca }));
  t.is(impostor?.code, grpc.status.UNAUTHENTICATED);
  t.deepEqual(two.rec.received, []);

  t.is(await sendAs(two.address, await managerTls(1)), null);
  t.is(two.rec.received.length, 1);
});
