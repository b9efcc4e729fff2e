/**
 * One published TCP port of the mesh: accepts connections on the node's address and joins
 * each to a task chosen by the balancer. A task that refuses the connection (or does not
 * answer in time) is left out and another is tried, so a task that just went away costs a
 * retry, not a failed request. Bytes are piped between the sockets by Node's streams,
 * nothing parsed; a connection open when its task leaves the table is left to finish.
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
    const upstream = connect({ ...splitHostPort(addr), allowHalfOpen: true, noDelay: true });
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
      // Counted beside the pipes, which start the flow: added before, these would lose the first bytes.
      client.on('data', (b: Buffer) => add(this.counts, RECEIVED_BYTES, b.length));
      upstream.on('data', (b: Buffer) => add(this.counts, SENT_BYTES, b.length));
      client.pipe(upstream);
      upstream.pipe(client);
    });
  }
}

function ignore(): void {}
