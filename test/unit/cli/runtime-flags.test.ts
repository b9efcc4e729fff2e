import test from 'ava';
import { isFlotillaError } from '../../../lib/errors.js';
import { validateRuntimeFields } from '../../../manager/api/validate-container.js';
import {
  parseMount,
  overlayNetworksFromFlags,
  runtimeFromFlags,
  withLimits,
} from '../../../cli/commands/runtime-flags.js';
import type { ContainerSpec } from '../../../proto/types.js';

test('--mount takes Docker syntax', (t) => {
  t.deepEqual(parseMount('type=bind,source=/srv,target=/data,readonly'), {
    type: 'bind',
    source: '/srv',
    target: '/data',
    readOnly: true,
  });
  t.deepEqual(parseMount('type=tmpfs,dst=/scratch'), {
    type: 'tmpfs',
    source: '',
    target: '/scratch',
    readOnly: false,
  });
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
    bad({ mounts: [{ type: 'volume', source: 'x', target: '/x', readOnly: false }] }) ?? '',
    /mounts\[0\].*type=bind/,
  );
  t.regex(bad({ mounts: [{ type: 'bind', source: 'rel', target: '/x', readOnly: false }] }) ?? '', /source/);
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
