/**
 * A query for a name outside the cluster, passed as it came to a nameserver (the node's, on
 * port 53) and its answer passed back as it comes: over UDP for a query that came over UDP (the client's
 * EDNS0 size travels with it, and a truncated answer makes the client ask us again over
 * TCP), over TCP for one that came over TCP.
 */
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import type { Transport } from './message.js';
import { FrameReader, frame } from './tcp-frames.js';

const FORWARD_TIMEOUT_MS = 5_000;

export interface Upstream {
  host: string;
  port: number;
}

/** The upstream's answer, or undefined if it gave none in time. */
export function forward(
  upstream: Upstream,
  query: Buffer,
  transport: Transport,
): Promise<Buffer | undefined> {
  return transport === 'udp' ? overUdp(upstream, query) : overTcp(upstream, query);
}

function overUdp({ host, port }: Upstream, query: Buffer): Promise<Buffer | undefined> {
  const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  let timer: NodeJS.Timeout | undefined;
  return new Promise<Buffer | undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), FORWARD_TIMEOUT_MS);
    socket.once('error', () => resolve(undefined));
    socket.once('message', (answer) => resolve(answer));
    socket.send(query, port, host);
  }).finally(() => {
    clearTimeout(timer);
    socket.close();
  });
}

function overTcp({ host, port }: Upstream, query: Buffer): Promise<Buffer | undefined> {
  const socket = connect({ host, port });
  socket.setTimeout(FORWARD_TIMEOUT_MS);
  return new Promise<Buffer | undefined>((resolve) => {
    const reader = new FrameReader();
    socket.on('data', (chunk) => {
      const [answer] = reader.push(chunk);
      if (answer) resolve(answer);
    });
    socket.once('timeout', () => resolve(undefined));
    socket.once('error', () => resolve(undefined));
    socket.once('close', () => resolve(undefined));
    socket.write(frame(query));
  }).finally(() => socket.destroy());
}
