/**
 * A manager's keys. The cluster's data key (AES-256) seals secret and config values in the
 * store; the store holds it sealed by the key-encryption key, which every manager holds: on
 * its disk, or with autolock only in memory, from the unlock key the user keeps. So the
 * store (log, snapshots, etcd) alone opens nothing.
 */
import { FlotillaError, invalidArgument } from '../../lib/errors.js';
import { keyId, KEY_BYTES, newKey, open, seal } from '../../lib/seal.js';
import type { DataKey } from '../../proto/types.js';
import type { ReadTx } from '../store/types.js';

const DATA_KEY = 'data key';
const UNLOCK_PREFIX = 'FLKEY-1-';

/** A new cluster's data key, sealed by `kek`. */
export function newDataKey(kek: Buffer, autolock: boolean): DataKey {
  return {
    sealed: seal(kek, newKey(), DATA_KEY),
    kekId: keyId(kek),
    autolock,
    previousSealed: Buffer.alloc(0),
    previousKekId: '',
  };
}

/** The same data key sealed by a new key-encryption key; the old one still opens it until the next rotation. */
export function resealed(
  current: DataKey,
  dataKey: Buffer,
  kek: Buffer,
  autolock = current.autolock,
): DataKey {
  return {
    sealed: seal(kek, dataKey, DATA_KEY),
    kekId: keyId(kek),
    autolock,
    previousSealed: current.sealed,
    previousKekId: current.kekId,
  };
}

/** The key-encryption key as the user keeps it (autolock's unlock key). */
export function unlockKeyText(kek: Buffer): string {
  return UNLOCK_PREFIX + kek.toString('base64url');
}

export function parseUnlockKey(text: string): Buffer {
  const key = Buffer.from(text.trim().slice(UNLOCK_PREFIX.length), 'base64url');
  if (!text.trim().startsWith(UNLOCK_PREFIX) || key.length !== KEY_BYTES) {
    throw invalidArgument(
      'unlock key',
      `${UNLOCK_PREFIX}... as \`cluster init --autolock\` or \`cluster unlock-key\` printed it`,
    );
  }
  return key;
}

export class Keyring {
  private opened: { sealed: Buffer; key: Buffer } | undefined;

  constructor(private kek?: Buffer) {}

  /** The key-encryption key, once this manager has it. */
  get keyEncryptionKey(): Buffer | undefined {
    return this.kek;
  }

  /** Takes a key-encryption key (fetched from the managers after a rotation, or newly made). */
  hold(kek: Buffer): void {
    this.kek = kek;
  }

  /** The cluster's data key, opened with this manager's key-encryption key. */
  dataKey(tx: ReadTx): Buffer {
    return this.openDataKey(tx.all('clusters')[0]?.dataKey);
  }

  /** A data key as the cluster object holds it (or will: at init), opened. */
  openDataKey(stored: DataKey | null | undefined): Buffer {
    if (!stored?.sealed.length) {
      throw new FlotillaError(
        'UNAVAILABLE',
        'the cluster has no data key yet (it is still being made); retry',
      );
    }
    if (!this.kek) {
      throw new FlotillaError(
        'UNAVAILABLE',
        "this manager does not hold the cluster's key yet (it is fetching it from the other managers, or waits for `cluster unlock`); retry, or call another manager",
      );
    }
    const id = keyId(this.kek);
    const sealed =
      stored.kekId === id ? stored.sealed : stored.previousKekId === id ? stored.previousSealed : undefined;
    if (!sealed) {
      throw new FlotillaError(
        'UNAVAILABLE',
        "this manager's key-encryption key is not the cluster's (the unlock key was rotated while it was away): it fetches the current one from the other managers; retry",
      );
    }
    const sealedBytes = Buffer.from(sealed);
    if (!this.opened?.sealed.equals(sealedBytes)) {
      this.opened = { sealed: sealedBytes, key: open(this.kek, sealedBytes, DATA_KEY) };
    }
    return this.opened.key;
  }

  /** A value of object `id` of `table`, sealed: it opens only as that object's. */
  sealValue(tx: ReadTx, table: string, id: string, value: Uint8Array): Buffer {
    return seal(this.dataKey(tx), value, `${table}/${id}`);
  }

  openValue(tx: ReadTx, table: string, id: string, sealed: Uint8Array): Buffer {
    return open(this.dataKey(tx), sealed, `${table}/${id}`);
  }
}
