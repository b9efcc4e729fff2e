/**
 * A DNS server on one address and port, over UDP and (when asked) over TCP on the same
 * number, answering from a lookup of the cluster's names (message.ts). With an upstream,
 * names that are not the cluster's go on to it (forward.ts), over the transport they came
 * by; without one, or when it does not answer, they get NXDOMAIN.
 *
 * TCP: several queries may follow each other on a connection, each answered as soon as it
 * is ready (the ids tell them apart); a connection quiet for IDLE_MS is closed, and beyond
 * MAX_TCP_CONNECTIONS new ones are refused, so idle clients cannot hold the server.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { describeError } from '../../lib/errors.js';
import type { Logger } from '../../lib/log.js';
import { forward, type Upstream } from './forward.js';
import { answer, type NameRecords, type Transport } from './message.js';
import { FrameReader, frame } from './tcp-frames.js';

const IDLE_MS = 10_000;
const MAX_TCP_CONNECTIONS = 128;
/** Binding port 0 over both transports: tries at a number free for UDP that TCP finds taken. */
const EPHEMERAL_TRIES = 5;

export interface DnsServerOptions {
  /** The records of `name` as the client at `client` (an IP address) sees them. */
  lookup: (name: string, client: string) => NameRecords | undefined;
  /** Where names outside the cluster are asked; without it they are NXDOMAIN. */
  upstream?: Upstream;
  log: Logger;
}

export class DnsServer {
  private udp: UdpSocket | undefined;
  private tcp: Server | undefined;
  private readonly connections = new Set<Socket>();

  constructor(private readonly options: DnsServerOptions) {}

  /** Listens on `host`:`port` over UDP, and over TCP too if `tcp`; resolves to the port. */
  async listen(host: string, port: number, tcp: boolean): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      const udp = (this.udp = await this.bindUdp(host, port));
      const bound = udp.address().port;
      try {
        if (tcp) this.tcp = await this.bindTcp(host, bound);
        return bound;
      } catch (err) {
        this.udp = undefined;
        udp.close();
        const taken = (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
        if (port !== 0 || !taken || attempt === EPHEMERAL_TRIES) throw err;
      }
    }
  }

  close(): void {
    this.udp?.close();
    this.udp = undefined;
    this.tcp?.close();
    this.tcp = undefined;
    for (const socket of this.connections) socket.destroy();
  }

  /** The reply to one message from `client`: the cluster's answer, or the upstream's. */
  private async reply(msg: Buffer, client: string, transport: Transport): Promise<Buffer | undefined> {
    try {
      const own = answer(msg, (name) => this.options.lookup(name, client), transport, this.tcp !== undefined);
      if (!own?.nxdomain || !this.options.upstream) return own?.message;
      return (await forward(this.options.upstream, msg, transport)) ?? own.message;
    } catch (err) {
      this.options.log.warn({ err: describeError(err), client, transport }, 'resolver cannot answer a query');
      return undefined;
    }
  }

  private async bindUdp(host: string, port: number): Promise<UdpSocket> {
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    socket.on('message', (msg, from) => {
      void this.reply(msg, from.address, 'udp').then((reply) => {
        // A reply that comes back (from the upstream) after close() has nowhere to go.
        if (reply && this.udp === socket) socket.send(reply, from.port, from.address);
      });
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, host, () => {
        socket.off('error', reject);
        socket.on('error', (err) => this.options.log.warn({ err: err.message }, 'resolver error (udp)'));
        resolve();
      });
    });
    return socket;
  }

  private async bindTcp(host: string, port: number): Promise<Server> {
    const server = createServer((socket) => this.serve(socket));
    server.maxConnections = MAX_TCP_CONNECTIONS;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port, exclusive: true }, () => {
        server.off('error', reject);
        server.on('error', (err) =>
          this.options.log.warn({ err: describeError(err) }, 'resolver error (tcp)'),
        );
        resolve();
      });
    });
    return server;
  }

  /** One TCP connection: each whole message read is answered on it, in its own frame. */
  private serve(socket: Socket): void {
    this.connections.add(socket);
    socket.on('close', () => this.connections.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setTimeout(IDLE_MS, () => socket.destroy());
    const client = socket.remoteAddress ?? '';
    const reader = new FrameReader();
    socket.on('data', (chunk) => {
      for (const msg of reader.push(chunk)) {
        void this.reply(msg, client, 'tcp').then((reply) => {
          if (reply && !socket.destroyed) socket.write(frame(reply));
        });
      }
    });
  }
}
