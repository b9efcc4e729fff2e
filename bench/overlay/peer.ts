/**
 * The two ends of the overlay benchmark, run inside a network namespace (a container's, or a
 * lab host's): a server, and a client that measures bulk throughput or round-trip latency.
 *
 *   node peer.js serve PORT                 (says "ready")
 *   node peer.js throughput HOST PORT MIB   (prints {"mbitPerS":...})
 *   node peer.js latency HOST PORT COUNT    (prints {"p50Ms":...,"p99Ms":...})
 */
import { connect, createServer, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

const MESSAGE = 64;
const [mode, a, b, c] = process.argv.slice(2);

const connected = (host: string, port: number) =>
  new Promise<Socket>((resolve, reject) => {
    const s = connect({ host, port, noDelay: true }, () => resolve(s));
    s.once('error', reject);
  });

/** The first byte says what the connection is for: T, a stream to swallow; L, messages to echo. */
function serve(port: number): void {
  createServer((s) => {
    s.setNoDelay(true);
    let kind: string | undefined;
    s.on('data', (d) => {
      kind ??= String.fromCharCode(d[0]!);
      if (kind === 'L') s.write(d);
    });
    s.on('end', () => s.end());
    s.on('error', () => s.destroy());
  }).listen(port, '0.0.0.0', () => console.log('ready'));
}

async function throughput(host: string, port: number, mib: number): Promise<void> {
  const s = await connected(host, port);
  const chunk = Buffer.alloc(1024 * 1024, 'T');
  const start = performance.now();
  for (let i = 0; i < mib; i++) if (!s.write(chunk)) await new Promise((r) => s.once('drain', r));
  s.end();
  await new Promise((r) => s.once('close', r));
  const seconds = (performance.now() - start) / 1000;
  console.log(JSON.stringify({ mbitPerS: (mib * 8 * 1.048576) / seconds }));
}

async function latency(host: string, port: number, count: number): Promise<void> {
  const s = await connected(host, port);
  const message = Buffer.alloc(MESSAGE, 'L');
  const rtts: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    let got = 0;
    await new Promise<void>((resolve) => {
      const take = (d: Buffer) => {
        got += d.length;
        if (got < MESSAGE) return;
        s.off('data', take);
        resolve();
      };
      s.on('data', take);
      s.write(message);
    });
    rtts.push(performance.now() - start);
  }
  s.destroy();
  rtts.sort((x, y) => x - y);
  const at = (p: number) => rtts[Math.min(rtts.length - 1, Math.floor(p * rtts.length))]!;
  console.log(JSON.stringify({ p50Ms: at(0.5), p99Ms: at(0.99) }));
}

if (mode === 'serve') serve(Number(a));
else if (mode === 'throughput') await throughput(a!, Number(b), Number(c));
else if (mode === 'latency') await latency(a!, Number(b), Number(c));
else {
  console.error('usage: peer.js serve PORT | throughput HOST PORT MIB | latency HOST PORT COUNT');
  process.exit(2);
}
