import test from 'ava';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandOf, daemonV8Flags, startingRole } from '../../../cli/daemon-v8.js';

test('the command is the first operand, past the global options and their values', (t) => {
  t.is(commandOf(['daemon', '--data-dir', '/d']), 'daemon');
  t.is(commandOf(['--data-dir', '/d', 'daemon']), 'daemon');
  t.is(commandOf(['-H', 'm:4240', '--cert-path', '/c', '--stale-ok', 'service', 'ls']), 'service');
  t.is(commandOf(['--host=m:4240', 'daemon']), 'daemon');
  // A service named daemon is no daemon run.
  t.is(commandOf(['service', 'create', '--name', 'daemon', 'host', 'sleep', '1']), 'service');
  t.is(commandOf(['--help']), undefined);
});

test('a daemon starts as a manager with --init or as its node.json says, else as a worker', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'flotilla-v8-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  t.is(startingRole(['daemon', '--data-dir', dir, '--init', '{}']), 'MANAGER');
  t.is(startingRole(['daemon', '--data-dir', dir]), 'WORKER', 'no node.json yet');
  t.is(startingRole(['daemon']), 'WORKER');
  await writeFile(join(dir, 'node.json'), JSON.stringify({ role: 'MANAGER' }));
  t.is(startingRole(['daemon', '--data-dir', dir]), 'MANAGER');
  await writeFile(join(dir, 'node.json'), JSON.stringify({ role: 'WORKER' }));
  t.is(startingRole(['daemon', '--data-dir', dir]), 'WORKER');
});

test('workers favour memory, managers keep V8’s defaults; FLOTILLA_DAEMON_V8_FLAGS replaces both', (t) => {
  const was = process.env.FLOTILLA_DAEMON_V8_FLAGS;
  t.teardown(() => {
    if (was === undefined) delete process.env.FLOTILLA_DAEMON_V8_FLAGS;
    else process.env.FLOTILLA_DAEMON_V8_FLAGS = was;
  });
  delete process.env.FLOTILLA_DAEMON_V8_FLAGS;
  t.deepEqual(daemonV8Flags('WORKER'), ['--optimize-for-size', '--no-opt']);
  t.deepEqual(daemonV8Flags('MANAGER'), []);
  process.env.FLOTILLA_DAEMON_V8_FLAGS = ' --max-semi-space-size=2  --stack-size=900 ';
  t.deepEqual(daemonV8Flags('MANAGER'), ['--max-semi-space-size=2', '--stack-size=900']);
  t.deepEqual(daemonV8Flags('WORKER'), ['--max-semi-space-size=2', '--stack-size=900']);
  process.env.FLOTILLA_DAEMON_V8_FLAGS = '';
  t.deepEqual(daemonV8Flags('WORKER'), []);
});
