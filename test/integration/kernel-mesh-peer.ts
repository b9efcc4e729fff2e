/**
 * Both ends for the kernel mesh tests (kernel-mesh.test.ts), run inside lab hosts.
 *
 *   serve: a task that answers each line (TCP) or datagram (UDP) with "slot N: <it>" (a
 *     TCP line "who" with the address the connection comes from), on the
 *     port its environment gives it; it ignores SIGTERM, so that it still runs after leaving
 *     the endpoint table (until its stop grace period ends).
 *   client HOST PORT: a client taking commands on stdin, one answer line each on stdout:
 *     `tcp` (a new connection), `udp` (a datagram from a new socket), `hold` (a connection
 *     kept open), `again` (a line on the kept connection), `uhold` and `uagain` (datagrams
 *     from one socket kept open: one UDP flow), `who` (a new connection asking where it
 *     comes from).
 */
import { createSocket } from 'node:dgram';
import { connect, createServer, type Socket } from 'node:net';
import { createInterface } from 'node:readline';

const [mode, host = '', portText = ''] = process.argv.slice(2);

/** Sends `line` on `socket` and resolves with the answer line. */
function ask(socket: Socket, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = '';
    const onData = (d: Buffer) => {
      got += d.toString();
      if (!got.includes('\n')) return;
      socket.off('data', onData);
      socket.off('error', reject);
      resolve(got.trim());
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.write(`${line}\n`);
  });
}

function open(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(Number(portText), host, () => {
      s.off('error', reject);
      resolve(s);
    });
    s.once('error', reject);
    s.setTimeout(5_000, () => s.destroy(new Error('timed out')));
  });
}

/** Sends `text` from `s` and resolves with the reply. */
function datagramFrom(s: ReturnType<typeof createSocket>, text: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no udp reply')), 3_000);
    s.once('message', (m) => {
      clearTimeout(timer);
      resolve(m.toString().trim());
    });
    s.send(text, Number(portText), host);
  });
}

function datagram(): Promise<string> {
  const s = createSocket('udp4');
  return datagramFrom(s, 'hi').finally(() => s.close());
}

if (mode === 'serve') {
  const env = process.env;
  const port = Number(env.PORT);
  const at = (env.FLOTILLA_TASK_ADDR ?? '127.0.0.1:0').replace(/:\d+$/, '');
  const slot = env.FLOTILLA_TASK_SLOT ?? '?';
  createServer((s) => {
    s.on('error', () => s.destroy());
    // "who" is answered with the address the connection comes from.
    createInterface({ input: s }).on('line', (line) =>
      s.write(`slot ${slot}: ${line === 'who' ? s.remoteAddress?.replace(/^::ffff:/, '') : line}\n`),
    );
  }).listen(port, at);
  const udp = createSocket('udp4');
  udp.on('message', (m, from) => udp.send(`slot ${slot}: ${m.toString()}`, from.port, from.address));
  udp.bind(port, at);
  process.on('SIGTERM', () => undefined);
} else if (mode === 'client') {
  let held: Socket | undefined;
  const flow = createSocket('udp4');
  const lines = createInterface({ input: process.stdin });
  const answer = (p: Promise<string>) =>
    p.then(
      (a) => console.log(a),
      (err: Error) => console.log(`error: ${err.message}`),
    );
  // One command at a time, in order.
  let chain = Promise.resolve();
  lines.on('line', (cmd) => {
    chain = chain.then(() =>
      answer(
        (async () => {
          if (cmd === 'tcp') {
            const s = await open();
            try {
              return await ask(s, 'hi');
            } finally {
              s.destroy();
            }
          }
          if (cmd === 'udp') return datagram();
          if (cmd === 'hold') {
            held = await open();
            held.setTimeout(0);
            return ask(held, 'hold');
          }
          if (cmd === 'again' && held) return ask(held, 'again');
          if (cmd === 'uhold' || cmd === 'uagain') return datagramFrom(flow, cmd);
          if (cmd === 'who') {
            const s = await open();
            try {
              return await ask(s, 'who');
            } finally {
              s.destroy();
            }
          }
          throw new Error(`unknown command ${cmd}`);
        })(),
      ),
    );
  });
  lines.on(
    'close',
    () =>
      void chain.then(() => {
        held?.destroy();
        flow.close();
      }),
  );
} else {
  console.error('usage: kernel-mesh-peer serve | client HOST PORT');
  process.exit(2);
}
