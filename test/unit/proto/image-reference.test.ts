import test from 'ava';
import { normalizeReference, parseReference } from '../../../proto/image-reference.js';

const SHA256 = 'sha256:' + 'ab'.repeat(32);
const SHA512 = 'sha512:' + '0f'.repeat(64);

/** As written, and in full. */
const valid: [string, string][] = [
  ['busybox', 'docker.io/library/busybox:latest'],
  ['busybox:1.36', 'docker.io/library/busybox:1.36'],
  ['flotilla/busybox', 'docker.io/flotilla/busybox:latest'],
  ['docker.io/busybox', 'docker.io/library/busybox:latest'],
  ['index.docker.io/team/app:2', 'docker.io/team/app:2'],
  ['localhost/app', 'localhost/app:latest'],
  ['localhost:5000/app', 'localhost:5000/app:latest'],
  ['127.0.0.1:5000/team/bb:1', '127.0.0.1:5000/team/bb:1'],
  ['[::1]:5000/app:v1', '[::1]:5000/app:v1'],
  ['Registry.Example/team/app:1.2', 'Registry.Example/team/app:1.2'],
  ['registry-1.example.com/a/b/c/d', 'registry-1.example.com/a/b/c/d:latest'],
  ['my.registry/a.b_c__d---e/f-g', 'my.registry/a.b_c__d---e/f-g:latest'],
  ['app:_Tag.With-Dots_', 'docker.io/library/app:_Tag.With-Dots_'],
  ['app:' + 'x'.repeat(128), 'docker.io/library/app:' + 'x'.repeat(128)],
  [`app@${SHA256}`, `docker.io/library/app@${SHA256}`],
  [`app:1.0@${SHA256}`, `docker.io/library/app:1.0@${SHA256}`],
  [`registry.example/app@${SHA512}`, `registry.example/app@${SHA512}`],
  [`registry.example/${'a'.repeat(238)}`, `registry.example/${'a'.repeat(238)}:latest`],
];

/** As written, and what the error names. */
const invalid: [string, RegExp][] = [
  ['', /invalid image: expected an image reference/],
  ['no spaces', /invalid image repository/],
  ['MyApp', /invalid image repository: expected lowercase letters only \(write "myapp"\), got "MyApp"/],
  ['Team/app:1', /invalid image repository: expected lowercase.*"team\/app"/],
  ['registry.example/Team/App', /invalid image repository: expected lowercase.*"team\/app"/],
  ['app/', /invalid image repository/],
  ['a//b', /invalid image repository/],
  ['team/.app', /invalid image repository/],
  ['team/app-', /invalid image repository/],
  ['team/a..b', /invalid image repository/],
  ['team/a___b', /invalid image repository/],
  ['-reg.example/app', /invalid image registry/],
  ['reg_istry.example/app', /invalid image registry/],
  ['registry.example:port/app', /invalid image registry/],
  ['[::1/app', /invalid image registry/],
  ['app:', /invalid image tag/],
  ['app:.hidden', /invalid image tag/],
  ['app:-dash', /invalid image tag/],
  ['app:' + 'x'.repeat(129), /invalid image tag/],
  ['app:a+b', /invalid image tag/],
  ['app@', /invalid image digest/],
  ['app@sha256:abc', /invalid image digest: expected sha256: and 64 lowercase hex digits/],
  [`app@${SHA256.toUpperCase().replace('SHA256', 'sha256')}`, /invalid image digest/],
  [`app@md5:${'ab'.repeat(16)}`, /invalid image digest/],
  [`app@${SHA256}@${SHA256}`, /invalid image digest/],
  [`registry.example/${'a'.repeat(239)}`, /invalid image name: expected at most 255 characters .*got 256/],
  ['ab'.repeat(32), /invalid image: expected a name, not a 64-hex image id/],
];

for (const [ref, full] of valid) {
  test(`valid: ${ref.length > 60 ? ref.slice(0, 57) + '...' : ref}`, (t) => {
    t.is(normalizeReference(ref), full);
    // Filled in, a reference reads the same again.
    t.is(normalizeReference(full), full);
  });
}

for (const [ref, message] of invalid) {
  test(`invalid: ${JSON.stringify(ref.length > 60 ? ref.slice(0, 57) + '...' : ref)}`, (t) => {
    const err = t.throws(() => normalizeReference(ref), { message });
    t.is((err as { code?: string } | undefined)?.code, 'INVALID_ARGUMENT');
    t.throws(() => parseReference(ref), { message });
  });
}

test('registry references: Docker Hub over HTTPS, loopback over HTTP', (t) => {
  t.like(parseReference('busybox'), {
    name: 'docker.io/library/busybox:latest',
    registry: 'registry-1.docker.io',
    base: 'https://registry-1.docker.io/v2/library/busybox',
    repository: 'library/busybox',
    reference: 'latest',
  });
  t.like(parseReference('127.0.0.1:5000/team/bb:1'), {
    registry: '127.0.0.1:5000',
    base: 'http://127.0.0.1:5000/v2/team/bb',
    reference: '1',
  });
  t.like(parseReference('[::1]:5000/app'), { base: 'http://[::1]:5000/v2/app' });
  t.like(parseReference('localhost/app'), { base: 'http://localhost/v2/app' });
});

test('a digest is what the registry is asked for, even with a tag beside it', (t) => {
  t.like(parseReference(`registry.example/app@${SHA256}`), { repository: 'app', reference: SHA256 });
  t.like(parseReference(`registry.example/team/app:1.0@${SHA256}`), {
    repository: 'team/app',
    reference: SHA256,
    name: `registry.example/team/app:1.0@${SHA256}`,
  });
});
