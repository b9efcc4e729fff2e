/**
 * deploy/systemd/flotilla.service: systemd reads it without complaint (systemd-analyze verify,
 * where present), and it says what the daemon relies on.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../unit/helpers.js';

const unitFile = fileURLToPath(new URL('../../../deploy/systemd/flotilla.service', import.meta.url));

/** The unit's settings: section → key → values, in order (a key may be given more than once). */
function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[(.+)\]$/.exec(line);
    if (section) {
      current = new Map();
      sections.set(section[1]!, current);
      continue;
    }
    const setting = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (!current || !setting) throw new Error(`not a unit file line: ${raw}`);
    current.set(setting[1]!, [...(current.get(setting[1]!) ?? []), setting[2]!]);
  }
  return sections;
}

test('the unit runs the daemon in the foreground and leaves the tasks running when it stops', async (t) => {
  const unit = parseUnit(await readFile(unitFile, 'utf8'));
  t.deepEqual([...unit.keys()], ['Unit', 'Service', 'Install']);
  const service = unit.get('Service')!;
  t.deepEqual(service.get('ExecStart'), ['/usr/local/bin/cluster daemon --data-dir /var/lib/flotilla']);
  t.deepEqual(service.get('KillMode'), ['process']);
  t.deepEqual(service.get('Restart'), ['on-failure']);
  t.truthy(service.get('LimitNOFILE'));
  const after = unit.get('Unit')!.get('After')!.join(' ').split(/\s+/);
  t.true(after.includes('network-online.target') && after.includes('containerd.service'));
  t.deepEqual(unit.get('Install')!.get('WantedBy'), ['multi-user.target']);
});

const analyze = spawnSync('systemd-analyze', ['--version']).status === 0;

(analyze ? test : test.skip)('systemd-analyze verify finds nothing to say about the unit', async (t) => {
  // verify wants the command to exist: the copy checked runs a program every machine has.
  const text = (await readFile(unitFile, 'utf8')).replace('/usr/local/bin/cluster', '/bin/true');
  const copy = join(await tempDir(t), 'flotilla.service');
  await writeFile(copy, text);
  const res = spawnSync('systemd-analyze', ['verify', copy], { encoding: 'utf8', timeout: 60_000 });
  t.is(res.status, 0, res.stderr);
  // Unknown keys and bad values are only warnings: any line about the unit is one.
  t.deepEqual(
    res.stderr.split('\n').filter((l) => l.includes('flotilla.service')),
    [],
  );
});
