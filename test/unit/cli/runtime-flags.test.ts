import test from 'ava';
import { isFlotillaError } from '../../../lib/errors.js';
import { validateRuntimeFields } from '../../../manager/api/validate-container.js';
import {
  parseMount,
  overlayNetworksFromFlags,
  runtimeFromFlags,
  withLimits,
} from '../../../cli/commands/service/flags/runtime.js';
import { mountWith, type ContainerSpec } from '../../../proto/types.js';

const MOUNT = mountWith();

test('--mount takes Docker syntax', (t) => {
  t.deepEqual(parseMount('type=bind,source=/srv,target=/data,readonly'), {
    ...MOUNT,
    type: 'bind',
    source: '/srv',
    target: '/data',
    readOnly: true,
  });
  t.deepEqual(parseMount('type=tmpfs,dst=/scratch'), { ...MOUNT, type: 'tmpfs', target: '/scratch' });
  t.deepEqual(
    parseMount(
      'type=volume,source=cache,target=/data,volume-driver=local,volume-opt=type=tmpfs,volume-opt=o=size=64m',
    ),
    {
      ...MOUNT,
      source: 'cache',
      target: '/data',
      volumeDriver: 'local',
      volumeOptions: { type: 'tmpfs', o: 'size=64m' },
    },
  );
  t.true(
    isFlotillaError(
      t.throws(() => parseMount('type=bind,size=1')),
      'INVALID_ARGUMENT',
    ),
  );
});

test('--limit-* flags become resource limits next to reservations', (t) => {
  const placed = { placement: null, resources: null };
  t.is(withLimits({}, placed), placed);
  t.deepEqual(withLimits({ limitCpu: '0.5', limitMemory: '64M', limitPids: '10' }, placed).resources, {
    reservations: null,
    generic: {},
    limits: { nanoCpus: 5e8, memoryBytes: 64 * 2 ** 20, pids: 10 },
  });
  t.true(
    isFlotillaError(
      t.throws(() => withLimits({ limitMemory: 'lots' }, placed)),
      'INVALID_ARGUMENT',
    ),
  );
});

test('validation names the bad mount, capability or limit', (t) => {
  const base = { mounts: [], readOnly: false, capAdd: [], capDrop: [] } as unknown as ContainerSpec;
  const bad = (c: Partial<ContainerSpec>, limits: Parameters<typeof validateRuntimeFields>[1] = null) =>
    t.throws(() => validateRuntimeFields({ ...base, ...c }, limits))?.message;
  t.notThrows(() =>
    validateRuntimeFields(
      { ...base, ...runtimeFromFlags({ capAdd: ['net_admin'], capDrop: ['ALL'] }, 'busybox') },
      null,
    ),
  );
  t.regex(
    bad({ mounts: [{ ...MOUNT, type: 'nfs', source: 'x', target: '/x' }] }) ?? '',
    /mounts\[0\].*type=bind, type=tmpfs or type=volume/,
  );
  t.regex(bad({ mounts: [{ ...MOUNT, type: 'bind', source: 'rel', target: '/x' }] }) ?? '', /source/);
  t.regex(bad({ mounts: [{ ...MOUNT, source: '../x', target: '/x' }] }) ?? '', /volume name/);
  t.regex(
    bad({ mounts: [{ ...MOUNT, source: 'x', target: '/x', volumeDriver: 'nfs' }] }) ?? '',
    /volume-driver/,
  );
  t.regex(
    bad({ image: 'host', command: ['true'], mounts: [{ ...MOUNT, source: 'x', target: '/x' }] }) ?? '',
    /plain process/,
  );
  t.regex(bad({ capAdd: ['FLY'] }) ?? '', /--cap-add/);
  t.regex(bad({}, { nanoCpus: 0, memoryBytes: 1024, pids: 0 }) ?? '', /--limit-memory/);
});

test('--network host asks for the node network, alone; other names are overlay networks', (t) => {
  t.false(runtimeFromFlags({}, 'img').hostNetwork);
  t.false(runtimeFromFlags({ network: ['bridge'] }, 'img').hostNetwork);
  t.true(runtimeFromFlags({ network: ['host'] }, 'img').hostNetwork);
  t.throws(() => runtimeFromFlags({ network: ['host', 'backend'] }, 'img'), {
    message: /invalid --network: expected host alone/,
  });
  t.deepEqual(overlayNetworksFromFlags({ network: ['bridge', 'backend', 'front'] }), ['backend', 'front']);
  t.deepEqual(overlayNetworksFromFlags({}), []);
});
