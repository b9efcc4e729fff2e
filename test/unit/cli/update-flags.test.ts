import test from 'ava';
import { isFlotillaError } from '../../../lib/errors.js';
import { validateServiceSpec } from '../../../manager/api/validate.js';
import { shellWords, withSpecChanges } from '../../../cli/commands/service/spec-changes.js';
import { withPolicyFlags, type PolicyOptions } from '../../../cli/commands/service/flags/policy.js';
import { makeSpec } from '../helpers.js';

test('shellWords splits as a shell would, quotes kept together', (t) => {
  t.deepEqual(shellWords(`sh -c 'sleep 1; exit 1'`), ['sh', '-c', 'sleep 1; exit 1']);
  t.deepEqual(shellWords(`echo "a \\"b\\"" c\\ d  ''`), ['echo', 'a "b"', 'c d', '']);
  t.deepEqual(shellWords('  '), []);
  t.throws(() => shellWords(`sh -c 'oops`), {
    message: /invalid --args: expected words with balanced quotes/,
  });
});

test('withSpecChanges: image, env added and removed, args, replicas, force', (t) => {
  const spec = makeSpec({}, 2);
  spec.task!.container!.env = ['A=1', 'B=2'];
  const next = withSpecChanges(spec, {
    image: 'host',
    envAdd: ['B=3', 'C=4'],
    envRm: ['A'],
    args: 'sleep 5',
    replicas: '5',
    force: true,
  });
  t.deepEqual(next.task?.container?.env, ['B=3', 'C=4']);
  t.deepEqual(next.task?.container?.args, ['sleep', '5']);
  t.is(next.replicated?.replicas, 5);
  t.is(next.task?.forceUpdate, 1);
  t.deepEqual(spec.task?.container?.env, ['A=1', 'B=2'], 'the spec given is not changed');
  const bad = t.throws(() => withSpecChanges(spec, { envAdd: ['=x'], envRm: [] }));
  t.regex(bad?.message ?? '', /invalid --env-add: expected KEY=VALUE/);
});

test('withPolicyFlags: only the flags given change the policies and the health check', (t) => {
  const spec = withPolicyFlags(makeSpec(), {
    updateParallelism: '3',
    updateFailureAction: 'rollback',
    updateOrder: 'start-first',
    rollbackMonitor: '1s',
    updateTimeout: '2m',
    healthCmd: 'true',
    healthInterval: '2s',
  });
  t.like(spec.update, {
    parallelism: 3,
    failureAction: 'FAILURE_ROLLBACK',
    order: 'START_FIRST',
    monitorMs: 5000,
    timeoutMs: 120_000,
  });
  t.like(spec.rollback, { parallelism: 1, monitorMs: 1000, timeoutMs: 0 });
  t.deepEqual(spec.task?.container?.healthcheck, {
    cmd: 'true',
    intervalMs: 2000,
    timeoutMs: 30_000,
    retries: 3,
    startPeriodMs: 0,
  });
  t.notThrows(() => validateServiceSpec(spec));
  const same = withPolicyFlags(spec, { healthcheck: true });
  t.deepEqual(same, spec);
  t.is(withPolicyFlags(spec, { healthcheck: false }).task?.container?.healthcheck, null);
  t.is(withPolicyFlags(makeSpec(), {}).update, null);
});

const badFlags: [Partial<PolicyOptions>, RegExp][] = [
  [{ updateFailureAction: 'retry' }, /--update-failure-action: expected pause, continue, rollback/],
  [{ rollbackFailureAction: 'rollback' }, /--rollback-failure-action: expected pause, continue/],
  [{ updateOrder: 'first' }, /--update-order: expected stop-first, start-first/],
  [{ updateMaxFailureRatio: '1.5' }, /--update-max-failure-ratio: expected a number from 0 to 1/],
  [{ updateDelay: '5' }, /--update-delay: expected a duration/],
  [{ healthInterval: '1s' }, /--health-cmd: expected a command/],
  [{ healthCmd: 'true', healthcheck: false }, /--no-healthcheck: expected not with --health-cmd/],
];
for (const [flags, message] of badFlags) {
  test(`withPolicyFlags refuses ${JSON.stringify(flags)}`, (t) => {
    const err = t.throws(() => withPolicyFlags(makeSpec(), flags));
    t.true(isFlotillaError(err, 'INVALID_ARGUMENT'));
    t.regex(err?.message ?? '', message);
  });
}

test('the API refuses a health check with no interval and a rollback that would roll back', (t) => {
  const spec = makeSpec();
  spec.task!.container!.healthcheck = {
    cmd: 'true',
    intervalMs: 0,
    timeoutMs: 1,
    retries: 1,
    startPeriodMs: 0,
  };
  t.throws(() => validateServiceSpec(spec), { message: /invalid health interval \(--health-interval\)/ });
  const rollback = withPolicyFlags(makeSpec(), { rollbackParallelism: '2' });
  rollback.rollback!.failureAction = 'FAILURE_ROLLBACK';
  t.throws(() => validateServiceSpec(rollback), { message: /invalid rollback failure-action/ });
});
