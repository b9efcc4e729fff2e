/**
 * Fuzzing of the Control API through a real manager on its local socket (control-target.ts):
 * every request either gets an answer, after which the store is sound (the listings a user
 * runs next still work, what was written passes validation again, names its enums, names
 * stay unique), or a refusal a user can act on (INVALID_ARGUMENT naming the field that was
 * wrong, NOT_FOUND, ALREADY_EXISTS, CONFLICT, RESOURCE_EXHAUSTED; never INTERNAL, a crash
 * or a hang) with nothing written.
 *
 * Covered, with inputs: CreateService, UpdateService, GetService, RemoveService,
 * RollbackService, PromoteService, WatchService, ListTasks, GetNode, UpdateNode, RemoveNode,
 * RotateJoinToken, IssueClientCertificate, CreateNetwork, GetNetwork, RemoveNetwork. The
 * requests of ListNodes, ListServices, GetJoinTokens, RotateCA and ListNetworks have no
 * fields: they get only the raw bytes below (the listings also run after every answer).
 * Every unary method also gets raw bytes: valid requests cut, flipped and extended, and
 * noise, for the wire's decoder.
 *
 * Fixed seed; FUZZ_SEED=N picks another, FUZZ_RUNS=F multiplies the runs. A failure prints
 * the seed and path that replay it.
 */
import * as grpc from '@grpc/grpc-js';
import test from 'ava';
import fc from 'fast-check';
import { webcrypto } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { describeError, isFlotillaError, type ErrorCode, type FlotillaError } from '../../../lib/errors.js';
import { describeCert, newKeyAndRequest } from '../../../lib/pki.js';
import { x509 } from '../../../lib/x509.js';
import { validateNetworkSpec } from '../../../manager/api/networks.js';
import { validateNodeSpec, validateServiceSpec } from '../../../manager/api/validate.js';
import type { ServiceState } from '../../../proto/gen/flotilla/ServiceState.js';
import { codec, verifyMessage, wire } from '../../../proto/load.js';
import { call, fromServiceError } from '../../../proto/rpc.js';
import type { NetworkSpec, NodeRole, NodeSpec, Service, ServiceSpec } from '../../../proto/types.js';
import { makeNode, makeSpec } from '../helpers.js';
import {
  changed,
  enumOf,
  int64,
  networkSpecChange,
  nodeSpecChange,
  ref,
  serviceSpecChange,
  someChanges,
  text,
  uint64,
} from './arbitraries.js';
import { startControlTarget, type ControlTarget } from './control-target.js';

const SEED = Number(process.env.FUZZ_SEED ?? 4213);
const runs = (numRuns: number) => ({
  seed: SEED,
  numRuns: Math.ceil(numRuns * Number(process.env.FUZZ_RUNS ?? 1)),
  // The failing check in the report, beside the shrunk case.
  includeErrorInReport: true,
  // Shrinking long strings through slow calls may take long: a failure is reported as far as it got.
  interruptAfterTimeLimit: 90_000,
});

/** Fails the case: fast-check shrinks it and prints the seed. */
function check(ok: unknown, why: string): asserts ok {
  if (!ok) throw new Error(why);
}

const REFUSALS = new Set<ErrorCode>([
  'INVALID_ARGUMENT',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'CONFLICT',
  'RESOURCE_EXHAUSTED',
]);

function checkRefusal(err: unknown, field: RegExp): asserts err is FlotillaError {
  check(isFlotillaError(err) && REFUSALS.has(err.code), `not a refusal a user can act on: ${String(err)}`);
  check(
    err.code !== 'INVALID_ARGUMENT' || field.test(err.message),
    `the refusal names no ${field}: ${err.message}`,
  );
}

/**
 * Sends a request and checks what came of it (see the top of the file); the answer, or
 * undefined for a refusal.
 */
async function sendChecked<Res>(
  target: ControlTarget,
  field: RegExp,
  send: () => Promise<Res>,
): Promise<Res | undefined> {
  const before = target.store.view((tx) => tx.index);
  let res: Res;
  try {
    res = await send();
  } catch (err) {
    checkRefusal(err, field);
    check(target.store.view((tx) => tx.index) === before, `refused (${err.message}), yet the store changed`);
    return undefined;
  }
  await checkStore(target, before);
  return res;
}

const serviceCodec = codec<Service>('flotilla.Service');
/** The data alone: fields left undefined and prototypes (maps decode without one) say nothing. */
/** As JSON holds it; an unset message field is null once decoded, and absent where code built the object. */
const plain = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value, (_key, v: unknown) => (v === null ? undefined : v)));

/** What a user reads next works, and what was written since `since` is valid. */
async function checkStore({ store, client }: ControlTarget, since: number): Promise<void> {
  await call(client, client.ListServices, {});
  await call(client, client.ListNodes, {});
  await call(client, client.ListNetworks, {});
  await call(client, client.ListTasks, { services: [], nodes: [] });
  const valid = (what: string, object: object, type: string, validate: () => void) => {
    try {
      validate();
    } catch (err) {
      check(false, `${what} as stored fails validation: ${describeError(err)}`);
    }
    const wrong = verifyMessage(type, object);
    check(!wrong, `${what} as stored is not a ${type}: ${wrong}`);
  };
  const { services, nodes, networks } = store.view((tx) => ({
    services: tx.all('services'),
    nodes: tx.all('nodes'),
    networks: tx.all('networks'),
  }));
  for (const s of services.filter((o) => o.meta!.version > since)) {
    valid(`service ${s.spec?.name}`, s, 'flotilla.Service', () => validateServiceSpec(s.spec));
    // As every manager's log would carry it.
    check(
      isDeepStrictEqual(plain(serviceCodec.decode(serviceCodec.encode(s))), plain(s)),
      `service ${s.id} changes in encoding`,
    );
  }
  for (const n of nodes.filter((o) => o.meta!.version > since)) {
    valid(`node ${n.id}`, n, 'flotilla.Node', () => validateNodeSpec(n.spec));
  }
  for (const n of networks.filter((o) => o.meta!.version > since)) {
    valid(`network ${n.spec?.name}`, n, 'flotilla.Network', () => validateNetworkSpec(n.spec));
  }
  for (const [kind, names] of [
    ['service', services.map((s) => s.spec?.name)],
    ['network', networks.map((n) => n.spec?.name)],
  ] as const) {
    const twice = names.find((name, i) => names.indexOf(name) !== i);
    check(twice === undefined, `two ${kind}s are named ${JSON.stringify(twice)}`);
  }
}

let made = 0;
const fresh = (prefix: string) => `${prefix}-${++made}`;

/** What the cases refer to besides what they make: a network, and a service attached to it. */
async function arrange(target: ControlTarget) {
  const { client } = target;
  const net = (await call(client, client.CreateNetwork, { spec: { name: 'net0' } })).network!;
  const web = makeSpec({ name: 'web' });
  web.task!.container = { ...web.task!.container!, image: 'busybox' };
  web.task!.networks = ['net0'];
  await call(client, client.CreateService, { spec: web });
  return { services: ['web'], networks: ['net0', net.id, net.id.slice(0, 4)] };
}

/** A valid service made for one case, updated once so that it has a history and waits on a canary. */
async function serviceFor(target: ControlTarget): Promise<Service> {
  const { client } = target;
  const spec = makeSpec({ name: fresh('svc') });
  spec.update = {
    parallelism: 1,
    delayMs: 0,
    failureAction: 'FAILURE_PAUSE',
    monitorMs: 0,
    maxFailureRatio: 0,
    order: 'STOP_FIRST',
    canary: 1,
    autoPromote: false,
    timeoutMs: 0,
  };
  const created = (await call(client, client.CreateService, { spec })).service!;
  spec.task!.forceUpdate = 1;
  const req = { serviceId: created.id, version: created.meta!.version, spec };
  return (await call(client, client.UpdateService, req)).service!;
}

test('CreateService: any spec is created sound, or refused naming its field with nothing written', async (t) => {
  const target = await startControlTarget(t);
  const { client } = target;
  const known = await arrange(target);
  await fc.assert(
    fc.asyncProperty(someChanges(serviceSpecChange(known)), async (changes) => {
      const { value: spec, field } = changed(makeSpec({ name: fresh('svc') }), changes);
      const res = await sendChecked(target, field, () => call(client, client.CreateService, { spec }));
      if (res) await call(client, client.GetService, { service: res.service!.id });
    }),
    runs(250),
  );
  t.pass();
});

test('UpdateService: any spec, id and version: updated sound, or refused with nothing written', async (t) => {
  const target = await startControlTarget(t);
  const { client } = target;
  const known = await arrange(target);
  const version = fc.oneof(fc.constant('read'), fc.constant(0), uint64);
  const id = fc.oneof(fc.constant('own'), fc.constant('prefix'), text);
  await fc.assert(
    fc.asyncProperty(
      someChanges(serviceSpecChange(known)),
      id,
      version,
      async (changes, idPick, versionPick) => {
        const current = await serviceFor(target);
        const { value: spec, field } = changed(current.spec!, changes);
        const serviceId =
          idPick === 'own' ? current.id : idPick === 'prefix' ? current.id.slice(0, 6) : idPick;
        const req = {
          serviceId,
          version: versionPick === 'read' ? current.meta!.version : versionPick,
          spec,
        };
        await sendChecked(target, field, () => call(client, client.UpdateService, req));
      },
    ),
    runs(150),
  );
  t.pass();
});

/** The first state a watch sends, or its refusal; the watch is then cancelled. */
function firstState(client: ControlTarget['client'], service: string): Promise<ServiceState> {
  return new Promise((resolve, reject) => {
    const stream = client.WatchService({ service }, { deadline: Date.now() + 10_000 });
    stream.once('data', (state: ServiceState) => {
      resolve(state);
      stream.cancel();
    });
    stream.once('error', (err: grpc.ServiceError) => reject(fromServiceError(err, 'watch')));
  });
}

test('a service named by any reference: read, watched, promoted, rolled back or removed, or refused', async (t) => {
  const target = await startControlTarget(t);
  const { client } = target;
  await arrange(target);
  const rpc = fc.constantFrom(
    'GetService',
    'WatchService',
    'PromoteService',
    'RollbackService',
    'RemoveService',
  );
  await fc.assert(
    fc.asyncProperty(
      rpc,
      fc.oneof(fc.constantFrom('id', 'name'), fc.nat(), text),
      uint64,
      async (name, pick, toVersion) => {
        const s = await serviceFor(target);
        const service =
          pick === 'id'
            ? s.id
            : pick === 'name'
              ? s.spec!.name
              : typeof pick === 'number'
                ? s.id.slice(0, 1 + (pick % 12))
                : pick;
        await sendChecked(target, /service|version/, async () => {
          switch (name) {
            case 'GetService':
              return call(client, client.GetService, { service });
            case 'WatchService':
              return firstState(client, service);
            case 'PromoteService':
              return call(client, client.PromoteService, { service });
            case 'RollbackService':
              return call(client, client.RollbackService, { service, toVersion });
            case 'RemoveService':
              return call(client, client.RemoveService, { service });
          }
        });
      },
    ),
    runs(150),
  );
  t.pass();
});

test('nodes: any reference, version and spec: read, listed, updated or removed, or refused', async (t) => {
  const target = await startControlTarget(t);
  const { client, store, nodes } = target;
  const spec = fc.oneof(
    { weight: 6, arbitrary: someChanges(nodeSpecChange) },
    { weight: 1, arbitrary: fc.constant(null) },
  );
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('GetNode', 'UpdateNode', 'RemoveNode', 'ListTasks'),
      fc.boolean(),
      fc.oneof(fc.constantFrom('own', 'hostname', 'prefix'), text),
      fc.oneof(fc.constant('read'), fc.constant(0), uint64),
      spec,
      fc.array(ref('web', nodes.manager, nodes.ready), { maxLength: 3 }),
      async (name, down, pick, versionPick, changes, refs) => {
        // A node for this case, down or up, as the dispatcher would have left it.
        const node = makeNode(down ? { status: { state: 'DOWN', message: '', addr: '' } } : {});
        await store.update((tx) => tx.create('nodes', node));
        const own = store.view((tx) => tx.get('nodes', node.id)!);
        const nodeRef =
          pick === 'own'
            ? node.id
            : pick === 'hostname'
              ? node.description!.hostname
              : pick === 'prefix'
                ? node.id.slice(0, 5)
                : pick;
        const version = versionPick === 'read' ? own.meta!.version : versionPick;
        const { value: nodeSpec, field } = changes
          ? changed<NodeSpec>(own.spec!, changes)
          : { value: null, field: /spec/ };
        // Without a Raft group (as with etcd) a role change is refused as such.
        const named = new RegExp(`${field.source}|node|promoted`, 'i');
        await sendChecked(target, named, async () => {
          switch (name) {
            case 'GetNode':
              return call(client, client.GetNode, { node: nodeRef });
            case 'UpdateNode':
              return call(client, client.UpdateNode, { nodeId: nodeRef, version, spec: nodeSpec });
            case 'RemoveNode':
              return call(client, client.RemoveNode, { node: nodeRef, force: !down });
            case 'ListTasks':
              return call(client, client.ListTasks, { services: refs, nodes: [nodeRef] });
          }
        });
      },
    ),
    runs(150),
  );
  t.pass();
});

test('networks: any spec or reference: created, read or removed sound, or refused', async (t) => {
  const target = await startControlTarget(t);
  const { client } = target;
  const { networks } = await arrange(target);
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('CreateNetwork', 'GetNetwork', 'RemoveNetwork'),
      someChanges(networkSpecChange),
      fc.oneof(fc.constantFrom('own', 'name', 'prefix', ...networks), text),
      async (name, changes, pick) => {
        const base: NetworkSpec = { name: fresh('net'), labels: {}, driver: '', subnet: '' };
        const { value: spec, field } = changed(base, changes);
        if (name === 'CreateNetwork') {
          await sendChecked(target, field, () => call(client, client.CreateNetwork, { spec }));
          return;
        }
        // Made for this case, and gone after it: the pool of /24s is not endless.
        const own = (await call(client, client.CreateNetwork, { spec: base })).network!;
        const network =
          pick === 'own'
            ? own.id
            : pick === 'name'
              ? base.name
              : pick === 'prefix'
                ? own.id.slice(0, 3)
                : pick;
        await sendChecked(target, /network/, () =>
          name === 'GetNetwork'
            ? call(client, client.GetNetwork, { network })
            : call(client, client.RemoveNetwork, { network }),
        );
        await call(client, client.RemoveNetwork, { network: own.id }).catch(() => undefined);
      },
    ),
    runs(150),
  );
  t.pass();
});

test('RotateJoinToken and IssueClientCertificate: any role, request and expiry, or refused', async (t) => {
  const target = await startControlTarget(t);
  const { client } = target;
  const { csr } = await newKeyAndRequest();
  const request = fc.oneof(
    fc.constant(csr),
    fc
      .tuple(fc.nat(), fc.string({ minLength: 1, maxLength: 1 }))
      .map(([at, c]) => csr.slice(0, at % csr.length) + c + csr.slice((at % csr.length) + 1)),
    fc.nat().map((at) => csr.slice(0, at % csr.length)),
    text,
  );
  await fc.assert(
    fc.asyncProperty(enumOf('WORKER', 'MANAGER'), request, int64, async (role, csrPem, expiryMs) => {
      await sendChecked(target, /role/, () =>
        call(client, client.RotateJoinToken, { role: role as NodeRole }),
      );
      const sent = Date.now();
      const issued = await sendChecked(target, /csr|expiry/, () =>
        call(client, client.IssueClientCertificate, { csr: csrPem, expiryMs }),
      );
      // Certificates count whole seconds.
      const expires = issued && describeCert(issued.cert).expiresAtMs;
      check(
        !issued || expires! >= sent - 1_000,
        `a certificate issued for ${expiryMs} ms expires at ${expires}`,
      );
    }),
    runs(60),
  );
  t.pass();
});

type Unary = { path: string; requestSerialize: (req: object) => Buffer; responseStream: boolean };

test('every method, sent raw bytes (valid requests cut, flipped, extended, and noise): an answer or a refusal', async (t) => {
  const target = await startControlTarget(t);
  const { nodes } = target;
  await arrange(target);
  const s = await serviceFor(target);
  // A valid request of each method to start from; methods without fields take {}.
  const samples: Record<string, object> = {
    GetNode: { node: nodes.ready },
    UpdateNode: { nodeId: nodes.ready, spec: { desiredRole: 'WORKER', availability: 'DRAIN' } },
    RemoveNode: { node: nodes.down },
    CreateService: { spec: makeSpec({ name: 'raw' }) },
    GetService: { service: s.id },
    UpdateService: { serviceId: s.id, spec: s.spec },
    RemoveService: { service: 'raw' },
    ListTasks: { services: [s.id], nodes: [nodes.ready] },
    RotateJoinToken: { role: 'WORKER' },
    IssueClientCertificate: { csr: (await newKeyAndRequest()).csr },
    RollbackService: { service: s.id, toVersion: 1 },
    PromoteService: { service: s.id },
    CreateNetwork: { spec: { name: 'rawnet', subnet: '10.40.0.0/24' } },
    GetNetwork: { network: 'net0' },
    RemoveNetwork: { network: 'rawnet' },
  };
  const methods = Object.entries(wire.flotilla.Control.service as unknown as Record<string, Unary>)
    .filter(([, m]) => !m.responseStream)
    .map(([name, m]) => ({ name, path: m.path, bytes: m.requestSerialize(samples[name] ?? {}) }));
  const raw = new grpc.Client(target.addr, grpc.credentials.createInsecure());
  t.teardown(() => raw.close());
  const send = (path: string, bytes: Buffer) =>
    new Promise<unknown>((resolve, reject) =>
      raw.makeUnaryRequest(
        path,
        (b: Buffer) => b,
        (b: Buffer) => b,
        bytes,
        new grpc.Metadata(),
        { deadline: Date.now() + 10_000 },
        (err, res) => (err ? reject(fromServiceError(err, target.addr)) : resolve(res)),
      ),
    );
  const mutation = fc.oneof(
    fc.uint8Array({ maxLength: 64 }).map((noise) => () => Buffer.from(noise)),
    fc.nat().map((at) => (b: Buffer) => b.subarray(0, at % (b.length + 1))),
    fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })).map(([at, x]) => (b: Buffer) => {
      const copy = Buffer.from(b);
      if (copy.length) copy[at % copy.length]! ^= x;
      return copy;
    }),
    fc.uint8Array({ minLength: 1, maxLength: 16 }).map((tail) => (b: Buffer) => Buffer.concat([b, tail])),
  );
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...methods), mutation, async (m, mutate) => {
      // The answer is not decoded here: what counts is that the call ends as a user's would.
      await sendChecked(target, /./, () => send(m.path, mutate(m.bytes)));
    }),
    runs(400),
  );
  t.pass();
});

/** The refusal `send` ends in. */
async function refusal(send: Promise<unknown>): Promise<FlotillaError> {
  const err = await send.then(
    () => new Error('accepted'),
    (e: unknown) => e,
  );
  if (!isFlotillaError(err)) throw err;
  return err;
}

/** `csr` with the curve its key is on named as another (P-256's OID, its last byte changed). */
function onUnknownCurve(csr: string): string {
  const der = Buffer.from(x509.PemConverter.decodeFirst(csr));
  const p256 = Buffer.from('06082a8648ce3d030107', 'hex');
  der[der.indexOf(p256) + p256.length - 1] = 0x08;
  return x509.PemConverter.encode(der, 'CERTIFICATE REQUEST');
}

test('what the fuzzing found stays fixed', async (t) => {
  const target = await startControlTarget(t);
  const { client } = target;
  const create = async (change: (s: ServiceSpec) => void) => {
    const spec = makeSpec({ name: fresh('found') });
    change(spec);
    return (await refusal(call(client, client.CreateService, { spec }))).message;
  };
  // Enum values the contract does not name were stored, as numbers.
  t.regex(
    await create((s) => (s.update = { ...s.update!, order: 7 as never })),
    /invalid update order \(--update-order\)/,
  );
  t.regex(
    await create((s) => (s.rollback = { ...s.rollback!, failureAction: 9 as never })),
    /invalid rollback failure-action \(--rollback-failure-action\): expected pause or continue, got 9/,
  );
  t.regex(
    await create((s) => (s.task!.restart!.condition = 3 as never)),
    /invalid restart condition \(--restart-condition\)/,
  );
  // Durations longer than a timer waits fired at once (a restart delay of 30 days: none).
  t.regex(
    await create((s) => (s.task!.restart!.delayMs = 30 * 86_400_000)),
    /invalid restart delay.*at most 24 days/,
  );
  t.regex(await create((s) => (s.update = { ...s.update!, monitorMs: 2 ** 53 })), /invalid update monitor/);
  t.regex(await create((s) => (s.task!.container!.stopGracePeriodMs = 2 ** 40)), /invalid stop grace period/);

  // A request that does not decode was an INTERNAL error naming nothing.
  const raw = new grpc.Client(target.addr, grpc.credentials.createInsecure());
  t.teardown(() => raw.close());
  const undecodable = await refusal(
    new Promise((resolve, reject) =>
      raw.makeUnaryRequest(
        '/flotilla.Control/GetService',
        (b: Buffer) => b,
        (b: Buffer) => b,
        Buffer.from([0x08, 0xff]),
        (err, res) => (err ? reject(fromServiceError(err, target.addr)) : resolve(res)),
      ),
    ),
  );
  t.is(undecodable.code, 'INVALID_ARGUMENT');
  t.regex(undecodable.message, /invalid request: expected a flotilla\.Control\/GetService request/);

  // Requests whose key could not be read, or was not P-256, were INTERNAL errors; so was
  // signing for longer than a date in a certificate holds.
  const { csr } = await newKeyAndRequest();
  const issue = (req: { csr: string; expiryMs?: number }) =>
    refusal(call(client, client.IssueClientCertificate, req)).then((e) => e.message);
  t.regex(await issue({ csr: onUnknownCurve(csr) }), /^csr: expected a PEM certificate request/);
  const rsa = await webcrypto.subtle.generateKey(
    {
      name: 'RSASSA-PKCS1-v1_5',
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: 'SHA-256',
    },
    false,
    ['sign', 'verify'],
  );
  const rsaCsr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: 'CN=rsa',
    keys: rsa,
    signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
  });
  t.regex(await issue({ csr: rsaCsr.toString('pem') }), /^csr: expected a request for a P-256 ECDSA key/);
  t.regex(await issue({ csr, expiryMs: 2 ** 53 }), /invalid expiry: .*at most 20 years/);
});
