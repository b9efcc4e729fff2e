import test from 'ava';
import { commandOf } from '../../../cli/daemon-v8.js';

test('the command is the first operand, past the global options and their values', (t) => {
  t.is(commandOf(['daemon', '--data-dir', '/d']), 'daemon');
  t.is(commandOf(['--data-dir', '/d', 'daemon']), 'daemon');
  t.is(commandOf(['-H', 'm:4240', '--cert-path', '/c', '--stale-ok', 'service', 'ls']), 'service');
  t.is(commandOf(['--host=m:4240', 'daemon']), 'daemon');
  // A service named daemon is no daemon run.
  t.is(commandOf(['service', 'create', '--name', 'daemon', 'host', 'sleep', '1']), 'service');
  t.is(commandOf(['--help']), undefined);
});
