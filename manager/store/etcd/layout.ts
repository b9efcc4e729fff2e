/**
 * Where the etcd store keeps what, under its prefix:
 *   `<prefix><table>/<id>`  one key per object, its value the object's protobuf encoding;
 *                           meta.version is not kept in it: it is the key's mod_revision.
 *   `<prefix>names/<table>/<name>`  one key per name of a service, network, secret or config (value: the
 *                           object's id), so that etcd itself refuses a taken name.
 *   `<prefix>last-write`    rewritten by every commit: its mod_revision is the last revision
 *                           that changed anything under the prefix.
 *   `<prefix>election/`     the leader election's keys (etcd-election.ts).
 */
import { codec, type Codec } from '../../../proto/load.js';
import { TABLES, type NamedTable, type Objects, type Table } from '../types.js';

const codecs: { [T in Table]: Codec<Objects[T]> } = {
  clusters: codec('flotilla.Cluster'),
  nodes: codec('flotilla.Node'),
  services: codec('flotilla.Service'),
  tasks: codec('flotilla.Task'),
  networks: codec('flotilla.Network'),
  secrets: codec('flotilla.Secret'),
  configs: codec('flotilla.Config'),
};

export class Layout {
  readonly lastWrite: string;
  readonly election: string;

  constructor(readonly prefix: string) {
    this.lastWrite = `${prefix}last-write`;
    this.election = `${prefix}election/`;
  }

  object(table: Table, id: string): string {
    return `${this.prefix}${table}/${id}`;
  }

  name(table: NamedTable, name: string): string {
    return `${this.prefix}names/${table}/${name}`;
  }

  /** The table and id an object key names; undefined for the other keys under the prefix. */
  parse(key: Buffer): { table: Table; id: string } | undefined {
    const rest = key.toString().slice(this.prefix.length);
    const slash = rest.indexOf('/');
    const table = rest.slice(0, slash) as Table;
    return slash > 0 && TABLES.includes(table) ? { table, id: rest.slice(slash + 1) } : undefined;
  }
}

export function encodeObject<T extends Table>(table: T, object: Objects[T]): Buffer {
  return Buffer.from(codecs[table].encode(object));
}

/** Decodes a stored object; its version is the revision that last wrote its key. */
export function decodeObject<T extends Table>(table: T, value: Buffer, modRevision: string): Objects[T] {
  const object = codecs[table].decode(value);
  return { ...object, meta: { createdAt: 0, updatedAt: 0, ...object.meta, version: Number(modRevision) } };
}
