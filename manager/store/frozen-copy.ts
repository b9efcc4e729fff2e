/**
 * How the store keeps what a writer hands it: a deep copy, frozen, so that nothing changes a
 * stored object in place, laid out to cost little per object:
 * - strings are kept as they are (they cannot change, and a copy would be a new string each);
 * - an empty array, and an empty map or message, is one frozen value shared by all;
 * - an object is made as an object literal of its keys (see makerFor), so all objects of one
 *   shape share one V8 hidden class, frozen ones too (freezing a copy made by spreading gives
 *   each object a hidden class and a descriptor array of its own), and hold their properties
 *   in themselves;
 * - bytes are copied as the view's bytes only (a structured clone copies a view's whole buffer:
 *   for a field decoded from a message, the whole message).
 */

const EMPTY_ARRAY: readonly never[] = Object.freeze([]);
const EMPTY_OBJECT: Readonly<Record<string, never>> = Object.freeze({});

/**
 * A frozen deep copy of `value`. `fields` replace top-level fields of the copy by values the
 * store already keeps frozen (shared ones); one that `value` lacks comes after its own fields.
 */
export function frozenCopy<T>(value: T, fields?: Readonly<Record<string, unknown>>): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return (value.length === 0 ? EMPTY_ARRAY : Object.freeze(value.map(copy))) as T;
  if (value instanceof Uint8Array) return new Uint8Array(value) as T;
  if (!isPlain(value)) return deepFreeze(structuredClone(value));
  const source = value as Record<string, unknown>;
  const keys = Object.keys(source);
  if (fields) for (const key of Object.keys(fields)) if (!Object.hasOwn(source, key)) keys.push(key);
  if (keys.length === 0) return EMPTY_OBJECT as T;
  const values = keys.map((key) => (fields && Object.hasOwn(fields, key) ? fields[key] : copy(source[key])));
  const make = makerFor(keys);
  if (make) return Object.freeze(make(values)) as T;
  const out: Record<string, unknown> = {};
  for (const [i, key] of keys.entries()) {
    // A map's key may be any string: "__proto__" too, which an assignment would not keep.
    if (key === '__proto__') {
      Object.defineProperty(out, key, { value: values[i], enumerable: true, writable: true });
    } else out[key] = values[i];
  }
  return Object.freeze(out) as T;
}

/** Makes an object of given keys from its values, in the keys' order. */
type Maker = (values: unknown[]) => Record<string, unknown>;

interface Shape {
  /** The shapes one key longer. */
  next: Map<string, Shape>;
  make?: Maker;
}

const shapes: Shape = { next: new Map() };
let shapesKept = 0;
/** Shapes kept at most: messages have a few dozen; maps (labels) may have any number. */
const SHAPES_KEPT = 4096;
/** An object of up to this many properties built from `{}` holds them all in itself. */
const IN_OBJECT = 4;
const MAX_KEYS = 64;

/**
 * The maker of objects with `keys`, in that order: an object literal of those keys, compiled
 * once per shape. V8 lays a literal's properties out in the object itself, where an object
 * built a property at a time from `{}` has room for four and keeps the rest in an array of
 * their own: for a task and its status about 60 bytes more, for 100,000 tasks 6 MB. Undefined
 * (build it a property at a time) for a shape that fits in `{}` anyway, a very large one, one
 * with a key a literal cannot take as it is ("__proto__" would set the prototype), and beyond
 * SHAPES_KEPT shapes.
 */
function makerFor(keys: string[]): Maker | undefined {
  if (keys.length <= IN_OBJECT || keys.length > MAX_KEYS) return undefined;
  let shape = shapes;
  for (const key of keys) {
    let next = shape.next.get(key);
    if (!next) {
      if (key === '__proto__' || shapesKept >= SHAPES_KEPT) return undefined;
      shape.next.set(key, (next = { next: new Map() }));
      shapesKept++;
    }
    shape = next;
  }
  // The keys are written as JSON strings: string literals that stand for themselves.
  shape.make ??= new Function(
    'v',
    `return {${keys.map((key, i) => `${JSON.stringify(key)}: v[${i}]`).join(', ')}};`,
  ) as Maker;
  return shape.make;
}

const copy = (value: unknown): unknown => frozenCopy(value);

/**
 * Whether two values read alike everywhere: the same fields in the same order, equal
 * numbers (NaN equal to itself, -0 not 0), equal bytes.
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    if (!(a instanceof Uint8Array && b instanceof Uint8Array) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  if (!isPlain(a) || !isPlain(b) || Array.isArray(b)) return false;
  const ak = Object.keys(a);
  const bk = Object.keys(b);
  if (ak.length !== bk.length) return false;
  for (let i = 0; i < ak.length; i++) {
    const key = ak[i]!;
    if (key !== bk[i] || !sameValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]))
      return false;
  }
  return true;
}

/** A plain record (a decoded message or map, or an object literal). */
function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Anything else a writer might hand over is cloned as a whole and frozen, as it comes out. */
function deepFreeze<T>(value: T): T {
  // Bytes cannot be frozen; they are never changed in place either.
  if (value && typeof value === 'object' && !Object.isFrozen(value) && !ArrayBuffer.isView(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
