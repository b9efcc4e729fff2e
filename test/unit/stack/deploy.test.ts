/** What `stack deploy` and `stack rm` ask of the cluster, against a fake Control client. */
import test from 'ava';
import { FlotillaError } from '../../../lib/errors.js';
import { toServiceError } from '../../../proto/rpc.js';
import type { ControlClient } from '../../../proto/gen/flotilla/Control.js';
import type { ServiceSpec } from '../../../proto/types.js';
import { CREATE_DEFAULTS, specFromFlags } from '../../../cli/commands/service/spec.js';
import { NAMESPACE_LABEL, type StackPlan } from '../../../cli/stack/compose-to-spec.js';
import { deployStack, removeStack } from '../../../cli/stack/deploy.js';

const NS = { [NAMESPACE_LABEL]: 'shop' };

/** A client whose methods answer from `answers` (a value, or a function of the request) and record requests. */
function fakeClient(answers: Record<string, unknown>) {
  const requests: Record<string, unknown[]> = {};
  const client = new Proxy(
    {},
    {
      get: (_t, method: string) =>
        // Errors name the address the client talks to.
        method === 'getChannel'
          ? () => ({ getTarget: () => 'fake' })
          : function (req: unknown, _m: unknown, _o: unknown, done: (err: unknown, res?: unknown) => void) {
              (requests[method] ??= []).push(req);
              const answer = answers[method];
              setImmediate(() => {
                try {
                  const res =
                    typeof answer === 'function' ? (answer as (r: unknown) => unknown)(req) : answer;
                  if (res === undefined) done(new Error(`no answer to ${method}`));
                  else done(null, res);
                } catch (err) {
                  done(toServiceError(err));
                }
              });
              return { on: () => {} };
            },
    },
  ) as ControlClient;
  return { client, requests };
}

const spec = (name: string, args: string[], network = 'shop_default'): ServiceSpec =>
  specFromFlags('flotilla/busybox', args, {
    ...CREATE_DEFAULTS,
    name,
    label: [`${NAMESPACE_LABEL}=shop`],
    network: [network],
  });

const plan = (over: Partial<StackPlan> = {}): StackPlan => ({
  stack: 'shop',
  services: new Map([
    ['shop_web', spec('shop_web', ['httpd'])],
    ['shop_db', spec('shop_db', ['db', '--v2'])],
    ['shop_new', spec('shop_new', ['new'])],
  ]),
  networks: [{ name: 'shop_default', external: false, subnet: '', labels: NS }],
  secrets: [{ name: 'shop_pw', external: false, data: Buffer.from('s3cret'), labels: NS }],
  configs: [],
  warnings: [],
  ...over,
});

/** A stored service: its networks by id, as the manager keeps them. */
const stored = (s: ServiceSpec, version: number) => ({
  service: {
    id: `id-${s.name}`,
    meta: { version },
    spec: { ...s, task: { ...s.task!, networks: ['net1'] } },
  },
});

const cluster = (over: Record<string, unknown> = {}) => ({
  ListNetworks: { networks: [] },
  ListSecrets: { secrets: [] },
  ListConfigs: { configs: [] },
  ListServices: {
    services: [
      stored(spec('shop_web', ['httpd']), 7),
      stored(spec('shop_db', ['db', '--v1']), 8),
      stored(spec('shop_old', ['old']), 9),
      stored({ ...spec('other', ['x']), labels: {} }, 10),
    ],
  },
  CreateNetwork: (req: { spec: { name: string } }) => ({ network: { id: 'net1', spec: req.spec } }),
  CreateSecret: {},
  CreateService: {},
  UpdateService: {},
  RemoveService: {},
  ...over,
});

test('deploy creates what is missing, updates what changed on the version read, leaves the rest, prunes', async (t) => {
  const { client, requests } = fakeClient(cluster());
  const lines: string[] = [];
  await deployStack(client, plan(), { prune: true }, (l) => lines.push(l));
  t.deepEqual(lines, [
    'Creating network shop_default',
    'Creating secret shop_pw',
    'Service shop_web unchanged',
    'Updating service shop_db',
    'Creating service shop_new',
    'Removing service shop_old',
  ]);
  t.like(requests.CreateNetwork?.[0], { spec: { name: 'shop_default', driver: 'overlay', labels: NS } });
  t.deepEqual(requests.CreateSecret?.[0], {
    spec: { name: 'shop_pw', labels: NS, data: Buffer.from('s3cret') },
    existOk: true,
    validateOnly: false,
  });
  t.like(requests.UpdateService?.[0], { serviceId: 'id-shop_db', version: 8 });
  // The spec sent names the network by the id it was given.
  t.deepEqual((requests.CreateService?.[0] as { spec: ServiceSpec }).spec.task?.networks, ['net1']);
  t.deepEqual(requests.RemoveService, [{ service: 'id-shop_old' }]);
});

test('deploy returns the services it created and updated, as the manager answered: those a waiting deploy follows', async (t) => {
  const answered = (req: { spec: ServiceSpec; serviceId?: string }) => ({
    service: { id: req.serviceId ?? `new-${req.spec.name}`, spec: req.spec },
  });
  const { client } = fakeClient(cluster({ CreateService: answered, UpdateService: answered }));
  const written = await deployStack(client, plan(), {}, () => {});
  t.deepEqual(
    written.map((s) => s.id),
    ['id-shop_db', 'new-shop_new'],
  );
});

test('without --prune, services the files dropped stay', async (t) => {
  const { client, requests } = fakeClient(cluster());
  await deployStack(client, plan(), {}, () => {});
  t.is(requests.RemoveService, undefined);
});

test('an existing secret is checked by the manager, kept when unchanged; a changed one is refused before anything is written', async (t) => {
  const existing = { ListSecrets: { secrets: [{ secret: { spec: { name: 'shop_pw', labels: NS } } }] } };
  const kept = fakeClient(cluster(existing));
  await deployStack(kept.client, plan(), {}, () => {});
  t.deepEqual(kept.requests.CreateSecret, [
    { spec: { name: 'shop_pw', labels: NS, data: Buffer.from('s3cret') }, existOk: true, validateOnly: true },
  ]);

  const changedValue = () => {
    throw new FlotillaError('ALREADY_EXISTS', 'a secret named "shop_pw" exists with another value');
  };
  const refused = fakeClient(cluster({ ...existing, CreateSecret: changedValue }));
  const err = await t.throwsAsync(deployStack(refused.client, plan(), {}, () => {}));
  t.regex(err.message, /secret shop_pw has changed, and secrets cannot be changed: give it a new name/);
  t.is(refused.requests.CreateNetwork, undefined);
  t.is(refused.requests.CreateService, undefined);
});

test('external objects must exist; names of others are not taken over', async (t) => {
  const ext = plan({ networks: [{ name: 'shared', external: true, subnet: '', labels: NS }] });
  const missing = fakeClient(cluster());
  await t.throwsAsync(
    deployStack(missing.client, ext, {}, () => {}),
    {
      message: /network shared is external but does not exist: create it first/,
    },
  );
  const extSecret = plan({ secrets: [{ name: 'prod_pw', external: true, labels: NS }] });
  await t.throwsAsync(
    deployStack(fakeClient(cluster()).client, extSecret, {}, () => {}),
    {
      message: /secret prod_pw is external but does not exist/,
    },
  );
  const theirs = plan({ services: new Map([['other', spec('other', ['x'])]]) });
  const taken = fakeClient(cluster());
  await t.throwsAsync(
    deployStack(taken.client, theirs, {}, () => {}),
    {
      message: /a service named other exists and is not of stack shop/,
    },
  );
  t.is(taken.requests.CreateNetwork, undefined);
});

test('rm removes the services, then secrets, configs and networks, retrying while they are in use', async (t) => {
  let refusals = 1;
  const { client, requests } = fakeClient({
    ...cluster(),
    ListNetworks: { networks: [{ network: { id: 'n1', spec: { name: 'shop_default', labels: NS } } }] },
    ListSecrets: { secrets: [{ secret: { id: 's1', spec: { name: 'shop_pw', labels: NS } } }] },
    RemoveSecret: {},
    RemoveNetwork: () => {
      if (refusals-- > 0) throw new FlotillaError('CONFLICT', 'still has tasks');
      return {};
    },
  });
  const lines: string[] = [];
  t.true(await removeStack(client, 'shop', (l) => lines.push(l)));
  t.deepEqual(lines, [
    'Removing service shop_web',
    'Removing service shop_db',
    'Removing service shop_old',
    'Removing secret shop_pw',
    'Removing network shop_default',
  ]);
  t.is(requests.RemoveNetwork?.length, 2);
  const none = fakeClient(cluster({ ListServices: { services: [] } }));
  t.false(await removeStack(none.client, 'shop', () => {}));
});
