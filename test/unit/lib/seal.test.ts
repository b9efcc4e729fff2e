import test from 'ava';
import { isFlotillaError } from '../../../lib/errors.js';
import { keyId, newKey, open, seal } from '../../../lib/seal.js';

const plain = Buffer.from('s3cret value');

test('what a key seals opens with the same key and context, and shows nothing of the value', (t) => {
  const key = newKey();
  const sealed = seal(key, plain, 'secrets/a');
  t.false(sealed.includes(plain));
  t.deepEqual(open(key, sealed, 'secrets/a'), plain);
  t.notDeepEqual(seal(key, plain, 'secrets/a'), sealed, 'a fresh nonce each time');
});

test('another key, another context or a changed byte do not open it', (t) => {
  const key = newKey();
  const sealed = seal(key, plain, 'secrets/a');
  const corrupt = (fn: () => unknown) => t.true(isFlotillaError(t.throws(fn), 'CORRUPT'));
  corrupt(() => open(newKey(), sealed, 'secrets/a'));
  corrupt(() => open(key, sealed, 'secrets/b'));
  const flipped = Buffer.from(sealed);
  flipped[20] = flipped[20]! ^ 1;
  corrupt(() => open(key, flipped, 'secrets/a'));
  corrupt(() => open(key, sealed.subarray(0, 10), 'secrets/a'));
});

test('a key id names a key without telling it', (t) => {
  const key = newKey();
  t.regex(keyId(key), /^[0-9a-f]{16}$/);
  t.is(keyId(key), keyId(Buffer.from(key)));
  t.not(keyId(key), keyId(newKey()));
});
