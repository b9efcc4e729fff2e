import test from 'ava';
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { isFlotillaError } from '../../../lib/errors.js';
import { codec } from '../../../proto/load.js';
import type { StoreWrite } from '../../../proto/types.js';
import type { Change } from '../../../manager/store/state.js';
import { TABLES } from '../../../manager/store/types.js';
import { decodeWrite, encodeWrite } from '../../../manager/store/write-codec.js';
import { makeNode, makeService, makeSpec, makeTask } from '../helpers.js';

const service = makeService(makeSpec({ name: 'web' }));

const change: fc.Arbitrary<Change> = fc
  .record({
    kind: fc.constantFrom('create' as const, 'update' as const, 'delete' as const),
    object: fc.constantFrom(
      { table: 'nodes' as const, object: makeNode() },
      { table: 'services' as const, object: service },
      { table: 'tasks' as const, object: makeTask(service) },
    ),
    expectedVersion: fc.nat(),
  })
  .map(({ kind, object, expectedVersion }) => ({ kind, expectedVersion, ...object }) as Change);

const outline = (changes: Change[]) => changes.map((c) => [c.kind, c.table, c.object.id, c.expectedVersion]);

test('every write encodeWrite makes decodes to the same changes', (t) => {
  fc.assert(
    fc.property(fc.array(change, { minLength: 1, maxLength: 5 }), fc.nat(), (changes, nowMs) => {
      const write = decodeWrite(encodeWrite(changes, nowMs));
      // Decoding fills in defaults; from then on the round trip changes nothing.
      return (
        write.nowMs === nowMs &&
        isDeepStrictEqual(outline(write.changes), outline(changes)) &&
        isDeepStrictEqual(decodeWrite(encodeWrite(write.changes, nowMs)), write)
      );
    }),
  );
  t.pass();
});

test('any bytes decode to a well-formed write or fail with CORRUPT', (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (data) => {
      let changes: Change[];
      try {
        changes = decodeWrite(data).changes;
      } catch (err) {
        return isFlotillaError(err, 'CORRUPT');
      }
      return (
        changes.length > 0 &&
        changes.every(
          (c) =>
            ['create', 'update', 'delete'].includes(c.kind) &&
            TABLES.includes(c.table) &&
            typeof c.object.id === 'string',
        )
      );
    }),
    { numRuns: 2000 },
  );
  t.pass();
});

test('bytes that are no write as encodeWrite makes them are CORRUPT', (t) => {
  const raw = codec<StoreWrite>('flotilla.StoreWrite');
  const node = makeNode();
  const cases = {
    'truncated bytes': Buffer.from('0102030405060708', 'hex'),
    'no bytes': new Uint8Array(),
    'no change': raw.encode({ changes: [], nowMs: 1 }),
    'a change without an object': raw.encode({
      changes: [{ kind: 'CREATE', expectedVersion: 0 }],
      nowMs: 1,
    }),
    'an unknown kind': raw.encode({
      changes: [{ kind: 7 as never, expectedVersion: 0, node, object: 'node' }],
      nowMs: 1,
    }),
  };
  for (const [what, data] of Object.entries(cases)) {
    const err = t.throws(() => decodeWrite(data), undefined, what);
    t.true(isFlotillaError(err, 'CORRUPT'), `${what}: ${err.message}`);
  }
});
