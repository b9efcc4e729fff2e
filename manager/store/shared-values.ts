/**
 * Values that many stored objects hold alike, kept once: all the tasks of one version of a
 * service carry equal specs (and endpoints), so the store keeps one frozen copy per version
 * and every such task points at it. A value is shared only when it is equal to the kept one
 * field by field: the key (service and spec version) just says where to look, so a task
 * whose spec differs under the same key keeps a copy of its own and reads as written.
 */
import { frozenCopy, sameValue } from './frozen-copy.js';

interface Entry {
  value: unknown;
  /** How many stored objects hold `value`; the entry goes with the last. */
  holders: number;
}

export class SharedValues {
  private readonly byKey = new Map<string, Entry>();

  /** The value to store for `value` under `key`: the kept one when equal, else a frozen copy. */
  take<T>(key: string, value: T): T {
    const entry = this.byKey.get(key);
    if (entry && (entry.value === value || sameValue(entry.value, value))) {
      entry.holders++;
      return entry.value as T;
    }
    const kept = frozenCopy(value);
    if (!entry) this.byKey.set(key, { value: kept, holders: 1 });
    return kept;
  }

  /** A stored object that held `value` (as take returned it) is gone or replaced. */
  release(key: string, value: unknown): void {
    const entry = this.byKey.get(key);
    if (entry && entry.value === value && --entry.holders === 0) this.byKey.delete(key);
  }
}

/** Strings up to this long are kept once when they repeat. */
const SHORT = 64;
/** Distinct strings kept at most: past this, a new one is kept as it comes. */
const STRINGS_KEPT = 4096;

/**
 * Short strings that many stored objects hold alike, kept once: a decoded message makes a
 * new string of every field, so 100,000 tasks that say "started" held 100,000 copies of it.
 */
export class SharedStrings {
  private readonly kept = new Map<string, string>();

  take(value: string): string {
    if (value.length > SHORT) return value;
    const kept = this.kept.get(value);
    if (kept !== undefined) return kept;
    if (this.kept.size < STRINGS_KEPT) this.kept.set(value, value);
    return value;
  }
}
