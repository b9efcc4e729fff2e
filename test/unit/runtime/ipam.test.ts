/** The node's pool of container addresses (runtime/containerd/ipam.ts), on lease files in a temp dir. */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { isFlotillaError } from '../../../lib/errors.js';
import { AddressPool } from '../../../runtime/containerd/ipam.js';

async function leaseDir(t: { teardown(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'flotilla-ipam-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return join(dir, 'leases');
}

test('allocate hands out distinct addresses, never the gateway or the broadcast address', async (t) => {
  const pool = new AddressPool('10.9.0.0/29', await leaseDir(t));
  const ips = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((id) => pool.allocate(id)));
  t.deepEqual([...ips].sort(), ['10.9.0.2', '10.9.0.3', '10.9.0.4', '10.9.0.5', '10.9.0.6']);
});

test('a full subnet is RESOURCE_EXHAUSTED, naming the subnet', async (t) => {
  const pool = new AddressPool('10.9.0.0/29', await leaseDir(t));
  for (let i = 0; i < 5; i++) await pool.allocate(`c${i}`);
  const err = await t.throwsAsync(pool.allocate('one-too-many'));
  t.true(isFlotillaError(err, 'RESOURCE_EXHAUSTED'));
  t.regex(err.message, /10\.9\.0\.0\/29/);
});

test('release frees the address, and the next allocation moves on before reusing it', async (t) => {
  const dir = await leaseDir(t);
  const pool = new AddressPool('10.9.0.0/28', dir);
  const a = await pool.allocate('a');
  const b = await pool.allocate('b');
  await pool.release('a');
  await pool.release('a'); // idempotent
  t.false((await readdir(dir)).includes(a));
  const c = await pool.allocate('c');
  t.not(c, a);
  t.not(c, b);
  t.deepEqual(
    await pool.held(),
    new Map([
      ['b', b],
      ['c', c],
    ]),
  );
});

test('leases persist: a new pool on the same directory does not hand out a used address', async (t) => {
  const dir = await leaseDir(t);
  const first = new AddressPool('10.9.0.0/29', dir);
  const used = await Promise.all(['a', 'b', 'c'].map((id) => first.allocate(id)));
  const second = new AddressPool('10.9.0.0/29', dir);
  const fresh = await second.allocate('e');
  t.false(used.includes(fresh));
  t.is(await readFile(join(dir, fresh), 'utf8'), 'e');
  // Released through one instance: the other finds it free once the rest is taken.
  await second.release('a');
  const sixth = await first.allocate('f');
  t.false([...used, fresh].includes(sixth));
  t.is(await first.allocate('g'), used[0] as string);
  await t.throwsAsync(first.allocate('h'), { message: /10\.9\.0\.0\/29/ });
});

test('two pools on one directory allocating at once never share an address', async (t) => {
  const dir = await leaseDir(t);
  const pools = [new AddressPool('10.9.0.0/27', dir), new AddressPool('10.9.0.0/27', dir)];
  const ips = await Promise.all(Array.from({ length: 29 }, (_, i) => pools[i % 2]!.allocate(`c${i}`)));
  t.is(new Set(ips).size, 29);
});

test('reserve leases a given address unless another container holds it; other subnets are ignored', async (t) => {
  const dir = await leaseDir(t);
  const pool = new AddressPool('10.9.0.0/28', dir);
  t.true(await pool.reserve('10.9.0.9', 'old'));
  t.true(await pool.reserve('10.9.0.9', 'old')); // already its own
  t.false(await pool.reserve('10.9.0.9', 'other'));
  t.false(await pool.reserve('10.8.0.9', 'elsewhere'));
  // A lease of the node's earlier subnet is not this pool's.
  await writeFile(join(dir, '10.7.0.2'), 'gone');
  t.deepEqual(await pool.held(), new Map([['old', '10.9.0.9']]));
  for (let i = 0; i < 12; i++) t.not(await pool.allocate(`c${i}`), '10.9.0.9');
});

test('reconcile leases the addresses of existing containers and names the leases of vanished ones', async (t) => {
  const dir = await leaseDir(t);
  const pool = new AddressPool('10.9.0.0/28', dir);
  const kept = await pool.allocate('kept');
  await pool.allocate('vanished');
  const conflicts: string[] = [];
  const stale = await pool.reconcile(
    new Map([
      ['kept', kept],
      ['unleased', '10.9.0.12'], // had its address before the pool's files
      ['clash', kept], // claims an address another holds
      ['hostnet', undefined],
    ]),
    (id, ip) => conflicts.push(`${id} ${ip}`),
  );
  t.deepEqual(stale, ['vanished']);
  t.deepEqual(conflicts, [`clash ${kept}`]);
  const after = new AddressPool('10.9.0.0/28', dir);
  t.is((await after.held()).get('unleased'), '10.9.0.12');
  for (let i = 0; i < 10; i++) t.not(await after.allocate(`c${i}`), '10.9.0.12');
});
