/**
 * Keeps the node's certificate valid: renews it, for the same key, when between half and
 * four fifths of its life has passed (a random point, so that nodes that joined together do
 * not renew together), and at once when asked (a role change). The new certificate and
 * roots reach the node's servers and channels in place.
 */
import { X509Certificate } from 'node:crypto';
import { describeError, FlotillaError } from '../lib/errors.js';
import type { Logger } from '../lib/log.js';
import { requestFor, type CertRole } from '../lib/pki.js';
import type { IssuedCertificate } from '../proto/gen/flotilla/IssuedCertificate.js';
import type { NodeCAClient } from '../proto/gen/flotilla/NodeCA.js';
import { wire } from '../proto/load.js';
import { call, connect } from '../proto/rpc.js';
import type { TlsCredentials } from '../proto/tls.js';
import { writeTlsDir } from './tls-dir.js';

const RETRY_MS = 10_000;
// setTimeout takes at most 2^31-1 ms; a longer wait is taken in steps.
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface CertRenewalOptions {
  dir: string;
  tls: TlsCredentials;
  /** The managers to ask, as the node knows them now. */
  managers: () => Promise<string[]>;
  log: Logger;
}

export class CertRenewal {
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly opts: CertRenewalOptions) {}

  /** Schedules renewals; at once if the certificate names another role than the node has now. */
  start(role: CertRole): void {
    const wrongRole = this.opts.tls.subject?.role !== role;
    this.schedule(wrongRole ? Date.now() : renewalPoint(this.opts.tls.material.cert!));
  }

  /** Renews now (or joins the renewal under way); resolves once the new certificate is in use. */
  renewNow(): Promise<void> {
    return (this.inFlight ??= this.renew().finally(() => (this.inFlight = undefined)));
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  private schedule(at: number): void {
    clearTimeout(this.timer);
    if (this.closed) return;
    const wait = Math.max(0, at - Date.now());
    this.timer = setTimeout(
      () => {
        if (Date.now() < at) return this.schedule(at);
        this.renewNow().catch((err: unknown) => {
          this.opts.log.warn({ err: describeError(err), retryInMs: RETRY_MS }, 'certificate renewal failed');
          this.schedule(Date.now() + RETRY_MS);
        });
      },
      Math.min(wait, MAX_TIMER_MS),
    );
    this.timer.unref();
  }

  private async renew(): Promise<void> {
    const key = this.opts.tls.material.key!;
    const csr = await requestFor(key);
    const issued = await this.ask(csr);
    await writeTlsDir(this.opts.dir, { ...issued, key });
    this.opts.tls.update({ ...issued, key });
    const expires = new X509Certificate(issued.cert).validTo;
    this.opts.log.info({ expires }, 'certificate renewed');
    this.schedule(renewalPoint(issued.cert));
  }

  /** Asks each known manager in turn; a follower forwards to the leader. */
  private async ask(csr: string): Promise<IssuedCertificate> {
    let last: unknown = new FlotillaError('UNAVAILABLE', 'this node knows no manager');
    for (const addr of await this.opts.managers()) {
      const client: NodeCAClient = connect(wire.flotilla.NodeCA, addr, this.opts.tls);
      try {
        return await call(client, client.RenewCertificate, { csr });
      } catch (err) {
        last = err;
        if (err instanceof FlotillaError && err.code === 'NODE_REMOVED') throw err;
      } finally {
        client.close();
      }
    }
    throw last;
  }
}

/** A random moment between half and four fifths of the certificate's life. */
function renewalPoint(certPem: string): number {
  const cert = new X509Certificate(certPem);
  const from = Date.parse(cert.validFrom);
  const life = Date.parse(cert.validTo) - from;
  return from + life * (0.5 + Math.random() * 0.3);
}
