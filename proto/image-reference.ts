/**
 * Image references as Docker reads them. A reference is `[registry/]repository[:tag][@digest]`:
 * the registry a host name, an IPv4 address or a bracketed IPv6 address with an optional port;
 * the repository lowercase path components joined by `/`; the tag up to 128 word characters,
 * dots and dashes; the digest `algorithm:hex`. Short forms are filled in (`busybox` is
 * docker.io/library/busybox:latest). The registry is asked by host (the base of its v2 API:
 * HTTP on loopback, HTTPS elsewhere), repository and tag or digest. The containerd driver pulls
 * by them; the CLI finds `docker login`'s credentials by the registry.
 */
import { invalidArgument } from '../lib/errors.js';

/** Registry and repository together, as written, may not be longer than this. */
const NAME_MAX = 255;

/** One label of a host name: letters, digits and dashes, not starting or ending with a dash. */
const LABEL = '[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?';
/** A host name or IPv4 address (dotted labels), or an IPv6 address in brackets; then a port. */
const REGISTRY = new RegExp(`^(?:${LABEL}(?:\\.${LABEL})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?$`);
/** A path component: runs of lowercase letters and digits joined by `.`, `_`, `__` or dashes. */
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^\w[\w.-]{0,127}$/;
/** The digest algorithms a registry is asked by, and the lowercase hex digits of each. */
const DIGEST_HEX = new Map([
  ['sha256', 64],
  ['sha384', 96],
  ['sha512', 128],
]);
/** A bare image id is 64 hex digits: Docker refuses it as a name, since it means the id. */
const IMAGE_ID = /^[a-f0-9]{64}$/;

const EXAMPLE = 'like "busybox", "team/app:1.2" or "registry.example:5000/team/app@sha256:<64 hex>"';

interface Parts {
  /** The registry, filled in (docker.io for Docker Hub). */
  registry: string;
  /** The repository, filled in (library/ for Docker Hub's official images). */
  repository: string;
  tag?: string;
  digest?: string;
}

/** A registry is written first, and told from a Docker Hub namespace by a dot, a port or its name. */
const isRegistry = (first: string): boolean => /[.:]/.test(first) || first === 'localhost';

function readParts(ref: string): Parts {
  if (ref === '') throw invalidArgument('image', `an image reference, ${EXAMPLE}`);
  if (IMAGE_ID.test(ref)) {
    throw invalidArgument('image', `a name, not a 64-hex image id (${EXAMPLE})`, ref);
  }
  const at = ref.indexOf('@');
  const digest = at >= 0 ? ref.slice(at + 1) : undefined;
  let name = at >= 0 ? ref.slice(0, at) : ref;
  let tag: string | undefined;
  const colon = name.lastIndexOf(':');
  if (colon > name.lastIndexOf('/')) {
    tag = name.slice(colon + 1);
    name = name.slice(0, colon);
  }
  if (name.length > NAME_MAX) {
    throw invalidArgument(
      'image name',
      `at most ${NAME_MAX} characters of registry and repository, got ${name.length}`,
    );
  }
  const slash = name.indexOf('/');
  const written = slash > 0 && isRegistry(name.slice(0, slash));
  let registry = written ? name.slice(0, slash) : 'docker.io';
  let repository = written ? name.slice(slash + 1) : name;
  if (!REGISTRY.test(registry)) {
    throw invalidArgument(
      'image registry',
      'a host name, an IPv4 address or an [IPv6] address, with an optional :port',
      registry,
    );
  }
  checkRepository(repository);
  if (tag !== undefined && !TAG.test(tag)) {
    throw invalidArgument(
      'image tag',
      'up to 128 letters, digits, "_", "." or "-", the first not "." or "-"',
      tag,
    );
  }
  if (digest !== undefined) checkDigest(digest);
  if (registry === 'index.docker.io') registry = 'docker.io';
  if (registry === 'docker.io' && !repository.includes('/')) repository = `library/${repository}`;
  return { registry, repository, tag, digest };
}

const isRepository = (path: string): boolean => path.split('/').every((c) => COMPONENT.test(c));

function checkRepository(repository: string): void {
  if (isRepository(repository)) return;
  const lower = repository.toLowerCase();
  if (isRepository(lower)) {
    throw invalidArgument(
      'image repository',
      `lowercase letters only (write ${JSON.stringify(lower)})`,
      repository,
    );
  }
  throw invalidArgument(
    'image repository',
    'path components of lowercase letters and digits separated by "/", each joined inside only by ".", "_", "__" or dashes',
    repository,
  );
}

function checkDigest(digest: string): void {
  const colon = digest.indexOf(':');
  const length = colon > 0 ? DIGEST_HEX.get(digest.slice(0, colon)) : undefined;
  const hex = digest.slice(colon + 1);
  if (length === undefined || hex.length !== length || !/^[a-f0-9]+$/.test(hex)) {
    throw invalidArgument(
      'image digest',
      'sha256: and 64 lowercase hex digits (or sha384: and 96, sha512: and 128)',
      digest,
    );
  }
}

/** The reference in full: `busybox` is docker.io/library/busybox:latest. */
export function normalizeReference(ref: string): string {
  const { registry, repository, tag, digest } = readParts(ref);
  const tagged = tag === undefined ? (digest === undefined ? ':latest' : '') : `:${tag}`;
  return `${registry}/${repository}${tagged}${digest === undefined ? '' : `@${digest}`}`;
}

export interface Reference {
  name: string;
  /** The registry's host (Docker Hub's for docker.io). */
  registry: string;
  base: string;
  repository: string;
  /** What the registry is asked for: the digest when there is one, else the tag. */
  reference: string;
}

export function parseReference(ref: string): Reference {
  const parts = readParts(ref);
  const host = parts.registry === 'docker.io' ? 'registry-1.docker.io' : parts.registry;
  const loopback = /^(localhost|127\.[\d.]+|\[::1\])(:\d+)?$/.test(host);
  return {
    name: normalizeReference(ref),
    registry: host,
    base: `${loopback ? 'http' : 'https'}://${host}/v2/${parts.repository}`,
    repository: parts.repository,
    reference: parts.digest ?? parts.tag ?? 'latest',
  };
}
