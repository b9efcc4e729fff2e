/**
 * The listeners of the routing mesh on one address, inside the mesh's thread (see mesh.ts):
 * one for every published ingress port of the cluster (TCP and UDP), each balancing over the
 * addresses of the service's running tasks, wherever they run. They follow the endpoint
 * table the managers send (see manager/dispatcher/endpoints.ts). Host-mode ports have no
 * listener here: the task itself serves the published port on its node.
 */
import type { Logger } from '../../lib/log.js';
import type { EndpointTable } from '../../proto/gen/flotilla/EndpointTable.js';
import type { LoadBalancing } from '../../proto/gen/flotilla/LoadBalancing.js';
import { portName } from '../../proto/ports.js';
import { TcpProxy } from './tcp-proxy.js';
import { UdpProxy } from './udp-proxy.js';
import { MeshCounts } from './mesh-counts.js';

type Listener = TcpProxy | UdpProxy;

interface Wanted {
  protocol: 'TCP' | 'UDP';
  port: number;
  service: string;
  upstreams: string[];
  lb: LoadBalancing;
  proxyProtocol: boolean;
}

export class MeshListeners {
  private readonly proxies = new Map<string, Listener>();
  /** Ports whose listener could not start, so that a warning is logged once, not at every table. */
  private readonly failed = new Map<string, string>();
  private applying: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly host: string,
    private readonly log: Logger,
    private readonly counts = new MeshCounts(),
  ) {}

  /** Takes a new endpoint table; listeners open and close to match it. */
  apply(table: EndpointTable): Promise<void> {
    const run = this.applying.then(() => this.reconcile(table));
    // A table that failed does not stop the next one.
    this.applying = run.catch(() => undefined);
    return run;
  }

  /** The ports the mesh listens on now, e.g. ["8080/tcp"]. */
  listening(): string[] {
    return [...this.proxies.keys()];
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.applying;
    for (const p of this.proxies.values()) p.destroy();
    this.proxies.clear();
  }

  private async reconcile(table: EndpointTable): Promise<void> {
    if (this.closed) return;
    const wanted = new Map<string, Wanted>();
    for (const s of table.services) {
      for (const p of s.ports) {
        if (p.mode !== 'INGRESS') continue;
        const upstreams = s.tasks.flatMap((t) =>
          t.ports
            .filter((tp) => tp.targetPort === p.targetPort && tp.protocol === p.protocol)
            .map((tp) => tp.addr),
        );
        wanted.set(portName(p.publishedPort, p.protocol), {
          protocol: p.protocol,
          port: p.publishedPort,
          service: s.serviceName,
          upstreams,
          lb: s.lb,
          proxyProtocol: s.proxyProtocol,
        });
      }
    }
    for (const [key, proxy] of this.proxies) {
      if (wanted.has(key)) continue;
      proxy.close();
      this.proxies.delete(key);
      this.log.info({ port: key }, 'mesh stopped listening');
    }
    for (const [key, w] of wanted) {
      let proxy = this.proxies.get(key);
      if (!proxy) {
        const made =
          w.protocol === 'TCP'
            ? new TcpProxy(key, this.log, this.counts.tcp)
            : new UdpProxy(key, this.log, this.counts.udp);
        try {
          await made.listen(this.host, w.port);
        } catch (err) {
          const why = (err as Error).message;
          if (this.failed.get(key) !== why)
            this.log.warn(
              { port: key, service: w.service, err: why },
              `the mesh cannot listen on ${this.host}:${w.port}: free the port on this node (another program, or another node on the same address?); it is tried again at the next change`,
            );
          this.failed.set(key, why);
          made.destroy();
          continue;
        }
        this.failed.delete(key);
        this.proxies.set(key, (proxy = made));
        this.log.info({ port: key, service: w.service }, 'mesh listening');
      }
      proxy.balancer.set(w.upstreams, w.lb);
      if (proxy instanceof TcpProxy) proxy.proxyProtocol = w.proxyProtocol;
      else proxy.prune();
    }
  }
}
