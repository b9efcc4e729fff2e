/**
 * The default overlay on three hosts that run real containers (a private containerd each):
 * a container pinned to one host is reached through the published port of every host, and
 * from a container on another host by its address, by `tasks.NAME` and by `NAME`; on a
 * user-defined overlay network, containers on two hosts reach each other by their addresses
 * there and by service name, and containers off the network do neither; a host that comes
 * back with no task on a network drops the network's devices.
 */
import test from 'ava';
import type { Task } from '../../proto/types.js';
import { containerdMissing, testImages } from '../integration/containerd-harness.js';
import { eventually } from '../integration/cluster-harness.js';
import { skippedBecause } from '../integration/host-tools.js';
import { labMissing, TestLab } from './lab-kit.js';

const lab = new TestLab();
const GET = 'printf "GET / HTTP/1.0\\r\\n\\r\\n" | nc -w 3';

const runningTask = async (service: string) =>
  eventually(`${service} running`, async () =>
    (await lab.json<Task[]>('m1', 'service', 'ps', service)).find(
      (t) => t.desiredState === 'RUNNING' && t.status?.state === 'RUNNING',
    ),
  );

const reason = (await labMissing()) ?? (await containerdMissing());
if (reason) {
  skippedBecause(test, 'the overlay in a lab', reason);
} else {
  test.before(async () => {
    const up = await lab.run('up', '--managers', '1', '--workers', '2', '--runtime', 'containerd');
    if (up.code !== 0) throw new Error(`lab up failed: ${up.stderr}`);
    const images = await testImages();
    for (const archive of [images.httpd, images.busybox]) {
      const load = await lab.cluster('m1', 'image', 'load', archive);
      if (load.code !== 0) throw new Error(`image load failed: ${load.stderr}`);
    }
  });

  test.after.always(() => lab.down());

  test.serial(
    'a container on one host is reached from every host and from containers on the others',
    async (t) => {
      const web = ['--name', 'web', '-p', '8080:8080', '--constraint', 'node.hostname==w2', 'flotilla/httpd'];
      const created = await lab.cluster('m1', 'service', 'create', ...web);
      t.is(created.code, 0, created.stderr);
      for (const host of (await lab.state())!.hosts) {
        const body = await eventually(`web through ${host.name}`, async () => {
          const res = await fetch(`http://${host.address}:8080/`, { signal: AbortSignal.timeout(2_000) });
          return res.ok && res.text();
        });
        t.regex(body, /hello from flotilla\/httpd/, host.name);
      }
      const client = [
        '--name',
        'client',
        '--constraint',
        'node.hostname==w1',
        'flotilla/busybox',
        'sleep',
        '100000',
      ];
      t.is((await lab.cluster('m1', 'service', 'create', '-d', ...client)).code, 0);
      const webAddr = (await runningTask('web')).status!.addresses!.ports[0]!.addr.replace(/:\d+$/, '');
      const clientTask = await runningTask('client');
      for (const target of [webAddr, 'tasks.web', 'web']) {
        const res = await lab.cluster(
          'm1',
          'task',
          'exec',
          clientTask.id,
          '--',
          'sh',
          '-c',
          `${GET} ${target} 8080`,
        );
        t.is(res.code, 0, res.stderr);
        t.regex(res.stdout, /hello from flotilla\/httpd/, target);
      }
    },
  );

  test.serial(
    'containers on a network of their own reach each other across hosts; others do not',
    async (t) => {
      const created = await lab.cluster('m1', 'network', 'create', '--subnet', '10.30.0.0/24', 'backend');
      t.is(created.code, 0, created.stderr);
      const pinned = (host: string) => ['--constraint', `node.hostname==${host}`];
      const sleeper = ['flotilla/busybox', 'sleep', '100000'];
      await lab.createService('api', '--network', 'backend', ...pinned('w2'), 'flotilla/httpd');
      await lab.createService('probe', '--network', 'backend', ...pinned('w1'), ...sleeper);
      await lab.createService('outsider', ...pinned('w1'), ...sleeper);
      const api = await runningTask('api');
      const apiAddr = api.networks[0]!.address.replace(/\/\d+$/, '');
      t.regex(apiAddr, /^10\.30\.0\.\d+$/);
      const exec = async (service: string, script: string) =>
        lab.cluster('m1', 'task', 'exec', (await runningTask(service)).id, '--', 'sh', '-c', script);
      for (const target of [apiAddr, 'api', 'tasks.api']) {
        const res = await eventually(`probe reaches ${target}`, async () => {
          const r = await exec('probe', `${GET} ${target} 8080`);
          return r.code === 0 && r;
        });
        t.regex(res.stdout, /hello from flotilla\/httpd/, target);
      }
      const lookup = await exec('outsider', 'nslookup api');
      t.not(lookup.code, 0, 'a container off the network does not resolve its services');
      const reach = await exec('outsider', `${GET} ${apiAddr} 8080`);
      t.notRegex(reach.stdout, /hello/, 'nor reach their addresses');

      const inUse = await lab.cluster('m1', 'network', 'rm', 'backend');
      t.not(inUse.code, 0);
      t.regex(inUse.stderr, /network backend is in use by services api, probe/);
      const listed = await lab.json<{ services: string[] }[]>('m1', 'network', 'ls');
      t.deepEqual(listed[0]?.services, ['api', 'probe']);
      for (const service of ['api', 'probe', 'outsider']) await lab.cluster('m1', 'service', 'rm', service);
      await eventually(
        'backend removed',
        async () => (await lab.cluster('m1', 'network', 'rm', 'backend')).code === 0,
      );
    },
  );

  test.serial('a host back without tasks on a network removes the devices its last run left', async (t) => {
    const created = await lab.cluster('m1', 'network', 'create', 'scratch');
    t.is(created.code, 0, created.stderr);
    await lab.createService(
      'scratcher',
      '--network',
      'scratch',
      '--constraint',
      'node.hostname==w1',
      'flotilla/busybox',
      'sleep',
      '100000',
    );
    const vni = (await runningTask('scratcher')).networks[0]!.vni;
    const devices = async () => {
      const res = await lab.run('exec', 'w1', '--', 'ip', '-br', 'link', 'show');
      return res.stdout.split('\n').map((line) => line.split(/[\s@]/)[0]);
    };
    t.true((await devices()).includes(`fln${vni}`));
    t.is((await lab.run('kill', 'w1')).code, 0);
    t.is((await lab.cluster('m1', 'service', 'rm', 'scratcher')).code, 0);
    const back = await lab.run('restart', 'w1');
    t.is(back.code, 0, back.stderr);
    await lab.hostIs('w1', 'READY');
    await eventually('the devices of scratch gone from w1', async () => {
      const left = await devices();
      return !left.includes(`fln${vni}`) && !left.includes(`flv${vni}`);
    });
    t.pass();
  });
}
