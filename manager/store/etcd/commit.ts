/**
 * A changeset as one etcd transaction. Its compares hold exactly when etcd still has what
 * the cache had when the changeset was validated against it: every touched key at the
 * mod_revision the cache knows (0: absent), every newly taken name free. When
 * they fail, the transaction reads the last-write key, whose revision tells how far the
 * cache must catch up to see the write that came first.
 */
import type { ICompare, IRequestOp, ITxnRequest } from 'etcd3';
import type { Change, StoreState } from '../state.js';
import { NAMED_TABLES, type NamedTable } from '../types.js';
import { encodeObject, type Layout } from './layout.js';

/** `now` stamps the written objects, so that every manager's cache holds the same times. */
export function commitRequest(
  layout: Layout,
  state: StoreState,
  changes: Change[],
  now: number,
): ITxnRequest {
  const compare: ICompare[] = [];
  const success: IRequestOp[] = [];
  for (const c of changes) {
    const key = Buffer.from(layout.object(c.table, c.object.id));
    const current = state.get(c.table, c.object.id);
    compare.push(modRevisionIs(key, current?.meta?.version ?? 0));
    if (c.kind === 'delete') {
      success.push({ request_delete_range: { key } });
      continue;
    }
    const meta = { version: 0, createdAt: current?.meta?.createdAt ?? now, updatedAt: now };
    success.push({ request_put: { key, value: encodeObject(c.table, { ...c.object, meta }) } });
  }
  for (const table of NAMED_TABLES) nameOps(table, layout, state, changes, compare, success);
  success.push({ request_put: { key: Buffer.from(layout.lastWrite), value: Buffer.alloc(0) } });
  return { compare, success, failure: [{ request_range: { key: Buffer.from(layout.lastWrite) } }] };
}

/**
 * Keeps one name key per name in a named table. A name an object takes must be free in etcd,
 * unless the cache saw it held by an object of this changeset (renamed or removed): that
 * object's own compare then proves etcd still agrees.
 */
function nameOps(
  table: NamedTable,
  layout: Layout,
  state: StoreState,
  changes: Change[],
  compare: ICompare[],
  success: IRequestOp[],
): void {
  const released = new Set<string>();
  const taken = new Map<string, string>();
  for (const c of changes) {
    if (c.table !== table) continue;
    const before = state.get(table, c.object.id)?.spec?.name;
    const after = c.kind === 'delete' ? undefined : (c.object.spec?.name ?? '');
    if (before === after) continue;
    if (before !== undefined) released.add(before);
    if (after !== undefined) taken.set(after, c.object.id);
  }
  for (const name of released) {
    if (!taken.has(name))
      success.push({ request_delete_range: { key: Buffer.from(layout.name(table, name)) } });
  }
  for (const [name, id] of taken) {
    const key = Buffer.from(layout.name(table, name));
    if (!state.byName(table, name)) compare.push(modRevisionIs(key, 0));
    success.push({ request_put: { key, value: Buffer.from(id) } });
  }
}

function modRevisionIs(key: Buffer, revision: number): ICompare {
  return { key, target: 'Mod', result: 'Equal', mod_revision: revision };
}
