/**
 * Pulling an image from a registry (the distribution API, v2) into the content store: the
 * manifest (the node's platform's, from an index), the config and the layers, streamed from
 * the registry with the same garbage-collection labels as a loaded archive. Registries on
 * loopback are spoken to over plain HTTP, others over HTTPS. Credentials, when given, answer
 * the registry's challenge (basic, or a bearer token from its realm).
 */
import { createHash } from 'node:crypto';
import { FlotillaError } from '../../lib/errors.js';
import type { RegistryAuth } from '../driver.js';
import { parseReference, type Reference } from '../../proto/image-reference.js';
import { gcBlobs, type Descriptor, type ImageSource, type Manifest } from './images.js';

const ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');
const INDEXES = new Set(ACCEPT.split(', ').slice(0, 2));

class Registry {
  private authorization: string | undefined;

  constructor(
    private readonly ref: Reference,
    private readonly auth: RegistryAuth | undefined,
    private readonly signal: AbortSignal | undefined,
  ) {}

  async get(path: string, accept?: string): Promise<Response> {
    let res = await this.fetch(path, accept);
    if (res.status === 401 && !this.authorization) {
      await this.authenticate(res.headers.get('www-authenticate') ?? '');
      res = await this.fetch(path, accept);
    }
    if (!res.ok) {
      const what = `${this.ref.name}: ${res.status} ${res.statusText} for ${path}`;
      if (res.status === 404) throw new FlotillaError('NOT_FOUND', `registry has no ${what}`);
      if (res.status === 401 || res.status === 403) {
        throw new FlotillaError(
          'PERMISSION_DENIED',
          `registry refused ${what}${this.auth ? '' : '; create the service with --with-registry-auth'}`,
        );
      }
      throw new FlotillaError('UNAVAILABLE', `registry answered ${what}`);
    }
    return res;
  }

  async bytes(path: string, accept?: string): Promise<{ bytes: Buffer; type: string }> {
    const res = await this.get(path, accept);
    return { bytes: Buffer.from(await res.arrayBuffer()), type: res.headers.get('content-type') ?? '' };
  }

  async *stream(path: string): AsyncIterable<Buffer> {
    const res = await this.get(path);
    if (!res.body) return;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) yield Buffer.from(chunk);
  }

  private fetch(path: string, accept?: string): Promise<Response> {
    const headers: Record<string, string> = {};
    if (accept) headers.accept = accept;
    if (this.authorization) headers.authorization = this.authorization;
    return fetch(`${this.ref.base}${path}`, { headers, signal: this.signal ?? null }).catch(
      (cause: unknown) => {
        throw new FlotillaError(
          'UNAVAILABLE',
          `cannot reach the registry of ${this.ref.name}: ${String(cause)}`,
          {
            cause,
          },
        );
      },
    );
  }

  private async authenticate(challenge: string): Promise<void> {
    const basic = this.auth
      ? `Basic ${Buffer.from(`${this.auth.username}:${this.auth.password}`).toString('base64')}`
      : undefined;
    if (/^basic/i.test(challenge)) {
      this.authorization = basic;
      return;
    }
    const params = Object.fromEntries(
      [...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1] as string, m[2] as string]),
    );
    if (!/^bearer/i.test(challenge) || !params.realm) return;
    const url = new URL(params.realm);
    if (params.service) url.searchParams.set('service', params.service);
    url.searchParams.set('scope', `repository:${this.ref.repository}:pull`);
    const res = await fetch(url, {
      headers: basic ? { authorization: basic } : {},
      signal: this.signal ?? null,
    });
    if (!res.ok)
      throw new FlotillaError('PERMISSION_DENIED', `the registry's token service refused: ${res.status}`);
    const body = (await res.json()) as { token?: string; access_token?: string };
    this.authorization = `Bearer ${body.token ?? body.access_token ?? ''}`;
  }
}

const sha256 = (bytes: Buffer): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** The image `ref` in the registry, as blobs to store (read from the registry as they are written). */
export async function registryImage(
  ref: string,
  auth?: RegistryAuth,
  signal?: AbortSignal,
): Promise<ImageSource> {
  const parsed = parseReference(ref);
  const registry = new Registry(parsed, auth, signal);
  let { bytes, type } = await registry.bytes(`/manifests/${parsed.reference}`, ACCEPT);
  let body = JSON.parse(bytes.toString('utf8')) as Manifest & { manifests?: Descriptor[] };
  if (INDEXES.has(body.mediaType ?? type)) {
    const arch = process.arch === 'x64' ? 'amd64' : process.arch;
    const match = (body.manifests ?? []).find(
      (m) => m.platform?.os === 'linux' && m.platform.architecture === arch,
    );
    if (!match) throw new FlotillaError('NOT_FOUND', `${parsed.name} has no image for linux/${arch}`);
    ({ bytes, type } = await registry.bytes(`/manifests/${match.digest}`, ACCEPT));
    body = JSON.parse(bytes.toString('utf8')) as Manifest;
  }
  const config = JSON.parse(
    (await registry.bytes(`/blobs/${body.config.digest}`)).bytes.toString('utf8'),
  ) as {
    rootfs?: { diff_ids?: string[] };
  };
  const digest = sha256(bytes);
  const mediaType = body.mediaType ?? type;
  return {
    name: parsed.name,
    manifest: { mediaType, digest, size: bytes.length },
    blobs: gcBlobs(
      body,
      { digest, size: bytes.length, read: () => [bytes] },
      config.rootfs?.diff_ids ?? [],
      (d) => ({
        digest: d.digest,
        size: Number(d.size),
        read: () => registry.stream(`/blobs/${d.digest}`),
      }),
    ),
  };
}
