/**
 * The node's metrics endpoint: Prometheus's text format at GET /metrics over plain HTTP,
 * 404 for any other path. It asks no credentials (as dockerd's --metrics-addr): bind it
 * where only the scrapers reach. By default each node serves it on its own address at
 * port 9323; `--metrics-addr HOST:PORT` moves it and `--metrics-addr ""` turns it off.
 */
import { createServer, type Server } from 'node:http';
import { describeError, FlotillaError } from '../lib/errors.js';
import { scrape } from '../lib/metrics.js';
import { joinHostPort, splitHostPort } from '../worker/addr.js';

export const DEFAULT_METRICS_PORT = 9323;

/**
 * Where the node serves its metrics: `configured` (from the identity; "" for nowhere), else
 * its advertised address's host at the default port.
 */
export function metricsAddress(configured: string | undefined, advertise: string): string | undefined {
  if (configured === '') return undefined;
  return configured ?? joinHostPort(splitHostPort(advertise).host, DEFAULT_METRICS_PORT);
}

export class MetricsServer {
  private constructor(
    private readonly server: Server,
    /** host:port it listens on (the port the system gave, for port 0). */
    readonly addr: string,
  ) {}

  /** Listens on `addr`; fails with UNAVAILABLE, saying why, when it cannot (the port is taken, say). */
  static async start(addr: string): Promise<MetricsServer> {
    const { host, port } = splitHostPort(addr);
    const server = createServer((req, res) => {
      const path = (req.url ?? '').split('?')[0];
      if (path !== '/metrics') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: metrics are at /metrics\n');
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('use GET\n');
        return;
      }
      scrape().then(
        ({ contentType, text }) => res.writeHead(200, { 'content-type': contentType }).end(text),
        (err: unknown) =>
          res
            .writeHead(500, { 'content-type': 'text/plain' })
            .end(`cannot collect metrics: ${describeError(err)}\n`),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port }, () => {
        server.off('error', reject);
        resolve();
      });
    }).catch((err: unknown) => {
      throw new FlotillaError('UNAVAILABLE', `cannot serve metrics on ${addr}: ${describeError(err)}`, {
        cause: err,
      });
    });
    const bound = server.address();
    return new MetricsServer(
      server,
      typeof bound === 'object' && bound ? joinHostPort(host, bound.port) : addr,
    );
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
