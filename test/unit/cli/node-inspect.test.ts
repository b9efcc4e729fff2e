/** `node inspect`, JSON and --pretty, through the command's own definition. */
import test from 'ava';
import { nodeCommands } from '../../../cli/commands/node/index.js';
import type { Node } from '../../../proto/types.js';
import { makeNode } from '../helpers.js';
import { runCommand, type Answers } from './cli-kit.js';

const at = Date.UTC(2026, 11, 7, 14, 30, 0);

const manager: Node = makeNode({
  id: 'node-m1-aaaaaaaaaaaaaaaa',
  meta: { version: 4, createdAt: at, updatedAt: at },
  role: 'MANAGER',
  spec: { desiredRole: 'MANAGER', availability: 'DRAIN', labels: { zone: 'b', rack: '7' } },
  description: {
    hostname: 'm1',
    platform: { os: 'linux', arch: 'x86_64' },
    resources: { nanoCpus: 4e9, memoryBytes: 8 * 2 ** 30, pids: 0 },
    runtimes: ['process', 'containerd'],
    version: '0.1.0',
    genericResources: { gpu: 2 },
    engineLabels: { storage: 'ssd' },
    dnsAddr: '10.0.0.1:53',
    overlayNetworks: true,
  },
  status: { state: 'READY', message: '', addr: '10.0.0.1:4242' },
  managerStatus: { raftId: 1, addr: '10.0.0.1:4243', leader: true, reachability: 'REACHABLE' },
  certificate: {
    expiresAtMs: at + 86_400_000,
    issuer: 'flotilla-ca',
    serial: '0a1b',
    caDigest: 'sha256:beef',
  },
  containerSubnet: '10.200.1.0/24',
  dataPathAddr: '192.168.1.5',
});

const worker: Node = makeNode({
  id: 'node-w1-bbbbbbbbbbbbbbbb',
  spec: { desiredRole: 'MANAGER', availability: 'ACTIVE', labels: {} },
  description: null,
  status: { state: 'DOWN', message: 'heartbeat missed', addr: '10.0.0.2:4242' },
});

const ANSWERS: Answers = {
  GetNode: (req: { node: string }) => ({ node: req.node === 'w1' ? worker : manager }),
};

const run = async (...args: string[]) => (await runCommand(nodeCommands, ANSWERS, args)).stdout;

test.serial('node inspect --pretty: a manager as text', async (t) => {
  const out = await run('node', 'inspect', '--pretty', 'm1');
  const value = (key: string) => out.match(new RegExp(`^\\s*${key}:\\s+(.*)$`, 'm'))?.[1];
  t.is(value('ID'), manager.id);
  t.is(value('Hostname'), 'm1');
  t.regex(out, /^Labels:\n rack:\s+7\n zone:\s+b$/m);
  t.is(value('Joined at'), '2026-12-07T14:30:00.000Z');
  t.is(value('Role'), 'manager');
  t.regex(out, /^Status:\n State:\s+Ready\n Availability:\s+Drain\n Address:\s+10\.0\.0\.1:4242$/m);
  t.regex(
    out,
    /^Manager Status:\n Address:\s+10\.0\.0\.1:4243\n Raft Status:\s+Reachable\n Leader:\s+Yes\n Raft ID:\s+1$/m,
  );
  t.regex(out, /^Platform:\n Operating System:\s+linux\n Architecture:\s+x86_64$/m);
  t.regex(out, /^Resources:\n CPUs:\s+4\n Memory:\s+8 GiB\n Generic:\n {2}gpu:\s+2$/m);
  t.is(value('Runtimes'), 'process, containerd');
  t.is(value('Engine Version'), '0.1.0');
  t.regex(out, /^Engine Labels:\n storage:\s+ssd$/m);
  t.regex(
    out,
    /^Networking:\n Container Subnet:\s+10\.200\.1\.0\/24\n Data Path Address:\s+192\.168\.1\.5\n DNS:\s+10\.0\.0\.1:53\n Overlay Networks:\s+Yes$/m,
  );
  t.regex(
    out,
    /^TLS Info:\n Issuer:\s+flotilla-ca\n Serial:\s+0a1b\n Expires:\s+2026-12-08T14:30:00\.000Z\n/m,
  );
  // The values of the whole view line up in one column.
  const columns = new Set(
    out
      .split('\n')
      .filter((l) => /:\s+\S/.test(l))
      .map((l) => l.search(/(?<=:\s+)\S/)),
  );
  t.is(columns.size, 1, out);
});

test.serial(
  'node inspect --pretty: a down worker on its way to manager, without what it has not reported',
  async (t) => {
    const out = await run('node', 'inspect', '--pretty', 'w1');
    t.regex(out, /^Role:\s+worker\nDesired Role:\s+manager$/m);
    t.regex(out, /^Status:\n State:\s+Down\n Message:\s+heartbeat missed\n/m);
    for (const absent of ['Labels', 'Manager Status', 'Platform', 'Resources', 'Networking', 'TLS Info'])
      t.false(out.includes(`${absent}:`), absent);
    const two = await run('node', 'inspect', '--pretty', 'm1', 'w1');
    t.is(two, `${await run('node', 'inspect', '--pretty', 'm1')}\n\n${out}`);
  },
);

test.serial('node inspect without --pretty: JSON, times in ISO 8601', async (t) => {
  const [shown] = JSON.parse(await run('node', 'inspect', 'm1')) as {
    id: string;
    meta: { createdAt: string };
  }[];
  t.is(shown?.id, manager.id);
  t.is(shown?.meta.createdAt, '2026-12-07T14:30:00.000Z');
});
