/**
 * The cluster CA's certificates, checked by real TLS handshakes: what a root issues is
 * accepted by nodes that trust it, refused by others, and during a rotation accepted both by
 * nodes that trust only the old root and by those that trust only the new one.
 */
import test from 'ava';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import * as tls from 'node:tls';
import { issue, newRootCa, nextRootCa, rootCa, settledRootCa } from '../../../manager/ca/authority.js';
import { certDigest, describeCert, newKeyAndRequest, splitPem } from '../../../lib/pki.js';
import type { RootCA } from '../../../proto/types.js';

async function leaf(root: RootCA, id: string) {
  const { key, csr } = await newKeyAndRequest();
  return { key, cert: await issue(root, csr, { id, role: 'worker', clusterId: 'c1' }, { expiryMs: 60_000 }) };
}

/** Whether a client trusting `trusted` accepts a server presenting `server`. */
async function accepts(server: { key: string; cert: string }, trusted: string): Promise<boolean> {
  const srv = tls.createServer({ key: server.key, cert: server.cert }, (s) => s.end());
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  try {
    const socket = tls.connect({
      port: (srv.address() as AddressInfo).port,
      host: '127.0.0.1',
      ca: trusted,
      checkServerIdentity: () => undefined,
    });
    const ok = await new Promise<boolean>((resolve) => {
      socket.once('secureConnect', () => resolve(true));
      socket.once('error', () => resolve(false));
    });
    socket.destroy();
    return ok;
  } finally {
    srv.close();
  }
}

test('a certificate names its holder and is accepted only under its own root', async (t) => {
  const root = await newRootCa('c1');
  const other = await newRootCa('c2');
  const server = await leaf(root, 'n1');
  t.like(describeCert(server.cert), { id: 'n1', role: 'worker', clusterId: 'c1' });
  t.is(root.digest, certDigest(root.cert));
  t.true(await accepts(server, root.cert));
  t.false(await accepts(server, other.cert));
});

test('a request that is not a valid CSR is refused naming the field', async (t) => {
  const root = await newRootCa('c1');
  await t.throwsAsync(issue(root, 'garbage', { id: 'x', role: 'worker', clusterId: 'c1' }, { expiryMs: 1 }), {
    message: /csr: expected a PEM certificate request/,
  });
});

test('during a rotation the new root is trusted through the old one; once settled, only itself', async (t) => {
  const old = await newRootCa('c1');
  const next = await nextRootCa(old, 'c1');
  t.not(next.digest, old.digest);
  t.is(splitPem(next.cert).length, 2, 'new and old roots trusted meanwhile');
  const moved = await leaf(next, 'n1');
  const stayed = await leaf(old, 'n2');
  const [newRoot] = splitPem(next.cert);
  t.true(await accepts(moved, old.cert), 'a node that trusts only the old root');
  t.true(await accepts(moved, newRoot!), 'a node that trusts only the new root');
  t.true(await accepts(stayed, next.cert), 'a node that has not moved, by one that has');
  const settled = settledRootCa(next);
  t.is(settled.crossSigned, '');
  t.false(await accepts(stayed, settled.cert), 'the old root is refused once settled');
  t.true(await accepts(await leaf(settled, 'n3'), settled.cert));
});

test("a user's CA is taken only with its own key", async (t) => {
  const a = await newRootCa('c1');
  const b = await newRootCa('c1');
  t.is((await rootCa(a.cert, a.key)).digest, a.digest);
  await t.throwsAsync(rootCa(a.cert, b.key), { message: /does not belong to the CA certificate/ });
  await t.throwsAsync(rootCa((await leaf(a, 'n')).cert, a.key), { message: /not one that may sign/ });
});
