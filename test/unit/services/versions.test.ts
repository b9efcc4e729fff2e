import test from 'ava';
import { rolledBack, SPEC_HISTORY_LIMIT, withSpec } from '../../../manager/services/versions.js';
import type { Service, ServiceSpec } from '../../../proto/types.js';
import { makeService, makeSpec } from '../helpers.js';

function withEnv(service: Service, env: string[]): ServiceSpec {
  const spec = structuredClone(service.spec!);
  spec.task!.container!.env = env;
  return spec;
}

test('a task change makes a new version and starts an update; other changes keep the version', (t) => {
  const v1 = makeService(makeSpec({}, 2));
  const v2 = withSpec(v1, withEnv(v1, ['V=2']), 1000);
  t.is(v2.specVersion, 2);
  t.like(v2.updateStatus, { state: 'UPDATING', fromVersion: 1, toVersion: 2, startedAt: 1000 });
  t.deepEqual(
    v2.specHistory.map((v) => v.version),
    [1],
  );
  const scaled = withSpec(v2, { ...v2.spec!, replicated: { replicas: 5 } }, 2000);
  t.is(scaled.specVersion, 2);
  t.is(scaled.specHistory.length, 1);
  t.is(scaled.updateStatus?.startedAt, 1000, 'an update in progress goes on as it was');
});

test('the same task spec again resumes a paused update or rollback, counting failures afresh', (t) => {
  const v1 = makeService(makeSpec());
  const v2 = withSpec(v1, withEnv(v1, ['V=2']), 1000);
  const paused = {
    ...v2,
    updateStatus: { ...v2.updateStatus!, state: 'UPDATE_PAUSED' as const, message: 'x' },
  };
  t.like(withSpec(paused, paused.spec!, 5000).updateStatus, {
    state: 'UPDATING',
    startedAt: 5000,
    message: '',
  });
  const back = { ...v2, updateStatus: { ...v2.updateStatus!, state: 'ROLLBACK_PAUSED' as const } };
  t.is(withSpec(back, back.spec!, 5000).updateStatus?.state, 'ROLLBACK_STARTED');
});

test(`the history keeps the last ${SPEC_HISTORY_LIMIT} versions; a rollback is a new version`, (t) => {
  let s = makeService(makeSpec({}, 3));
  for (let i = 2; i <= 14; i++) s = withSpec(s, withEnv(s, [`V=${i}`]), i);
  t.is(s.specVersion, 14);
  t.deepEqual(
    s.specHistory.map((v) => v.version),
    [4, 5, 6, 7, 8, 9, 10, 11, 12, 13],
  );
  s = withSpec(s, { ...s.spec!, replicated: { replicas: 7 } }, 20);
  const back = rolledBack(s, 6, 30, 'asked');
  t.is(back.specVersion, 15);
  t.deepEqual(back.spec?.task?.container?.env, ['V=6']);
  t.is(back.spec?.replicated?.replicas, 7, 'the replica count stays');
  t.like(back.updateStatus, { state: 'ROLLBACK_STARTED', fromVersion: 14, toVersion: 15 });
  t.regex(back.updateStatus!.message, /asked \(back to the spec of v6\)/);
  t.throws(() => rolledBack(s, 2, 30, 'asked'), {
    message: /has no version 2 in its history \(it has: 4, 5/,
  });
  t.throws(() => rolledBack(makeService(makeSpec()), 0, 30, 'asked'), { message: /no previous version/ });
});
