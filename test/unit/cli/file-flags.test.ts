import test from 'ava';
import { isFlotillaError } from '../../../lib/errors.js';
import {
  filesFromFlags,
  parseFileReference,
  withFileChanges,
} from '../../../cli/commands/service/flags/file.js';
import { withSpecChanges } from '../../../cli/commands/service/spec-changes.js';
import { CREATE_DEFAULTS, specFromFlags } from '../../../cli/commands/service/spec.js';
import type { FileReference } from '../../../proto/types.js';
import { makeSpec } from '../helpers.js';

const ref = (fields: Partial<FileReference>): FileReference => ({
  id: '',
  name: '',
  target: '',
  uid: '',
  gid: '',
  mode: 0,
  env: '',
  ...fields,
});

test('--secret NAME: the source alone; the manager fills in the rest', (t) => {
  t.deepEqual(parseFileReference('--secret', 'db_password'), ref({ name: 'db_password' }));
});

test('--secret in long form: every key, mode read as octal', (t) => {
  t.deepEqual(
    parseFileReference('--secret', 'source=tls_key,target=/etc/ssl/key.pem,uid=0,gid=101,mode=0400'),
    ref({ name: 'tls_key', target: '/etc/ssl/key.pem', uid: '0', gid: '101', mode: 0o400 }),
  );
  t.is(parseFileReference('--secret', 'source=x,mode=0400').mode, 256);
  t.is(parseFileReference('--secret', 'source=x,mode=755').mode, 0o755);
  t.deepEqual(
    parseFileReference('--secret', 'src=x,env=DB_PASSWORD'),
    ref({ name: 'x', env: 'DB_PASSWORD' }),
  );
  t.deepEqual(
    parseFileReference('--config', 'source=nginx_conf,target=/etc/nginx/nginx.conf,mode=0444'),
    ref({ name: 'nginx_conf', target: '/etc/nginx/nginx.conf', mode: 0o444 }),
  );
});

for (const [value, expected] of [
  ['source=x,size=1', 'NAME, or comma-separated source=, target=, uid=, gid=, mode= and env='],
  ['source=x,readonly', 'NAME, or comma-separated'],
  ['target=/x', 'a source: NAME, or source=NAME'],
  ['source=,target=/x', 'a source'],
  ['', 'a source'],
  ['source=x,mode=0800', 'mode= in octal, 0 to 0777'],
  ['source=x,mode=1777', 'mode= in octal, 0 to 0777'],
  ['source=x,mode=rw', 'mode= in octal, 0 to 0777'],
  ['source=x,mode=', 'mode= in octal, 0 to 0777'],
  ['source=x,env=1PASSWORD', 'env= a variable name'],
  ['source=x,env=DB-PASSWORD', 'env= a variable name'],
  ['source=x,uid=root', 'uid= a numeric id'],
] as const) {
  test(`--secret ${JSON.stringify(value)} is refused, saying what was expected`, (t) => {
    const err = t.throws(() => parseFileReference('--secret', value));
    t.true(isFlotillaError(err, 'INVALID_ARGUMENT'));
    t.true(
      err?.message.startsWith(`invalid --secret: expected ${expected}`),
      `${err?.message} should start with ${expected}`,
    );
    t.true(err?.message.endsWith(`, got ${JSON.stringify(value)}`));
  });
}

test('filesFromFlags: --secret and --config, each flag named in its errors', (t) => {
  t.deepEqual(filesFromFlags({}), { secrets: [], configs: [] });
  t.deepEqual(filesFromFlags({ secret: ['a', 'source=b,target=bee'], config: ['c'] }), {
    secrets: [ref({ name: 'a' }), ref({ name: 'b', target: 'bee' })],
    configs: [ref({ name: 'c' })],
  });
  t.regex(t.throws(() => filesFromFlags({ config: ['target=/x'] }))?.message ?? '', /^invalid --config:/);
});

test('service create puts the references in the container spec', (t) => {
  const spec = specFromFlags('host', ['true'], {
    ...CREATE_DEFAULTS,
    name: 'web',
    secret: ['source=x,env=X'],
    config: ['source=c,target=/etc/c'],
  });
  t.deepEqual(spec.task?.container?.secrets, [ref({ name: 'x', env: 'X' })]);
  t.deepEqual(spec.task?.container?.configs, [ref({ name: 'c', target: '/etc/c' })]);
});

const existing = {
  secrets: [
    ref({ id: 's1', name: 'old', target: '/run/secrets/old', mode: 0o400 }),
    ref({ id: 's2', name: 'tls_key', target: '/etc/ssl/key.pem' }),
  ],
  configs: [ref({ id: 'c1', name: 'nginx_conf', target: '/etc/nginx/nginx.conf' })],
};

test('withFileChanges: no flags, the references as they came', (t) => {
  t.deepEqual(withFileChanges(existing, {}), existing);
});

test('withFileChanges: removes (by name or target) before it adds, so a secret can take an old target', (t) => {
  const next = withFileChanges(existing, {
    secretRm: ['old'],
    secretAdd: ['source=new,target=/run/secrets/old'],
    configRm: ['/etc/nginx/nginx.conf'],
    configAdd: ['nginx_conf_2'],
  });
  t.deepEqual(next.secrets, [existing.secrets[1], ref({ name: 'new', target: '/run/secrets/old' })]);
  t.deepEqual(next.configs, [ref({ name: 'nginx_conf_2' })]);
  t.is(existing.secrets.length, 2, 'the spec given is not changed');
});

test('withFileChanges: removing one the service does not have is an error naming it', (t) => {
  const err = t.throws(() => withFileChanges(existing, { secretRm: ['nope'] }));
  t.true(isFlotillaError(err, 'INVALID_ARGUMENT'));
  t.is(
    err?.message,
    'invalid --secret-rm: expected the name or target of a secret of the service (it has old, tls_key), got "nope"',
  );
  t.regex(
    t.throws(() => withFileChanges({ secrets: [], configs: [] }, { configRm: ['x'] }))?.message ?? '',
    /^invalid --config-rm: .*\(it has none\), got "x"$/,
  );
  t.regex(
    t.throws(() => withFileChanges(existing, { secretAdd: ['source=x,bad=1'] }))?.message ?? '',
    /^invalid --secret-add: /,
  );
});

test('service update: the flags change the container, other fields kept', (t) => {
  const spec = makeSpec();
  spec.task!.container!.secrets = existing.secrets;
  const next = withSpecChanges(spec, { envAdd: ['A=1'], envRm: [], secretRm: ['tls_key'], secretAdd: ['b'] });
  t.deepEqual(next.task?.container?.secrets, [existing.secrets[0], ref({ name: 'b' })]);
  t.deepEqual(next.task?.container?.configs, []);
  t.deepEqual(next.task?.container?.env, ['A=1']);
});
