import test from 'ava';
import { isFlotillaError } from '../../../lib/errors.js';
import { validateServiceSpec } from '../../../manager/api/validate.js';
import type { ContainerSpec } from '../../../proto/types.js';
import { makeSpec } from '../helpers.js';

function withContainer(change: Partial<ContainerSpec>) {
  const spec = makeSpec({ name: 'web' }, 1);
  spec.task!.container = { ...spec.task!.container!, ...change };
  return spec;
}

const good: [string, Partial<ContainerSpec>][] = [
  ['a user name', { user: 'nobody' }],
  ['a uid and a gid', { user: '65534:65534' }],
  ['a name and a group', { user: 'www-data:nogroup' }],
  ['a hostname with placeholders', { hostname: '{{.Service.Name}}-{{ .Task.Slot }}.{{.Node.Hostname}}' }],
  [
    'every placeholder in env',
    {
      env: [
        'A={{.Service.ID}}{{.Service.Name}}{{.Task.ID}}{{.Task.Name}}{{.Task.Slot}}{{.Node.ID}}{{.Node.Hostname}}',
      ],
    },
  ],
];

for (const [what, change] of good) {
  test(`accepted: ${what}`, (t) => {
    t.notThrows(() => validateServiceSpec(withContainer(change)));
  });
}

const bad: [string, Partial<ContainerSpec>, RegExp][] = [
  ['an empty group', { user: 'nobody:' }, /invalid user \(--user\).*"nobody:"/],
  ['three parts', { user: 'a:b:c' }, /invalid user \(--user\)/],
  ['a space in the user', { user: 'no body' }, /invalid user \(--user\)/],
  ['a hostname with "_"', { hostname: 'my_host' }, /invalid hostname \(--hostname\).*"my_host"/],
  ['a hostname ending in "-"', { hostname: 'web-' }, /invalid hostname \(--hostname\)/],
  ['a label of 64 characters', { hostname: 'a'.repeat(64) }, /invalid hostname \(--hostname\)/],
  [
    'a misspelt placeholder in env',
    { env: ['NAME={{.Service.Nmae}}'] },
    /invalid env \(--env\) NAME: expected only the placeholders \{\{\.Service\.ID\}\} .*\{\{\.Node\.Hostname\}\}, got "\{\{\.Service\.Nmae\}\}"/,
  ],
  [
    'an unknown group in the hostname',
    { hostname: '{{.Container.ID}}' },
    /invalid hostname \(--hostname\).*"\{\{\.Container\.ID\}\}"/,
  ],
  [
    'other template syntax',
    { env: ['A={{ printf "x" }}'] },
    /invalid env \(--env\) A.*"\{\{ printf \\"x\\" \}\}"/,
  ],
  ['an unclosed placeholder', { env: ['A={{.Task.Slot'] }, /invalid env \(--env\) A/],
  ['a field inherited from Object', { env: ['A={{.Service.constructor}}'] }, /invalid env \(--env\) A/],
];

for (const [what, change, message] of bad) {
  test(`refused: ${what}`, (t) => {
    const err = t.throws(() => validateServiceSpec(withContainer(change)));
    t.true(isFlotillaError(err, 'INVALID_ARGUMENT'));
    t.regex(err.message, message);
  });
}
