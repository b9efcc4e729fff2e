import test from 'ava';
import { normalizeReference, parseReference } from '../../../proto/image-reference.js';

test('references read as Docker reads them', (t) => {
  t.is(normalizeReference('busybox'), 'docker.io/library/busybox:latest');
  t.is(normalizeReference('flotilla/busybox'), 'docker.io/flotilla/busybox:latest');
  t.is(normalizeReference('localhost:5000/app'), 'localhost:5000/app:latest');
  t.is(normalizeReference('registry.example/team/app:1.2'), 'registry.example/team/app:1.2');
  t.is(normalizeReference('app@sha256:abc'), 'docker.io/library/app@sha256:abc');
  t.throws(() => normalizeReference('no spaces'), { message: /image/ });
});

test('registry references: Docker Hub over HTTPS, loopback over HTTP', (t) => {
  t.like(parseReference('busybox'), {
    registry: 'registry-1.docker.io',
    base: 'https://registry-1.docker.io/v2/library/busybox',
    repository: 'library/busybox',
    reference: 'latest',
  });
  t.like(parseReference('127.0.0.1:5000/team/bb:1'), {
    base: 'http://127.0.0.1:5000/v2/team/bb',
    reference: '1',
  });
  t.like(parseReference('registry.example/app@sha256:abc'), { repository: 'app', reference: 'sha256:abc' });
});
