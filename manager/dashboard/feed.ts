/**
 * The dashboard's live view: server-sent events (`/events`), each an `event: state` with the
 * whole dashboard state, sent when a page connects and after each change to nodes, services
 * or tasks in this manager's store (changes close together go out as one). One store watch
 * serves every open page; a page that reads slowly gets the newest state once it drains,
 * never a backlog.
 */
import type { ServerResponse } from 'node:http';
import type { Logger } from '../../lib/log.js';
import type { Store } from '../store/types.js';
import type { DashboardState } from './view.js';

/** How long a change waits for others to join it. */
const COALESCE_MS = 100;
/** A comment line this often keeps idle connections (and proxies on the way) open. */
const KEEPALIVE_MS = 20_000;

interface Client {
  res: ServerResponse;
  /** Its socket's buffer is full: it gets the newest state on drain. */
  behind: boolean;
}

export class StateFeed {
  private readonly clients = new Set<Client>();
  private watching: AbortController | undefined;
  private timer: NodeJS.Timeout | undefined;
  private keepalive: NodeJS.Timeout | undefined;
  private sending: Promise<void> = Promise.resolve();

  constructor(
    private readonly state: () => Promise<DashboardState>,
    private readonly store: Store,
    private readonly log: Logger,
  ) {}

  /** Serves the stream on `res` until the page goes away or the feed closes. */
  open(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    const client: Client = { res, behind: false };
    this.clients.add(client);
    res.on('drain', () => {
      client.behind = false;
      this.queue((text) => this.send(client, text));
    });
    res.on('close', () => {
      this.clients.delete(client);
      if (this.clients.size === 0) this.stop();
    });
    // The watch starts before the first state is read: no change between them is missed.
    if (!this.watching) this.watch();
    this.queue((text) => this.send(client, text));
  }

  close(): void {
    this.stop();
    for (const c of this.clients) c.res.end();
    this.clients.clear();
  }

  /**
   * Reads the state and hands it to `deliver`, after the reads before it: reading takes an
   * await (the leader's address), and a page must never get an older state after a newer one.
   */
  private queue(deliver: (text: string) => void): void {
    this.sending = this.sending
      .then(async () => deliver(`event: state\ndata: ${JSON.stringify(await this.state())}\n\n`))
      .catch((err: unknown) => this.log.warn({ err }, 'the dashboard could not read its state'));
  }

  private send(client: Client, text: string): void {
    if (client.behind) return;
    client.behind = !client.res.write(text);
  }

  private broadcast = (): void => {
    this.timer = undefined;
    if (this.clients.size === 0) return;
    this.queue((text) => {
      for (const c of this.clients) this.send(c, text);
    });
  };

  private watch(): void {
    const abort = (this.watching = new AbortController());
    const events = this.store.watch({ tables: ['nodes', 'services', 'tasks'] }, abort.signal);
    this.keepalive = setInterval(() => {
      for (const c of this.clients) c.res.write(': keepalive\n\n');
    }, KEEPALIVE_MS);
    void (async () => {
      for await (const _ of events) this.timer ??= setTimeout(this.broadcast, COALESCE_MS);
    })()
      .catch((err: unknown) => {
        if (!abort.signal.aborted) this.log.warn({ err }, 'the dashboard lost its store watch');
      })
      // The store closed under the watch: the pages reconnect (EventSource does) to a new one.
      .finally(() => {
        if (!abort.signal.aborted) this.close();
      });
  }

  private stop(): void {
    this.watching?.abort();
    this.watching = undefined;
    clearTimeout(this.timer);
    this.timer = undefined;
    clearInterval(this.keepalive);
  }
}
