/** Compose files loaded: interpolation, the .env file, merging of several files, and errors with their place. */
import test from 'ava';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  interpolate,
  loadComposeFiles,
  parseDotEnv,
  where,
  type Mapping,
} from '../../../cli/stack/compose-file.js';

const fixtures = fileURLToPath(new URL('../../../../test/fixtures/stack/full/', import.meta.url));

/** Writes files into a new directory; returns their paths in order. */
function files(contents: Record<string, string>): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'stack-'));
  return Object.entries(contents).map(([name, text]) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  });
}

const vars: Record<string, string> = { SET: 'yes', EMPTY: '' };
const lookup = (name: string) => vars[name];
const fail = (message: string): never => {
  throw new Error(message);
};
const i = (text: string) => interpolate(text, lookup, fail);

test('interpolation: every form Compose has', (t) => {
  t.is(i('${SET} $SET'), 'yes yes');
  t.is(i('${UNSET}|$UNSET'), '|');
  t.is(i('${UNSET:-def} ${EMPTY:-def} ${EMPTY-def} ${SET:-def}'), 'def def  yes');
  t.is(i('${UNSET-def}'), 'def');
  t.is(i('${SET:+alt}${UNSET:+alt}'), 'alt');
  t.is(i('$$HOME costs $$5'), '$HOME costs $5');
  t.is(i('${UNSET:-${SET}-nested}'), 'yes-nested');
  t.throws(() => i('${UNSET:?give UNSET a value}'), { message: 'UNSET is required: give UNSET a value' });
  t.throws(() => i('${EMPTY:?}'), { message: 'EMPTY is required' });
  t.is(i('${EMPTY?err}'), '');
  t.throws(() => i('${SET'), { message: /unterminated/ });
  t.throws(() => i('${1BAD}'), { message: /expected \$\{NAME\}/ });
  t.throws(() => i('a $ b'), { message: /write \$\$/ });
});

test('.env: comments, export, quotes', (t) => {
  t.deepEqual(parseDotEnv('# c\nA=1\nexport B="two words"\nC=\'x\'\nD=v # note\n\nbad line\n'), {
    A: '1',
    B: 'two words',
    C: 'x',
    D: 'v',
  });
});

test('the .env beside the first file is read; the environment wins over it', (t) => {
  const { model } = loadComposeFiles([join(fixtures, 'compose.yml')], { TAG: '2.0' });
  const web = (model.services as Mapping).web as Mapping;
  t.is(web.image, 'flotilla/httpd:2.0');
  t.is((web.environment as Mapping).REGION, 'us');
});

test('anchors, merge keys and YAML 1.1 octal modes, as Docker reads them', (t) => {
  const { model } = loadComposeFiles([join(fixtures, 'compose.yml')], {});
  const web = (model.services as Mapping).web as Mapping;
  t.like(web.environment, { TIER: 'backend', GREETING: 'hello $USER', FROM_SHELL: null });
  t.is(((web.secrets as Mapping[])[1] as Mapping).mode, 0o400);
  // Base-60 numbers and dates of YAML 1.1 keep their text: an unquoted port pair stays one.
  const [f] = files({
    'p.yml': 'services:\n  a:\n    ports: [8080:80, 53]\n    labels: {day: 2024-01-02}\n',
  });
  const a = (loadComposeFiles([f!], {}).model.services as Mapping).a as Mapping;
  t.deepEqual(a.ports, ['8080:80', 53]);
  t.deepEqual(a.labels, { day: '2024-01-02' });
});

test('several files merge: maps by key, ports, volumes and secrets by target, commands whole', (t) => {
  const [base, over] = files({
    'a.yml': `services:
  web:
    image: x
    command: [a, b]
    environment: [A=1, B=2]
    ports: ['8080:80', '9090:90']
    volumes: ['/a:/data', '/b:/logs']
    secrets: [s1, {source: s2, target: t2}]
    deploy: {replicas: 2, labels: {x: '1'}}
`,
    'b.yml': `services:
  web:
    command: c
    environment: {B: '3', C: '4'}
    ports: [{target: 80, published: 8081}]
    volumes: ['/c:/logs']
    secrets: [{source: s3, target: t2}]
    deploy: {labels: [y=2]}
  db:
    image: y
`,
  });
  const { model } = loadComposeFiles([base!, over!], {});
  const services = model.services as Mapping;
  const web = services.web as Mapping;
  t.deepEqual(Object.keys(services), ['web', 'db']);
  t.is(web.command, 'c');
  t.deepEqual(web.environment, { A: '1', B: '3', C: '4' });
  t.deepEqual(web.ports, ['9090:90', { target: 80, published: 8081 }]);
  t.deepEqual(web.volumes, ['/a:/data', '/c:/logs']);
  t.deepEqual(web.secrets, ['s1', { source: 's3', target: 't2' }]);
  t.deepEqual(web.deploy, { replicas: 2, labels: { x: '1', y: '2' } });
  // Each entry knows the file and line it came from.
  t.is(where(web, 'command'), 'b.yml:3');
  t.is(where(web, 'image'), 'a.yml:3');
  t.is(where(web.ports as object, 0), 'a.yml:6');
  t.is(where(web.ports as object, 1), 'b.yml:5');
  t.is(where(web.environment as object, 'A'), 'a.yml:5');
});

test('a YAML error names the file, line and column', (t) => {
  const [bad] = files({ 'bad.yml': 'services:\n  web:\n    image: x\n   ports: [1\n' });
  const err = t.throws(() => loadComposeFiles([bad!], {}));
  t.regex(err.message, /bad\.yml: .*line 4/);
});

test('a duplicate key is an error', (t) => {
  const [dup] = files({ 'dup.yml': 'services:\n  web:\n    image: x\n    image: y\n' });
  t.throws(() => loadComposeFiles([dup!], {}), { message: /dup\.yml: .*unique/i });
});

test('a required variable that is unset names the key, file and line', (t) => {
  const [f] = files({
    'c.yml': 'services:\n  web:\n    image: x\n    environment:\n      KEY: ${NEED:?set NEED}\n',
  });
  const err = t.throws(() => loadComposeFiles([f!], {}));
  t.is(
    err.message,
    'invalid services.web.environment.KEY (c.yml:5): expected a valid interpolation, got "NEED is required: set NEED"',
  );
});

test('a missing file is named', (t) => {
  t.throws(() => loadComposeFiles(['/nonexistent/compose.yml'], {}), {
    message: /cannot read \/nonexistent\/compose\.yml/,
  });
});
