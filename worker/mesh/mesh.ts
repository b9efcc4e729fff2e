/**
 * The routing mesh of one node, following the endpoint table the managers send. Each
 * service's published ingress ports take one of two paths on a node: the kernel's (nftables
 * DNAT, kernel-mesh.ts), when the node has it and the service needs nothing the kernel cannot
 * do (least-conn, the PROXY protocol, `--mesh userspace`); else the userspace proxy: on each
 * of the node's addresses a listener for the port (see listeners.ts). The userspace proxy
 * also retries a refused connect on another task, which DNAT cannot. The listeners of all
 * addresses run in one thread of their own (mesh-thread.ts), so that the daemon's pauses (a
 * large write to the store, a collection of its heap) do not stall traffic; it starts when
 * the first service needs the proxy (a node whose services all take the kernel path keeps no
 * thread and its heap) and gets the changes to the table, not the whole table each time
 * (copying a large table between threads costs). If the thread dies it is started again
 * with the last table, after a pause that doubles while it keeps dying (a table that kills
 * it would otherwise spin).
 */
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { describeError } from '../../lib/errors.js';
import { relogLine, type Logger } from '../../lib/log.js';
import type { EndpointChanges } from '../../proto/gen/flotilla/EndpointChanges.js';
import { EndpointView } from '../endpoint-view.js';
import { meshMetrics } from '../../lib/node-metrics.js';
import { MeshCounts } from './mesh-counts.js';
import type { KernelMesh } from './kernel-mesh.js';
import type { ServiceEndpoints } from '../../proto/gen/flotilla/ServiceEndpoints.js';

export interface MeshThreadData {
  hosts: readonly string[];
  level: string;
  /** Where the thread counts (see mesh-counts.ts). */
  counts: SharedArrayBuffer;
}
export type ToMeshThread = { kind: 'apply'; seq: number; changes: EndpointChanges } | { kind: 'close' };
export type FromMeshThread =
  | { kind: 'applied'; seq: number; listening: string[]; error?: string | undefined }
  | { kind: 'log'; line: string };

const CLOSE_TIMEOUT_MS = 5_000;
const MIN_RESTART_MS = 100;
const MAX_RESTART_MS = 10_000;

interface Settle {
  resolve(): void;
  reject(err: Error): void;
}

export class Mesh {
  /** Unset until a service needs the proxy, and while a thread that died waits to be started again. */
  private thread: Worker | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private restartMs = MIN_RESTART_MS;
  /** The table as the thread should have it: a thread started again gets it whole. */
  private readonly view = new EndpointView();
  private seq = 0;
  /** Applies waiting for the thread, by sequence number; an answer settles every one up to it. */
  private readonly waiting = new Map<number, Settle>();
  private ports: string[] = [];
  private closed = false;
  private readonly counts = new MeshCounts();
  private readonly unlend = meshMetrics.sources.lend(() => this.counts.read());
  /** The services the userspace proxy serves, by id. */
  private readonly onThread = new Set<string>();
  /** Services that asked for the kernel path this node cannot give them (warned once). */
  private readonly refused = new Set<string>();

  /**
   * `hosts`: the addresses to listen on; the first is the one `listening()` reports.
   * `script`: the thread's code (tests give a stand-in that can fail).
   * `kernel`: the kernel path, when the node has it.
   */
  constructor(
    private readonly hosts: readonly string[],
    private readonly log: Logger,
    private readonly script = new URL('./mesh-thread.js', import.meta.url),
    private readonly kernel?: KernelMesh,
  ) {}

  /** Takes a change to the endpoint table; resolves once both paths match it. */
  apply(changes: EndpointChanges): Promise<void> {
    if (this.closed) return Promise.resolve();
    const { userspace, kernel } = this.split(changes);
    // A service moving to the kernel path waits for the proxy to let go of its ports (the
    // kernel path leaves alone ports that a program listens on).
    const moving = kernel.services.some((s) => this.onThread.has(s.serviceId));
    if (userspace.full) this.onThread.clear();
    for (const id of userspace.removedServiceIds) this.onThread.delete(id);
    for (const s of userspace.services) this.onThread.add(s.serviceId);
    this.view.apply(userspace);
    const idle = !this.thread && this.restartTimer === undefined;
    // No proxy running and nothing for it: there is nothing to tell it.
    if (idle && this.onThread.size === 0) return this.kernel ? this.kernel.apply(kernel) : Promise.resolve();
    const thread = new Promise<void>((resolve, reject) => {
      this.waiting.set(++this.seq, { resolve, reject });
      if (idle) {
        this.thread = this.start();
        this.sendWhole();
      } else this.send({ kind: 'apply', seq: this.seq, changes: userspace });
    });
    if (!this.kernel) return thread;
    const onKernel = moving
      ? thread.catch(() => undefined).then(() => this.kernel?.apply(kernel))
      : this.kernel.apply(kernel);
    return Promise.all([thread, onKernel]).then(() => undefined);
  }

  /**
   * The change as each path takes it: a service goes to one path and is removed from the
   * other (a service whose settings move it to the other path leaves the first one).
   */
  private split(changes: EndpointChanges): { userspace: EndpointChanges; kernel: EndpointChanges } {
    const toKernel: ServiceEndpoints[] = [];
    const toThread: ServiceEndpoints[] = [];
    for (const s of changes.services) {
      if (this.kernel?.serves(s)) toKernel.push(s);
      else {
        toThread.push(s);
        this.warnRefused(s);
      }
    }
    const ids = (list: ServiceEndpoints[]) => list.map((s) => s.serviceId);
    return {
      userspace: {
        full: changes.full,
        services: toThread,
        removedServiceIds: [...changes.removedServiceIds, ...ids(toKernel)],
      },
      kernel: {
        full: changes.full,
        services: toKernel,
        removedServiceIds: [...changes.removedServiceIds, ...ids(toThread)],
      },
    };
  }

  private warnRefused(s: ServiceEndpoints): void {
    if (s.mesh !== 'MESH_KERNEL' || this.refused.has(s.serviceId)) return;
    this.refused.add(s.serviceId);
    this.log.warn(
      { service: s.serviceName },
      this.kernel
        ? 'the service asks for the kernel mesh path (--mesh kernel), but a task address is not IPv4: the userspace proxy serves it on this node'
        : 'the service asks for the kernel mesh path (--mesh kernel), which this node does not have: the userspace proxy serves it here',
    );
  }

  /** The ports the first address listened on after the last table applied, e.g. ["8080/tcp"]. */
  listening(): string[] {
    return this.ports;
  }

  /** Stops every listener and cuts their connections (the node is going away). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unlend();
    clearTimeout(this.restartTimer);
    const closing = this.kernel?.close();
    const thread = this.thread;
    if (thread) {
      const ended = new Promise((resolve) => thread.once('exit', resolve));
      this.send({ kind: 'close' });
      const timer = setTimeout(() => void thread.terminate(), CLOSE_TIMEOUT_MS);
      await ended;
      clearTimeout(timer);
    }
    await closing;
    this.settle(this.seq);
  }

  private start(): Worker {
    // A worker's daemon goes without V8's optimizing compiler (cli/daemon-v8.ts), which would
    // cost the proxy, every byte of it JavaScript, about 40 % more CPU a request. V8's flags
    // are the whole process's: once a proxy thread is needed, the compiler is back for all.
    setFlagsFromString('--opt');
    const data: MeshThreadData = { hosts: this.hosts, level: this.log.level, counts: this.counts.buffer };
    const thread = new Worker(this.script, { workerData: data });
    // The daemon's own servers keep it alive; the mesh must not keep a finished process up.
    thread.unref();
    thread.on('message', (msg: FromMeshThread) => {
      if (msg.kind === 'log') relogLine(this.log, msg.line);
      else {
        this.restartMs = MIN_RESTART_MS;
        this.ports = msg.listening;
        this.settle(msg.seq, msg.error);
      }
    });
    thread.on('error', (err) => {
      if (this.closed) return;
      this.thread = undefined;
      this.counts.noneActive();
      this.log.error(
        { err: describeError(err), restartMs: this.restartMs },
        'the mesh thread failed; starting it again',
      );
      this.restartTimer = setTimeout(() => {
        this.restartTimer = undefined;
        this.thread = this.start();
        // Applies made meanwhile went nowhere: the whole table answers them all.
        if (this.seq > 0) this.sendWhole();
      }, this.restartMs);
      this.restartMs = Math.min(this.restartMs * 2, MAX_RESTART_MS);
    });
    return thread;
  }

  /** The whole table, answering every apply up to the latest. */
  private sendWhole(): void {
    const { services } = this.view.table();
    this.send({ kind: 'apply', seq: this.seq, changes: { full: true, services, removedServiceIds: [] } });
  }

  private send(msg: ToMeshThread): void {
    this.thread?.postMessage(msg);
  }

  /** Settles the applies up to `upTo`; only that one fails with the thread's error, the older ones it replaced. */
  private settle(upTo: number, error?: string): void {
    for (const [seq, { resolve, reject }] of this.waiting) {
      if (seq > upTo) break;
      this.waiting.delete(seq);
      if (seq === upTo && error) reject(new Error(error));
      else resolve();
    }
  }
}
