/**
 * The attacks of a stranger, a worker and a removed node against a real cluster (one
 * manager and two workers, real processes over mutual TLS): each is refused with a clear
 * error and changes nothing.
 */
import test, { type ExecutionContext } from 'ava';
import type * as grpc from '@grpc/grpc-js';
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { paths } from '../../daemon/data-dir.js';
import { newKeyAndRequest } from '../../lib/pki.js';
import { readTlsDir } from '../../daemon/tls-dir.js';
import { FlotillaError, type ErrorCode } from '../../lib/errors.js';
import type { ControlClient } from '../../proto/gen/flotilla/Control.js';
import type { DispatcherClient } from '../../proto/gen/flotilla/Dispatcher.js';
import type { NodeRuntimeClient } from '../../proto/gen/flotilla/NodeRuntime.js';
import { wire } from '../../proto/load.js';
import { call, connect } from '../../proto/rpc.js';
import { TlsCredentials } from '../../proto/tls.js';
import type { Node, Service, Task } from '../../proto/types.js';
import { RaftPeerClient } from '../../manager/raft/transport/raft-service.js';
import { testCredentials } from '../fixtures/tls.js';
import { eventually, LocalCluster, runCli, sleeperService } from './cluster-harness.js';

let cluster: LocalCluster;
let workerToken = '';
const clients: grpc.Client[] = [];

/** A client of `node`'s address with these credentials, closed after the tests. */
function client<C extends grpc.Client>(
  ctor: new (addr: string, creds: grpc.ChannelCredentials, o?: grpc.ChannelOptions) => C,
  node: string,
  tls: TlsCredentials,
): C {
  const c = connect(ctor, cluster.addr(node), tls);
  clients.push(c);
  return c;
}

/** The cluster's CA alone: a TLS client with no certificate. */
const anonymous = () => new TlsCredentials({ ca: readTlsDir(paths(cluster.dataDir('m1')).certs).ca });
/** What a node's own data dir holds: its certificate and key. */
const nodeCreds = (name: string) => new TlsCredentials(readTlsDir(paths(cluster.dataDir(name)).certs));

const serviceNames = async () =>
  (await cluster.json<{ service: Service }[]>('m1', 'service', 'ls', '--format', 'raw')).map(
    (s) => s.service.spec?.name,
  );
const listNodes = () => cluster.json<Node[]>('m1', 'node', 'ls', '--format', 'raw');

async function refused(t: ExecutionContext, p: Promise<unknown>, code: ErrorCode, message: RegExp) {
  const err = await t.throwsAsync(p);
  t.true(err instanceof FlotillaError, String(err));
  t.is((err as FlotillaError).code, code, err?.message);
  t.regex(err!.message, message);
}

test.before(async () => {
  cluster = await LocalCluster.create();
  const init = await cluster.init('m1', '--dispatcher-heartbeat', '1s');
  if (init.code !== 0) throw new Error(init.stderr);
  workerToken = (
    await runCli(['--data-dir', cluster.dataDir('m1'), 'join-token', 'worker', '-q'])
  ).stdout.trim();
  for (const w of ['w1', 'w2']) {
    const res = await cluster.join(w, 'm1', workerToken);
    if (res.code !== 0) throw new Error(res.stderr);
  }
  await eventually('3 ready nodes', async () =>
    (await listNodes()).every((n) => n.status?.state === 'READY'),
  );
  const svc = await cluster.cli('m1', ...sleeperService('victim'));
  if (svc.code !== 0) throw new Error(svc.stderr);
});

test.after.always(async () => {
  for (const c of clients) c.close();
  await cluster?.destroy();
});

test.serial(
  'a caller without a certificate gets nothing from the control API, the node API or Raft',
  async (t) => {
    const control = client(wire.flotilla.Control, 'm1', anonymous());
    await refused(
      t,
      call(control, control.GetJoinTokens, {}),
      'UNAUTHENTICATED',
      /needs a certificate of this cluster/,
    );
    await refused(
      t,
      call(control, control.CreateService, {
        spec: { name: 'evil', task: { container: { image: 'host', args: ['id'] } } },
      }),
      'UNAUTHENTICATED',
      /issue-client/,
    );
    const agent: NodeRuntimeClient = client(wire.flotilla.NodeRuntime, 'w1', anonymous());
    await refused(
      t,
      call(agent, agent.ExecInTask, { taskId: 'x', cmd: ['cat', '/etc/shadow'] }),
      'UNAUTHENTICATED',
      /ExecInTask/,
    );
    const raft = client(RaftPeerClient, 'm1', anonymous());
    const err = await new Promise<grpc.ServiceError | null>((resolve) => {
      const stream = raft.Send((e) => resolve(e));
      stream.end();
    });
    t.regex(err?.details ?? '', /needs a certificate/);
    t.deepEqual(await serviceNames(), ['victim']);
  },
);

test.serial(
  'a worker certificate may not use the control API, Raft, or another node’s session',
  async (t) => {
    const w1 = nodeCreds('w1');
    const control: ControlClient = client(wire.flotilla.Control, 'm1', w1);
    await refused(
      t,
      call(control, control.GetJoinTokens, {}),
      'PERMISSION_DENIED',
      /a worker certificate may not call Control\.GetJoinTokens/,
    );
    await refused(
      t,
      call(control, control.RemoveNode, { node: 'w2', force: true }),
      'PERMISSION_DENIED',
      /worker/,
    );
    const raft = client(RaftPeerClient, 'm1', w1);
    const err = await new Promise<grpc.ServiceError | null>((resolve) => {
      const stream = raft.Send((e) => resolve(e));
      stream.write({ clusterId: 'x', messages: [] });
      stream.end();
    });
    t.regex(err?.details ?? '', /a worker certificate may not call Raft\.Send/);
    const agent: NodeRuntimeClient = client(wire.flotilla.NodeRuntime, 'w2', w1);
    await refused(
      t,
      call(agent, agent.ExecInTask, { taskId: 'x', cmd: ['id'] }),
      'PERMISSION_DENIED',
      /admin/,
    );

    // The dispatcher takes the node id from the certificate, not from the request.
    const w2Id = JSON.parse(await readFile(paths(cluster.dataDir('w2')).identity, 'utf8')).nodeId as string;
    const dispatcher: DispatcherClient = client(wire.flotilla.Dispatcher, 'm1', w1);
    await refused(
      t,
      call(dispatcher, dispatcher.UpdateTaskStatus, { nodeId: w2Id }),
      'PERMISSION_DENIED',
      /may not speak for node/,
    );
    const session = dispatcher.Session({ nodeId: w2Id, description: null });
    const sessionErr = await new Promise<grpc.ServiceError>((resolve) => session.on('error', resolve));
    t.regex(sessionErr.details, /may not speak for node/);
    const beats = dispatcher.Beats();
    const beatsErr = new Promise<grpc.ServiceError>((resolve) => beats.on('error', resolve));
    beats.write({ nodeId: w2Id, sessionId: 'any', overlayDigest: '', noOverlay: true });
    t.regex((await beatsErr).details, /may not speak for node/);
    const w2 = (await listNodes()).find((n) => n.id === w2Id);
    t.is(w2?.status?.state, 'READY');
    t.is(w2?.status?.addr, cluster.addr('w2'));
  },
);

test.serial('a rotated token is refused; nodes that joined with it stay', async (t) => {
  const rotated = await runCli([
    '--data-dir',
    cluster.dataDir('m1'),
    'join-token',
    '--rotate',
    'worker',
    '-q',
  ]);
  t.is(rotated.code, 0, rotated.stderr);
  const fresh = rotated.stdout.trim();
  t.not(fresh, workerToken);
  const old = await cluster.join('late', 'm1', workerToken);
  t.is(old.code, 1);
  t.regex(old.stderr, /the join token is not valid \(it may have been rotated\)/);
  await t.throwsAsync(readdir(cluster.dataDir('late')));
  const nodes = await listNodes();
  t.is(nodes.length, 3);
  t.true(nodes.every((n) => n.status?.state === 'READY'));
  const ok = await cluster.join('w3', 'm1', fresh);
  t.is(ok.code, 0, ok.stderr);
});

test.serial('a token for another CA stops the join before anything is sent', async (t) => {
  const digest = workerToken.split('-')[2]!;
  const other = workerToken.replace(
    digest,
    digest.replace(/^./, (c) => (c === '0' ? '1' : '0')),
  );
  const res = await cluster.join('stranger', 'm1', other);
  t.is(res.code, 1);
  t.regex(res.stderr, /does not present the CA this join token names/);
  await t.throwsAsync(readdir(cluster.dataDir('stranger')));
  t.false((await listNodes()).some((n) => n.description?.hostname === 'stranger'));
});

test.serial('a certificate of another CA is refused at the handshake', async (t) => {
  const foreign = await testCredentials('admin', 'intruder', { clusterId: 'other-cluster' });
  const control = client(wire.flotilla.Control, 'm1', foreign);
  const err = await t.throwsAsync(call(control, control.ListServices, {}, 3_000));
  t.true(err instanceof FlotillaError);
  t.regex(err!.message, /cannot reach|did not answer|certificate|self[- ]signed|unable to verify/i);
});

test.serial('a removed node’s certificate is refused from the moment of removal', async (t) => {
  const rm = await cluster.cli('m1', 'node', 'rm', '--force', 'w3');
  t.is(rm.code, 0, rm.stderr);
  const dispatcher: DispatcherClient = client(wire.flotilla.Dispatcher, 'm1', nodeCreds('w3'));
  const w3Id = JSON.parse(await readFile(paths(cluster.dataDir('w3')).identity, 'utf8')).nodeId as string;
  await refused(
    t,
    call(dispatcher, dispatcher.UpdateTaskStatus, { nodeId: w3Id }),
    'NODE_REMOVED',
    /was removed from the cluster/,
  );
  const ca = client(wire.flotilla.NodeCA, 'm1', nodeCreds('w3'));
  await refused(t, call(ca, ca.RenewCertificate, { csr: '' }), 'NODE_REMOVED', /was removed/);
});

test.serial('an oversized spec or request is refused naming the limit, and nothing is written', async (t) => {
  // 600 KiB of environment, in lines under the kernel's limit for one argument.
  const envFile = join(cluster.root, 'big.env');
  await writeFile(envFile, [1, 2, 3, 4, 5].map((i) => `BIG${i}=${'x'.repeat(120 * 1024)}\n`).join(''));
  const res = await cluster.cli(
    'm1',
    'service',
    'create',
    '-d',
    '--name',
    'huge',
    '--env-file',
    envFile,
    'host',
    'sleep',
    '1',
  );
  t.not(res.code, 0);
  t.regex(res.stderr, /512 KiB/);
  const control: ControlClient = client(
    wire.flotilla.Control,
    'm1',
    new TlsCredentials(readTlsDir(cluster.certPath)),
  );
  const huge = 'y'.repeat(5 * 1024 * 1024);
  await refused(
    t,
    call(control, control.CreateService, { spec: { name: 'huger', labels: { huge } } }),
    'RESOURCE_EXHAUSTED',
    /the request is 5\.0 MiB; the limit is 4\.0 MiB/,
  );
  t.deepEqual(await serviceNames(), ['victim']);
});

test.serial('the data dir and what it holds are for the node’s user only', async (t) => {
  const dir = cluster.dataDir('w1');
  t.is((await stat(dir)).mode & 0o777, 0o700);
  for (const f of ['node.json', join('certs', 'key.pem'), join('certs', 'cert.pem')]) {
    t.is((await stat(join(dir, f))).mode & 0o777, 0o600, f);
  }
  t.is((await stat(paths(dir).socket)).mode & 0o777, 0o600);
});

test.serial('the CLI reaches nodes as an admin: logs and exec work through the local socket', async (t) => {
  const tasks = await cluster.json<Task[]>('m1', 'service', 'ps', 'victim', '--format', 'raw');
  const running = tasks.find((x) => x.status?.state === 'RUNNING');
  t.truthy(running);
  const exec = await runCli([
    '--data-dir',
    cluster.dataDir('m1'),
    'task',
    'exec',
    running!.id,
    '--',
    'echo',
    'hello',
  ]);
  t.is(exec.code, 0, exec.stderr);
  t.is(exec.stdout, 'hello\n');
});

test.serial(
  'a join made again with the same key (its answer lost) gets the node it made, not another',
  async (t) => {
    const ca = client(wire.flotilla.NodeCA, 'm1', anonymous());
    const { csr } = await newKeyAndRequest();
    const joinWith = (token: string) =>
      call(ca, ca.Join, { token, addr: '127.0.0.1:1', csr, description: null, dataPathAddr: '' });
    const tokenOf = async (role: string) =>
      (await runCli(['--data-dir', cluster.dataDir('m1'), 'join-token', role, '-q'])).stdout.trim();
    // The worker token was rotated by a test above.
    const token = await tokenOf('worker');
    const before = (await listNodes()).length;
    const first = await joinWith(token);
    const again = await joinWith(token);
    t.is(again.nodeId, first.nodeId);
    t.is(again.containerSubnet, first.containerSubnet);
    t.not(again.certificate?.cert, first.certificate?.cert, 'a new certificate for the same key and node');
    const nodes = await listNodes();
    t.is(nodes.length, before + 1);
    await refused(
      t,
      joinWith(await tokenOf('manager')),
      'CONFLICT',
      /this key already joined as a worker; make a new key/,
    );
    t.is((await listNodes()).length, before + 1, 'nothing written');
    const rm = await cluster.cli('m1', 'node', 'rm', '--force', first.nodeId);
    t.is(rm.code, 0, rm.stderr);
  },
);

test.serial(
  'join attempts from one address are rate-limited, naming the limit (last: it spends the budget)',
  async (t) => {
    const ca = client(wire.flotilla.NodeCA, 'm1', anonymous());
    const attempts = await Promise.allSettled(
      Array.from({ length: 15 }, () =>
        call(ca, ca.Join, { token: 'FLT-1-x-y', addr: '127.0.0.1:1', csr: '' }),
      ),
    );
    const refusals = attempts.map((a) => (a.status === 'rejected' ? (a.reason as FlotillaError) : undefined));
    const limited = refusals.filter((e) => e?.code === 'RESOURCE_EXHAUSTED');
    t.true(limited.length >= 5, refusals.map((e) => e?.message).join('\n'));
    t.regex(
      limited[0]!.message,
      /too many join attempts from 127\.0\.0\.1: at most 10 at once, then 1 every 3 s/,
    );
  },
);
