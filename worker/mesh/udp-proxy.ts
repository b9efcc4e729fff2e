/**
 * One published UDP port of the mesh. Each client (address and port) is a flow, sent to one
 * task chosen when its first datagram arrives, over a socket of its own so that the task's
 * replies find their way back. A flow ends after it idles, when its task leaves the table,
 * or when the task's port refuses (ICMP unreachable): the client's next datagram picks again.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import type { Logger } from '../../lib/log.js';
import { splitHostPort } from '../addr.js';
import { Balancer } from './balancer.js';
import {
  ACTIVE,
  add,
  CONNECTIONS,
  FAILED_CONNECTS,
  MeshCounts,
  RECEIVED_BYTES,
  SENT_BYTES,
} from './mesh-counts.js';

const IDLE_MS = 30_000;

interface Flow {
  addr: string;
  socket: Socket;
  ready: boolean;
  queue: Buffer[];
  idle: NodeJS.Timeout;
}

export class UdpProxy {
  readonly balancer = new Balancer();
  private readonly flows = new Map<string, Flow>();
  private socket: Socket | undefined;

  constructor(
    private readonly what: string,
    private readonly log: Logger,
    /** Where the flows and their bytes are counted (see mesh-counts.ts). */
    private readonly counts = new MeshCounts().udp,
  ) {}

  listen(host: string, port: number): Promise<void> {
    const socket = createSocket({ type: host.includes(':') ? 'udp6' : 'udp4', reuseAddr: false });
    this.socket = socket;
    socket.on('message', (msg, from) => this.forward(msg, from));
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, host, () => {
        socket.off('error', reject);
        socket.on('error', (err) =>
          this.log.warn({ port: this.what, err: err.message }, 'udp listener error'),
        );
        resolve();
      });
    });
  }

  /** Ends the flows to tasks that left the table. */
  prune(): void {
    for (const [key, flow] of this.flows) if (!this.balancer.has(flow.addr)) this.end(key, flow);
  }

  close(): void {
    for (const [key, flow] of this.flows) this.end(key, flow);
    try {
      this.socket?.close();
    } catch {
      // never bound
    }
    this.socket = undefined;
  }

  destroy(): void {
    this.close();
  }

  private forward(msg: Buffer, from: RemoteInfo): void {
    const key = `${from.address}|${from.port}`;
    let flow = this.flows.get(key);
    if (!flow) {
      const addr = this.balancer.pick();
      if (addr === undefined) return;
      flow = this.open(key, addr, from);
    }
    add(this.counts, RECEIVED_BYTES, msg.length);
    flow.idle.refresh();
    if (flow.ready) flow.socket.send(msg);
    else flow.queue.push(msg);
  }

  private open(key: string, addr: string, client: RemoteInfo): Flow {
    const { host, port } = splitHostPort(addr);
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    const flow: Flow = {
      addr,
      socket,
      ready: false,
      queue: [],
      idle: setTimeout(() => this.end(key, flow), IDLE_MS),
    };
    this.flows.set(key, flow);
    this.balancer.acquire(addr);
    add(this.counts, CONNECTIONS);
    add(this.counts, ACTIVE);
    socket.on('message', (reply) => {
      add(this.counts, SENT_BYTES, reply.length);
      this.socket?.send(reply, client.port, client.address);
    });
    socket.on('error', (err) => {
      add(this.counts, FAILED_CONNECTS);
      this.log.debug({ port: this.what, task: addr, err: err.message }, 'udp flow to a task failed');
      this.end(key, flow);
    });
    socket.connect(port, host, () => {
      flow.ready = true;
      for (const m of flow.queue.splice(0)) socket.send(m);
    });
    return flow;
  }

  private end(key: string, flow: Flow): void {
    if (this.flows.get(key) !== flow) return;
    this.flows.delete(key);
    add(this.counts, ACTIVE, -1);
    clearTimeout(flow.idle);
    this.balancer.release(flow.addr);
    flow.socket.close();
  }
}
