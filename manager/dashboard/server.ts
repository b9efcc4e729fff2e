/**
 * The web dashboard a manager serves (HTTPS, `--dashboard-addr`, port 4280 by default) under
 * its own node certificate: one static page, its JSON (`/api/state`, `/api/nodes`,
 * `/api/services`, `/api/services/REF/tasks`), a live stream (`/events`) and the actions
 * (POST `/api/services/REF/scale|image|rollback`, `/api/nodes/REF/availability`; `/api/logout`). Every path
 * but `/login` needs a session or an admin certificate (auth.ts); `/login?token=` trades a
 * sign-in token for the session cookie.
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { describeError, FlotillaError, isFlotillaError, type ErrorCode } from '../../lib/errors.js';
import type { Logger } from '../../lib/log.js';
import { subjectOf } from '../../lib/pki.js';
import type { TlsCredentials } from '../../proto/tls.js';
import type { Keyring } from '../keys/keyring.js';
import type { Store } from '../store/types.js';
import { DashboardActions, parseAction } from './actions.js';
import { joinHostPort, splitHostPort } from './login.js';
import { authorize, SESSION_COOKIE, SIGN_IN_HINT } from './auth.js';
import { StateFeed } from './feed.js';
import { SESSION_TTL_MS, signToken, tokenKey, verifyToken, type TokenKind } from './tokens.js';
import { dashboardState, type DashboardState } from './view.js';

export interface DashboardOptions {
  /** HOST:PORT to listen on. */
  addr: string;
  /** The manager's certificate and key (renewed in place), and the cluster's roots. */
  tls: TlsCredentials;
  store: Store;
  keys: Keyring;
  /** The node's local control socket, through which actions go. */
  socket: string;
  revoked: (nodeId: string) => boolean;
  /** The leading manager's address, when known. */
  leaderAddr: () => Promise<string | undefined>;
  log: Logger;
}

/** The page's files, shipped in the package beside the compiled code (package.json "files"). */
const STATIC_DIR = new URL(
  import.meta.url.includes('/dist/') ? '../../../manager/dashboard/static/' : './static/',
  import.meta.url,
);
const STATIC: Record<string, string> = {
  '/': 'index.html',
  '/app.js': 'app.js',
  '/style.css': 'style.css',
};
const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};
const MAX_BODY_BYTES = 64 * 1024;

const HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
};

const STATUS: Partial<Record<ErrorCode, number>> = {
  INVALID_ARGUMENT: 400,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  CONFLICT: 409,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  RESOURCE_EXHAUSTED: 429,
  UNAVAILABLE: 503,
  NOT_LEADER: 503,
  NO_QUORUM: 503,
  LOCKED: 503,
  TIMEOUT: 504,
};

export class DashboardServer {
  private readonly feed: StateFeed;
  private readonly actions: DashboardActions;
  private readonly files = new Map<string, string>();
  private readonly server: Server;
  private readonly refresh = () => this.server.setSecureContext(secureContext(this.opts.tls));
  /** host:port it listens on (the port the system gave, for port 0). */
  addr: string;

  private constructor(private readonly opts: DashboardOptions) {
    this.addr = opts.addr;
    this.feed = new StateFeed(() => this.state(), opts.store, opts.log);
    this.actions = new DashboardActions(opts.socket);
    this.server = createServer(
      // Browsers may present an admin certificate; none is needed with a session.
      { ...secureContext(opts.tls), requestCert: true, rejectUnauthorized: false },
      (req, res) => void this.handle(req, res),
    );
  }

  /** Listens on `opts.addr`; fails with UNAVAILABLE, saying why, when it cannot (the port is taken, say). */
  static async start(opts: DashboardOptions): Promise<DashboardServer> {
    const d = new DashboardServer(opts);
    for (const file of Object.values(STATIC))
      d.files.set(file, await readFile(new URL(file, STATIC_DIR), 'utf8'));
    const { host, port } = splitHostPort(opts.addr);
    await new Promise<void>((resolve, reject) => {
      d.server.once('error', reject);
      d.server.listen({ host, port }, () => {
        d.server.off('error', reject);
        resolve();
      });
    }).catch((err: unknown) => {
      d.actions.close();
      throw new FlotillaError(
        'UNAVAILABLE',
        `cannot serve the dashboard on ${opts.addr}: ${describeError(err)}`,
        {
          cause: err,
        },
      );
    });
    const bound = d.server.address();
    if (typeof bound === 'object' && bound) d.addr = joinHostPort(host, bound.port);
    // A renewed certificate (or new roots, in a CA rotation) is served from the next connection.
    opts.tls.addIdentityCertificateListener(d.refresh);
    opts.tls.addCaCertificateListener(d.refresh);
    return d;
  }

  async close(): Promise<void> {
    this.opts.tls.removeIdentityCertificateListener(this.refresh);
    this.opts.tls.removeCaCertificateListener(this.refresh);
    this.feed.close();
    this.actions.close();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async state(): Promise<DashboardState> {
    const leader = await this.opts.leaderAddr().catch(() => undefined);
    return this.opts.store.view((tx) => dashboardState(tx, leader));
  }

  private key(kind: TokenKind): Buffer {
    return tokenKey(
      this.opts.store.view((tx) => this.opts.keys.dataKey(tx)),
      kind,
    );
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://dashboard');
    try {
      if (url.pathname === '/login') return this.login(url, res);
      // The sign-in page's look: nothing of the cluster in it.
      if (url.pathname === '/style.css' && req.method === 'GET') return await this.get(url, res);
      const decision = authorize(
        {
          method: req.method ?? 'GET',
          cookie: req.headers.cookie,
          origin: req.headers.origin,
          host: req.headers.host,
          cert: peerSubject(req),
        },
        {
          clusterId: this.opts.tls.subject?.clusterId ?? '',
          sessionKey: () => this.key('session'),
          revoked: this.opts.revoked,
          now: Date.now(),
        },
      );
      if (!decision.ok) {
        if (wantsHtml(req)) return page(res, decision.status, 'Sign in to the dashboard', decision.message);
        return json(res, decision.status, { error: decision.message });
      }
      if (req.method === 'POST') return await this.act(url.pathname, req, res);
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { ...HEADERS, allow: 'GET, HEAD, POST' }).end();
        return;
      }
      await this.get(url, res);
    } catch (err) {
      const code = isFlotillaError(err) ? err.code : 'INTERNAL';
      if (code === 'INTERNAL') this.opts.log.warn({ err, path: url.pathname }, 'dashboard request failed');
      if (!res.headersSent) json(res, STATUS[code] ?? 500, { error: describeError(err), code });
      else res.end();
    }
  }

  private async get(url: URL, res: ServerResponse): Promise<void> {
    const file = STATIC[url.pathname];
    if (file) {
      res
        .writeHead(200, { ...HEADERS, 'content-type': TYPES[file.split('.').pop()!]! })
        .end(this.files.get(file));
      return;
    }
    if (url.pathname === '/events') return this.feed.open(res);
    const state = await this.state();
    if (url.pathname === '/api/state') return json(res, 200, state);
    if (url.pathname === '/api/nodes') return json(res, 200, state.nodes);
    if (url.pathname === '/api/services')
      return json(
        res,
        200,
        state.services.map(({ tasks: _, ...s }) => s),
      );
    const tasks = /^\/api\/services\/([^/]+)\/tasks$/.exec(url.pathname);
    if (tasks) {
      const ref = decodeURIComponent(tasks[1]!);
      const service = state.services.find((s) => s.id === ref || s.name === ref);
      if (!service) throw new FlotillaError('NOT_FOUND', `service ${ref} not found`);
      return json(res, 200, service.tasks);
    }
    json(res, 404, { error: `nothing at ${url.pathname}` });
  }

  /** A sign-in link: its token for a session cookie, then the page. */
  private login(url: URL, res: ServerResponse): void {
    const token = url.searchParams.get('token') ?? '';
    const verdict = verifyToken(this.key('login'), 'login', token, Date.now());
    if (!verdict.ok) {
      return page(res, 401, 'Sign-in link refused', `${verdict.reason}: ${SIGN_IN_HINT}`);
    }
    const expiresAt = Date.now() + SESSION_TTL_MS;
    const session = signToken(this.key('session'), 'session', expiresAt);
    res
      .writeHead(303, {
        ...HEADERS,
        location: '/',
        'set-cookie': `${SESSION_COOKIE}=${session}; Path=/; Max-Age=${SESSION_TTL_MS / 1000}; HttpOnly; Secure; SameSite=Strict`,
      })
      .end();
  }

  private async act(path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return json(res, 415, { error: 'send the action as JSON (content-type: application/json)' });
    }
    const body = await readBody(req);
    if (path === '/api/logout') {
      // Sessions are not kept anywhere: signing out is the browser forgetting its cookie.
      res
        .writeHead(200, {
          ...HEADERS,
          'content-type': 'application/json; charset=utf-8',
          'set-cookie': `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict`,
        })
        .end(JSON.stringify({ message: 'signed out' }));
      return;
    }
    const action = parseAction(path, body);
    if (!action) return json(res, 404, { error: `no action at ${path}` });
    const message = await this.actions.run(action);
    this.opts.log.info({ action }, 'dashboard action');
    json(res, 200, { message });
  }
}

function secureContext(tls: TlsCredentials): { key: string; cert: string; ca: string } {
  const { key, cert, ca } = tls.material;
  return { key: key!, cert: `${cert}${ca}`, ca };
}

/** The client certificate's subject, when it chains to the cluster's roots. */
function peerSubject(req: IncomingMessage) {
  const socket = req.socket as TLSSocket;
  if (!socket.authorized) return undefined;
  const cert = socket.getPeerCertificate();
  return cert?.subject ? subjectOf(cert.subject as unknown as Record<string, string>) : undefined;
}

const wantsHtml = (req: IncomingMessage) => (req.headers.accept ?? '').includes('text/html');

function json(res: ServerResponse, status: number, body: unknown): void {
  res
    .writeHead(status, { ...HEADERS, 'content-type': 'application/json; charset=utf-8' })
    .end(JSON.stringify(body));
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A short page for people who are not signed in. */
function page(res: ServerResponse, status: number, title: string, message: string): void {
  res
    .writeHead(status, { ...HEADERS, 'content-type': 'text/html; charset=utf-8' })
    .end(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
        `<link rel="stylesheet" href="/style.css"></head><body class="signin"><main><h1>${escapeHtml(title)}</h1>` +
        `<p>${escapeHtml(message)}</p><pre>cluster dashboard login</pre><p>Run it on a manager, then open the link it prints.</p></main></body></html>`,
    );
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES)
      throw new FlotillaError('RESOURCE_EXHAUSTED', `the body is over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    throw new FlotillaError('INVALID_ARGUMENT', 'invalid body: expected JSON');
  }
}
