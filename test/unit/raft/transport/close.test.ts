import test from 'ava';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const FIXTURE = fileURLToPath(new URL('./fixtures/close-and-exit.js', import.meta.url));

test('after close() and server shutdown nothing is left open: the process exits by itself', async (t) => {
  const child = spawn(process.execPath, [FIXTURE], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  // Generous: only a handle left open keeps it alive this long.
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const [code, signal] = await once(child, 'exit');
  clearTimeout(killer);
  t.is(out, 'closed\n');
  t.is(signal, null, 'killed: something kept the process alive after close');
  t.is(code, 0);
});
