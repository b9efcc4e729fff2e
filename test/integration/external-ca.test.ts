/**
 * `cluster init --external-ca`: a real CFSSL (Debian's golang-cfssl) signs every node's
 * certificate; the managers never hold the root's key.
 */
import test from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { paths } from '../../daemon/data-dir.js';
import { readTlsDir } from '../../daemon/tls-dir.js';
import { newRootCa } from '../../manager/ca/authority.js';
import { describeCert } from '../../lib/pki.js';
import type { Node } from '../../proto/types.js';
import { eventually, freePort, LocalCluster, runCli } from './cluster-harness.js';

const hasCfssl = spawnSync('cfssl', ['version']).status === 0;

/** Every file under `dir`. */
async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath ?? e.path, e.name));
}

test('an external CA signs every node certificate; the managers hold no CA key', async (t) => {
  if (!hasCfssl) return t.pass('skipped: cfssl is not installed (Debian: apt-get install golang-cfssl)');
  const c = await LocalCluster.create();
  t.teardown(() => c.destroy());
  const root = await newRootCa('external');
  const caCert = join(c.root, 'ca.pem');
  await writeFile(caCert, root.cert);
  await writeFile(join(c.root, 'ca-key.pem'), root.key);
  const profile = {
    signing: {
      default: {
        expiry: '2160h',
        usages: ['digital signature', 'key agreement', 'server auth', 'client auth'],
      },
    },
  };
  await writeFile(join(c.root, 'cfssl.json'), JSON.stringify(profile));
  const port = await freePort();
  const cfssl = spawn(
    'cfssl',
    [
      'serve',
      '-address',
      '127.0.0.1',
      '-port',
      String(port),
      '-ca',
      caCert,
      '-ca-key',
      join(c.root, 'ca-key.pem'),
      '-config',
      join(c.root, 'cfssl.json'),
    ],
    { stdio: 'ignore' },
  );
  t.teardown(() => void cfssl.kill('SIGKILL'));
  const url = `http://127.0.0.1:${port}/api/v1/cfssl/sign`;
  // Any answer (a GET is refused) means it serves.
  await eventually('cfssl serving', async () => (await fetch(url).catch(() => undefined)) !== undefined);

  const bad = await c.init('bad', '--external-ca', 'protocol=cfssl', '--ca-cert', caCert);
  t.is(bad.code, 1);
  t.regex(bad.stderr, /invalid --external-ca: expected protocol=cfssl,url=/);
  const init = await c.init(
    'm1',
    '--dispatcher-heartbeat',
    '1s',
    '--external-ca',
    `protocol=cfssl,url=${url}`,
    '--ca-cert',
    caCert,
  );
  t.is(init.code, 0, init.stderr);
  const token = (await runCli(['--data-dir', c.dataDir('m1'), 'join-token', 'worker', '-q'])).stdout.trim();
  t.is((await c.join('w1', 'm1', token)).code, 0);
  await eventually('two ready nodes', async () => {
    const nodes = await c.json<Node[]>('m1', 'node', 'ls', '--format', 'raw');
    return nodes.length === 2 && nodes.every((n) => n.status?.state === 'READY');
  });
  const rootCert = new X509Certificate(root.cert);
  for (const name of ['m1', 'w1']) {
    const { cert } = readTlsDir(paths(c.dataDir(name)).certs);
    t.true(
      new X509Certificate(cert).verify(rootCert.publicKey),
      `${name}'s certificate is the external CA's`,
    );
    t.is(describeCert(cert).role, name === 'm1' ? 'manager' : 'worker');
  }
  // Only the nodes' own keys are in their data dirs: the manager's log holds no CA key.
  for (const name of ['m1', 'w1']) {
    for (const file of await files(c.dataDir(name))) {
      if (file.endsWith(join('certs', 'key.pem')) || file.endsWith('.sock')) continue;
      t.false((await readFile(file)).includes('PRIVATE KEY'), file);
    }
  }
  const rotate = await runCli(['--data-dir', c.dataDir('m1'), 'ca', '--rotate']);
  t.is(rotate.code, 1);
  t.regex(rotate.stderr, /signed by an external CA/);

  cfssl.kill('SIGKILL');
  const orphan = await c.join('w2', 'm1', token);
  t.is(orphan.code, 1);
  t.regex(orphan.stderr, new RegExp(`cannot reach the external CA at ${url.replace(/[.?]/g, '\\$&')}`));
});
