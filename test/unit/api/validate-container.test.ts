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

/** A container of an image (volumes are for containers) with one named volume of `options`. */
function withVolume(options: Record<string, string>, volumeDriver = '') {
  const mount = { type: 'volume', source: 'data', target: '/data', readOnly: false, volumeDriver };
  return withContainer({ image: 'alpine', mounts: [{ ...mount, volumeOptions: options }] });
}

for (const [what, options] of [
  ['no options (a plain directory)', {}],
  ['a tmpfs of a size', { type: 'tmpfs', o: 'size=64m' }],
  ['a bind of a host path', { type: 'none', o: 'bind,ro', device: '/srv/data' }],
] as const) {
  test(`volume accepted: ${what}`, (t) => {
    t.notThrows(() => validateServiceSpec(withVolume(options)));
  });
}

const badVolumes: [string, Record<string, string>, string, RegExp][] = [
  ['another driver', {}, 'nfs', /invalid mounts\[0\] \(--mount\) volume-driver: expected local, got "nfs"/],
  ['an unknown key', { size: '1g' }, '', /invalid mounts\[0\] \(--mount\) volume-opt\.size: .*"size"/],
  ['type=nfs', { type: 'nfs', device: ':/export', o: 'addr=10.0.0.1' }, '', /volume-opt\.type: .*"nfs"/],
  ['device without o=bind', { type: 'none', device: '/srv/data' }, '', /volume-opt\.o: expected bind/],
  ['device without type', { device: '/srv/data', o: 'bind' }, '', /volume-opt\.type: .*""/],
  ['a relative device', { type: 'none', o: 'bind', device: 'srv' }, '', /volume-opt\.device: .*"srv"/],
];

for (const [what, options, driver, message] of badVolumes) {
  test(`volume refused before it is stored: ${what}`, (t) => {
    const err = t.throws(() => validateServiceSpec(withVolume(options, driver)));
    t.true(isFlotillaError(err, 'INVALID_ARGUMENT'));
    t.regex(err.message, message);
  });
}
