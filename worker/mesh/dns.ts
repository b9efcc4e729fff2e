/**
 * The node's service-discovery resolver: a small DNS server over UDP on the node's own
 * address, answering from the endpoint table (kept up to date from the changes the managers
 * send: a change rebuilds the names of the services it touches, not all). `NAME` (a service with ingress ports) is this
 * node's address, where the mesh balances its published ports; for a service published only
 * in host mode it is the hosts of its tasks. `tasks.NAME` is the hosts of the service's running
 * tasks (A), and each task's port (SRV, with the task as `TASKID.tasks.NAME` and its A record
 * alongside). A container on an overlay network (the asker's networks come with the query)
 * finds the services of that network first: `NAME` and `tasks.NAME` are then the addresses
 * of their running tasks on it. Other names get NXDOMAIN: the resolver serves the cluster's
 * names only.
 */
import { createSocket, type Socket } from 'node:dgram';
import { isIPv4 } from 'node:net';
import type { Logger } from '../../lib/log.js';
import type { EndpointChanges } from '../../proto/gen/flotilla/EndpointChanges.js';
import type { ServiceEndpoints } from '../../proto/gen/flotilla/ServiceEndpoints.js';
import { splitHostPort } from '../addr.js';

const TYPE_A = 1;
const TYPE_SRV = 33;
const CLASS_IN = 1;
/** Task addresses change as tasks come and go: answers are not to be cached for long. */
const TTL_S = 1;

interface Target {
  name: string;
  host: string;
  port: number;
}

interface Records {
  a: string[];
  srv: Target[];
}

export class Resolver {
  private readonly names = new Map<string, Records>();
  /** Per overlay network id, the names of the services on it. */
  private readonly networkNames = new Map<string, Map<string, Records>>();
  /** Each service's (by id) name, the names it has records under, and the networks it has them on. */
  private readonly namesOf = new Map<string, { name: string; names: string[]; networks: string[] }>();
  private socket: Socket | undefined;

  /** `host`: what it binds (maybe every address); `own`: the node's address, which NAME answers. */
  constructor(
    private readonly host: string,
    private readonly own: string,
    private readonly log: Logger,
  ) {}

  async listen(port: number): Promise<string> {
    const socket = createSocket(this.host.includes(':') ? 'udp6' : 'udp4');
    socket.on('message', (msg, from) => {
      const reply = this.answer(msg);
      if (reply) socket.send(reply, from.port, from.address);
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, this.host, () => {
        socket.off('error', reject);
        socket.on('error', (err) => this.log.warn({ err: err.message }, 'resolver error'));
        resolve();
      });
    });
    this.socket = socket;
    return `${this.own}:${socket.address().port}`;
  }

  apply(changes: EndpointChanges): void {
    if (changes.full) {
      this.names.clear();
      this.networkNames.clear();
      this.namesOf.clear();
    }
    for (const id of changes.removedServiceIds) this.forget(id);
    for (const s of changes.services) {
      this.forget(s.serviceId);
      this.add(s);
    }
  }

  private add(s: ServiceEndpoints): void {
    const name = s.serviceName.toLowerCase();
    const srv: Target[] = s.tasks.flatMap((t) => {
      const first = t.ports[0];
      return first ? [{ name: `${t.taskId}.tasks.${name}`, ...splitHostPort(first.addr) }] : [];
    });
    const names: string[] = [];
    if (s.ports.length > 0) {
      const hosts = [...new Set(srv.map((t) => t.host))].filter((h) => isIPv4(h));
      const ingress = s.ports.some((p) => p.mode === 'INGRESS') && isIPv4(this.own);
      this.names.set(name, { a: ingress ? [this.own] : hosts, srv: [] });
      this.names.set(`tasks.${name}`, { a: hosts, srv });
      for (const t of srv) this.names.set(t.name, { a: isIPv4(t.host) ? [t.host] : [], srv: [] });
      names.push(name, `tasks.${name}`, ...srv.map((t) => t.name));
    }
    const byNetwork = new Map<string, string[]>();
    for (const t of s.tasks) {
      for (const [network, addr] of Object.entries(t.networkAddrs)) {
        byNetwork.set(network, [...(byNetwork.get(network) ?? []), addr]);
      }
    }
    for (const [network, addrs] of byNetwork) {
      let records = this.networkNames.get(network);
      if (!records) this.networkNames.set(network, (records = new Map()));
      records.set(name, { a: addrs, srv: [] });
      records.set(`tasks.${name}`, { a: addrs, srv: [] });
    }
    this.namesOf.set(s.serviceId, { name, names, networks: [...byNetwork.keys()] });
  }

  private forget(serviceId: string): void {
    const of = this.namesOf.get(serviceId);
    if (!of) return;
    for (const name of of.names) this.names.delete(name);
    for (const network of of.networks) {
      const records = this.networkNames.get(network);
      records?.delete(of.name);
      records?.delete(`tasks.${of.name}`);
      if (records?.size === 0) this.networkNames.delete(network);
    }
    this.namesOf.delete(serviceId);
  }

  close(): void {
    this.socket?.close();
    this.socket = undefined;
  }

  /** The reply to one query from a container on `networks` (ids), or undefined for what is not a query. */
  answer(msg: Buffer, networks: readonly string[] = []): Buffer | undefined {
    if (msg.length < 12 || msg[2]! & 0x80) return undefined;
    const q = readQuestion(msg, 12);
    const flags = 0x8400 | (msg.readUInt16BE(2) & 0x0100); // response, authoritative, RD echoed
    if (!q || msg.readUInt16BE(4) !== 1) return header(msg, flags | 4, 0, 0, Buffer.alloc(0)); // NOTIMP
    const question = msg.subarray(12, q.end);
    const records = this.lookup(q.name, networks);
    if (!records) return header(msg, flags | 3, 0, 0, question); // NXDOMAIN
    const answers: Buffer[] = [];
    const extra: Buffer[] = [];
    if (q.type === TYPE_A) for (const ip of records.a) answers.push(record(POINTER, TYPE_A, ipv4(ip)));
    if (q.type === TYPE_SRV) {
      for (const t of records.srv) {
        const target = encodeName(t.name);
        const rdata = Buffer.alloc(6);
        rdata.writeUInt16BE(t.port, 4); // priority 0, weight 0, then the port
        answers.push(record(POINTER, TYPE_SRV, Buffer.concat([rdata, target])));
        if (isIPv4(t.host)) extra.push(record(target, TYPE_A, ipv4(t.host)));
      }
    }
    return header(msg, flags, answers.length, extra.length, Buffer.concat([question, ...answers, ...extra]));
  }

  private lookup(name: string, networks: readonly string[]): Records | undefined {
    for (const network of networks) {
      const records = this.networkNames.get(network)?.get(name);
      if (records) return records;
    }
    return this.names.get(name);
  }
}

/** A compression pointer to the name in the question, which always starts at offset 12. */
const POINTER = Buffer.from([0xc0, 0x0c]);

function readQuestion(msg: Buffer, at: number): { name: string; type: number; end: number } | undefined {
  const labels: string[] = [];
  let i = at;
  for (;;) {
    const len = msg[i];
    if (len === undefined || len > 63) return undefined;
    i++;
    if (len === 0) break;
    labels.push(msg.toString('latin1', i, i + len));
    i += len;
  }
  if (i + 4 > msg.length) return undefined;
  return { name: labels.join('.').toLowerCase(), type: msg.readUInt16BE(i), end: i + 4 };
}

function encodeName(name: string): Buffer {
  const parts = name
    .split('.')
    .map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'latin1')]));
  return Buffer.concat([...parts, Buffer.from([0])]);
}

function ipv4(ip: string): Buffer {
  return Buffer.from(ip.split('.').map(Number));
}

function record(name: Buffer, type: number, rdata: Buffer): Buffer {
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(type, 0);
  fixed.writeUInt16BE(CLASS_IN, 2);
  fixed.writeUInt32BE(TTL_S, 4);
  fixed.writeUInt16BE(rdata.length, 8);
  return Buffer.concat([name, fixed, rdata]);
}

function header(query: Buffer, flags: number, answers: number, additional: number, body: Buffer): Buffer {
  const h = Buffer.alloc(12);
  h.writeUInt16BE(query.readUInt16BE(0), 0);
  h.writeUInt16BE(flags, 2);
  h.writeUInt16BE(body.length > 0 ? 1 : 0, 4);
  h.writeUInt16BE(answers, 6);
  h.writeUInt16BE(additional, 10);
  return Buffer.concat([h, body]);
}
