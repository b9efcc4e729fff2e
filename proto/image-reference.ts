/**
 * Image references as Docker reads them: the short forms filled in (`busybox` is
 * docker.io/library/busybox:latest), and the parts a registry is asked by (its host, the base
 * of its v2 API: HTTP on loopback, HTTPS elsewhere; the repository; the tag or digest). The
 * containerd driver pulls by them; the CLI finds `docker login`'s credentials by the registry.
 */
import { invalidArgument } from '../lib/errors.js';

/** Docker's short forms: `busybox` is docker.io/library/busybox:latest. */
export function normalizeReference(ref: string): string {
  if (!/^[a-z0-9][a-z0-9._:/@-]*$/i.test(ref)) throw invalidArgument('image', 'an image reference', ref);
  const [first, ...rest] = ref.split('/');
  let name = ref;
  if (rest.length === 0) name = `docker.io/library/${ref}`;
  else if (!/[.:]/.test(first ?? '') && first !== 'localhost') name = `docker.io/${ref}`;
  const last = name.slice(name.lastIndexOf('/') + 1);
  if (!last.includes(':') && !name.includes('@')) name += ':latest';
  return name;
}

export interface Reference {
  name: string;
  /** The registry's host (Docker Hub's for docker.io). */
  registry: string;
  base: string;
  repository: string;
  /** Tag or digest. */
  reference: string;
}

export function parseReference(ref: string): Reference {
  const name = normalizeReference(ref);
  const slash = name.indexOf('/');
  const domain = name.slice(0, slash);
  let repository = name.slice(slash + 1);
  let reference: string;
  const at = repository.indexOf('@');
  if (at >= 0) {
    reference = repository.slice(at + 1);
    repository = repository.slice(0, at);
  } else {
    const colon = repository.lastIndexOf(':');
    reference = repository.slice(colon + 1);
    repository = repository.slice(0, colon);
  }
  const host = domain === 'docker.io' ? 'registry-1.docker.io' : domain;
  const loopback = /^(localhost|127\.[\d.]+|\[::1\])(:\d+)?$/.test(host);
  return {
    name,
    registry: host,
    base: `${loopback ? 'http' : 'https'}://${host}/v2/${repository}`,
    repository,
    reference,
  };
}
