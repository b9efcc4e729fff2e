/**
 * Keeps this manager's key-encryption key the cluster's: a manager that has none (newly
 * joined, promoted) or one the cluster has rotated away from asks the other managers for
 * the current one over its mutual TLS session (NodeCA.GetKeyEncryptionKey, managers only),
 * checks it against the id the store names, and hands it on to be kept (`onKey`).
 */
import { setTimeout as delay } from 'node:timers/promises';
import { describeError } from '../../lib/errors.js';
import type { Logger } from '../../lib/log.js';
import { keyId } from '../../lib/seal.js';
import type { KeyEncryptionKey } from '../../proto/gen/flotilla/KeyEncryptionKey.js';
import type { DataKey } from '../../proto/types.js';
import type { Store } from '../store/types.js';
import type { Keyring } from './keyring.js';

export interface KeyFollowerOptions {
  store: Store;
  keys: Keyring;
  /** The other managers' addresses. */
  managers: () => string[];
  fetch: (addr: string) => Promise<KeyEncryptionKey>;
  /** The key to keep from now on (on disk, or sealing this manager's own key with autolock). */
  onKey: (kek: Buffer, autolock: boolean) => Promise<void>;
  log: Logger;
}

const RETRY_MS = 1_000;

export class KeyFollower {
  constructor(private readonly opts: KeyFollowerOptions) {}

  async run(signal: AbortSignal): Promise<void> {
    const { store } = this.opts;
    const wanted = () => store.view((tx) => tx.all('clusters')[0]?.dataKey);
    const events = store.watch({ tables: ['clusters'] }, signal)[Symbol.asyncIterator]();
    for (;;) {
      const current = wanted();
      if (current?.kekId && current.kekId !== this.heldId()) await this.follow(current, signal);
      if (signal.aborted) return;
      const next = await events.next().catch(() => ({ done: true }) as const);
      if (next.done) return;
    }
  }

  private heldId(): string | undefined {
    const kek = this.opts.keys.keyEncryptionKey;
    return kek && keyId(kek);
  }

  /** Asks each other manager in turn until one gives the key `wanted` names. */
  private async follow(wanted: DataKey, signal: AbortSignal): Promise<void> {
    const { log } = this.opts;
    log.info({ kekId: wanted.kekId }, "fetching the cluster's key-encryption key from the other managers");
    for (let attempt = 0; !signal.aborted; attempt++) {
      for (const addr of this.opts.managers()) {
        try {
          const got = await this.opts.fetch(addr);
          const key = Buffer.from(got.key);
          if (got.kekId !== wanted.kekId || keyId(key) !== wanted.kekId) continue;
          this.opts.keys.hold(key);
          await this.opts.onKey(key, got.autolock);
          log.info({ kekId: wanted.kekId, from: addr }, "holding the cluster's key-encryption key");
          return;
        } catch (err) {
          if (attempt % 10 === 0)
            log.warn({ from: addr, err: describeError(err) }, 'no key-encryption key from this manager yet');
        }
      }
      await delay(RETRY_MS, undefined, { signal }).catch(() => undefined);
      if (wanted.kekId !== this.opts.store.view((tx) => tx.all('clusters')[0]?.dataKey?.kekId)) return;
    }
  }
}
