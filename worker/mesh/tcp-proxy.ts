/**
 * One published TCP port of the mesh: accepts connections on the node's address and joins
 * each to a task chosen by the balancer. A task that refuses the connection (or does not
 * answer in time) is left out and another is tried, so a task that just went away costs a
 * retry, not a failed request. Bytes are passed on as they are read, nothing parsed: the
 * task's are read into a buffer the connection keeps (no Buffer made per read), and a side
 * that cannot take more holds the other's reading back. A connection open when its task
 * leaves the table is left to finish.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '../../lib/log.js';
import { Balancer } from './balancer.js';
import { proxyHeaderV1 } from './proxy-protocol.js';
import { splitHostPort } from '../addr.js';
import {
  ACTIVE,
  add,
  CONNECTIONS,
  FAILED_CONNECTS,
  MeshCounts,
  RECEIVED_BYTES,
  SENT_BYTES,
} from './mesh-counts.js';

const CONNECT_TIMEOUT_MS = 2_000;
/** The most one read from a task takes; each connection keeps a buffer of this size. */
const READ_BYTES = 16 * 1024;

export class TcpProxy {
  readonly balancer = new Balancer();
  proxyProtocol = false;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly what: string,
    private readonly log: Logger,
    /** Where the connections and their bytes are counted (see mesh-counts.ts). */
    private readonly counts = new MeshCounts().tcp,
  ) {
    this.server = createServer({ allowHalfOpen: true, noDelay: true }, (client) => this.accept(client));
  }

  listen(host: string, port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ host, port, backlog: 1024 }, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  /** Stops accepting; connections already open run on until either end closes them. */
  close(): void {
    if (this.server.listening) this.server.close();
  }

  /** Stops accepting and cuts every open connection (the node is going away). */
  destroy(): void {
    this.close();
    for (const s of this.sockets) s.destroy();
  }

  private accept(client: Socket): void {
    this.sockets.add(client);
    // The client's first bytes are read while the task is dialled and kept until the pipe.
    client.on('error', ignore);
    add(this.counts, CONNECTIONS);
    add(this.counts, ACTIVE);
    client.once('close', () => {
      this.sockets.delete(client);
      add(this.counts, ACTIVE, -1);
    });
    this.dial(client, new Set());
  }

  private dial(client: Socket, tried: Set<string>): void {
    const addr = this.balancer.pick(tried);
    if (addr === undefined) {
      if (tried.size === 0) this.log.debug({ port: this.what }, 'no task to send a connection to');
      client.destroy();
      return;
    }
    // The task's bytes are read into a buffer of the connection's own and written to the client
    // from there, with no Buffer made per read (a socket the server accepts cannot be given one).
    const buffer = Buffer.allocUnsafe(READ_BYTES);
    let held = false;
    const flushed = () => {
      if (held && client.writableLength === 0) {
        held = false;
        upstream.resume();
      }
    };
    const upstream = connect({
      ...splitHostPort(addr),
      allowHalfOpen: true,
      noDelay: true,
      onread: {
        buffer,
        callback: (n) => {
          add(this.counts, SENT_BYTES, n);
          client.write(buffer.subarray(0, n), flushed);
          // A write the client did not take at once still points into the buffer: reading waits for it.
          held = client.writableLength > 0;
          return !held;
        },
      },
    });
    const timer = setTimeout(() => upstream.destroy(new Error('connect timed out')), CONNECT_TIMEOUT_MS);
    const retry = (err: Error) => {
      clearTimeout(timer);
      add(this.counts, FAILED_CONNECTS);
      this.log.debug(
        { port: this.what, task: addr, err: err.message },
        'task refused a connection; trying another',
      );
      tried.add(addr);
      if (!client.destroyed) this.dial(client, tried);
    };
    upstream.once('error', retry);
    upstream.once('connect', () => {
      clearTimeout(timer);
      upstream.off('error', retry);
      // An error on either side is followed by its close, which ends the other side.
      upstream.on('error', ignore);
      if (client.destroyed) return void upstream.destroy();
      this.balancer.acquire(addr);
      client.once('close', () => upstream.destroy());
      upstream.once('close', () => {
        this.balancer.release(addr);
        client.destroy();
      });
      if (this.proxyProtocol) upstream.write(proxyHeaderV1(client));
      // The client's bytes, those read during the dial first, go to the task as they come.
      client.on('data', (b: Buffer) => {
        add(this.counts, RECEIVED_BYTES, b.length);
        if (!upstream.write(b)) client.pause();
      });
      upstream.on('drain', () => client.resume());
      // Half-closes pass through: each side's end is sent on once what it sent before is written.
      client.once('end', () => upstream.end());
      upstream.once('end', () => client.end());
    });
  }
}

function ignore(): void {}
