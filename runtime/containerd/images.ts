/**
 * Images in containerd: resolving a reference to its manifest, config and layers; unpacking
 * layers into overlayfs snapshots; loading OCI-layout and `docker save` archives through the
 * content store. Content and snapshots carry containerd's garbage-collection labels, so that
 * removing an image frees its blobs and snapshots; every multi-step write runs under a lease.
 */
import { createHash, randomBytes } from 'node:crypto';
import { FlotillaError, invalidArgument, notFound } from '../../lib/errors.js';
import type { ImageOps, ImageSummary } from '../driver.js';
import { TarIndex } from '../tar-index.js';
import { timestampMs, unlessNotFound, type ContainerdClient } from './client.js';
import { withLease } from './leases.js';
import { normalizeReference } from '../../proto/image-reference.js';

export const SNAPSHOTTER = 'overlayfs';

const MEDIA = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar',
};

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  platform?: { os?: string; architecture?: string };
}

/** What a container takes from its image (the `config` object of an OCI image config). */
export interface ImageConfig {
  User?: string;
  Env?: string[];
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  WorkingDir?: string;
  StopSignal?: string;
}

export interface ResolvedImage {
  name: string;
  manifest: Descriptor;
  config: ImageConfig;
  layers: Descriptor[];
  diffIds: string[];
  /** The snapshot a container's root filesystem is prepared from. */
  chainId: string;
}

export interface Manifest {
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
}

export function chainIds(diffIds: string[]): string[] {
  const chains: string[] = [];
  for (const diffId of diffIds) {
    const parent = chains.at(-1);
    chains.push(
      parent ? `sha256:${createHash('sha256').update(`${parent} ${diffId}`).digest('hex')}` : diffId,
    );
  }
  return chains;
}

export class ImageStore implements ImageOps {
  private readonly resolved = new Map<string, ResolvedImage>();

  constructor(private readonly client: ContainerdClient) {}

  /** The image as stored; NOT_FOUND, saying how to load it, if the node does not have it. */
  async resolve(ref: string): Promise<ResolvedImage> {
    const name = normalizeReference(ref);
    const found = await unlessNotFound(
      this.client.unary<{ image: { target: Descriptor } }>('images', 'Get', { name }),
    );
    if (!found) {
      throw new FlotillaError(
        'NOT_FOUND',
        `image ${ref} (${name}) is not on this node; load it with "cluster image load FILE.tar"`,
      );
    }
    const target = found.image.target;
    const cached = this.resolved.get(name);
    if (cached && cached.manifest.digest === target.digest) return cached;
    const manifestDesc = await this.platformManifest(target);
    const manifest = JSON.parse((await this.readBlob(manifestDesc.digest)).toString('utf8')) as Manifest;
    const configJson = JSON.parse((await this.readBlob(manifest.config.digest)).toString('utf8')) as {
      config?: ImageConfig;
      rootfs?: { diff_ids?: string[] };
    };
    const diffIds = configJson.rootfs?.diff_ids ?? [];
    if (diffIds.length !== manifest.layers.length) {
      throw new FlotillaError(
        'CORRUPT',
        `image ${name}: ${manifest.layers.length} layers but ${diffIds.length} diff ids`,
      );
    }
    const image: ResolvedImage = {
      name,
      manifest: manifestDesc,
      config: configJson.config ?? {},
      layers: manifest.layers,
      diffIds,
      chainId: chainIds(diffIds).at(-1) ?? '',
    };
    this.resolved.set(name, image);
    return image;
  }

  /** Makes sure every layer of the image is a committed snapshot. */
  async unpack(image: ResolvedImage): Promise<void> {
    const chains = chainIds(image.diffIds);
    // A committed snapshot has all of its parents: the top layer's says the image is unpacked,
    // with one read and no lease (a write) around it.
    if (chains.length === 0 || (await this.committed(image.chainId))) return;
    await withLease(this.client, `unpack-${image.chainId.slice(7, 19)}`, async (lease) => {
      for (const [i, chain] of chains.entries()) {
        if (await this.committed(chain)) continue;
        const key = `extract-${randomBytes(6).toString('hex')} ${chain}`;
        const parent = i > 0 ? chains[i - 1] : '';
        const { mounts } = await this.client.unary<{ mounts: unknown[] }>(
          'snapshots',
          'Prepare',
          { snapshotter: SNAPSHOTTER, key, parent },
          { lease },
        );
        try {
          await this.client.unary(
            'diff',
            'Apply',
            { diff: image.layers[i], mounts },
            { lease, timeoutMs: 600_000 },
          );
          await this.client.unary(
            'snapshots',
            'Commit',
            { snapshotter: SNAPSHOTTER, name: chain, key },
            { lease },
          );
        } catch (err) {
          await unlessNotFound(this.client.unary('snapshots', 'Remove', { snapshotter: SNAPSHOTTER, key }));
          // Someone else unpacked the same layer meanwhile: theirs will do.
          if (!(err instanceof FlotillaError && err.code === 'ALREADY_EXISTS')) throw err;
        }
      }
    });
  }

  private async committed(chain: string): Promise<boolean> {
    const stat = await unlessNotFound(
      this.client.unary('snapshots', 'Stat', { snapshotter: SNAPSHOTTER, key: chain }),
    );
    return stat !== undefined;
  }

  async list(): Promise<ImageSummary[]> {
    const { images } = await this.client.unary<{
      images: { name: string; target: Descriptor; createdAt: { seconds: number; nanos: number } }[];
    }>('images', 'List', {});
    const out: ImageSummary[] = [];
    for (const image of images) {
      const resolved = await this.resolve(image.name).catch(() => undefined);
      const size = resolved
        ? resolved.layers.reduce((sum, l) => sum + Number(l.size), Number(resolved.manifest.size))
        : Number(image.target.size);
      out.push({
        name: image.name,
        digest: image.target.digest,
        size,
        createdAt: timestampMs(image.createdAt),
      });
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Removes the image; its blobs and unused snapshots go with containerd's next collection. */
  async remove(ref: string): Promise<void> {
    const name = normalizeReference(ref);
    const gone = await unlessNotFound(this.client.unary('images', 'Delete', { name, sync: true }));
    if (gone === undefined) throw notFound('image', ref);
    this.resolved.delete(name);
  }

  /**
   * Loads every image of an OCI-layout or `docker save` archive and unpacks it; returns
   * the names. `progress` hears the bytes written so far and the total.
   */
  async load(path: string, progress?: (done: number, total: number) => void): Promise<string[]> {
    const tar = await TarIndex.open(path);
    try {
      const images = tar.has('index.json') ? await ociImages(tar) : await dockerSaveImages(tar);
      if (images.length === 0) throw invalidArgument('archive', 'at least one named image', path);
      return await this.store(images, progress);
    } finally {
      await tar.close();
    }
  }

  /**
   * Writes the images' blobs (with their garbage-collection labels) and records, under one
   * lease, then unpacks them; returns their names.
   */
  async store(images: ImageSource[], progress?: (done: number, total: number) => void): Promise<string[]> {
    const total = images.reduce((sum, i) => sum + i.blobs.reduce((s, b) => s + b.size, 0), 0);
    let done = 0;
    const names: string[] = [];
    await withLease(this.client, `store-${randomBytes(6).toString('hex')}`, async (lease) => {
      for (const image of images) {
        for (const blob of image.blobs) {
          await this.writeBlob(blob, lease, (n) => progress?.((done += n), total));
        }
        const record = { name: image.name, target: image.manifest };
        const created = await this.client
          .unary('images', 'Create', { image: record }, { lease })
          .then(() => true)
          .catch((err: unknown) => {
            if (err instanceof FlotillaError && err.code === 'ALREADY_EXISTS') return false;
            throw err;
          });
        if (!created) await this.client.unary('images', 'Update', { image: record }, { lease });
        this.resolved.delete(image.name);
        await this.unpack(await this.resolve(image.name));
        names.push(image.name);
      }
    });
    return names;
  }

  async readBlob(digest: string): Promise<Buffer> {
    const parts = await this.client.serverStream<{ data: Buffer }>('content', 'Read', { digest });
    return Buffer.concat(parts.map((p) => p.data));
  }

  private async platformManifest(target: Descriptor): Promise<Descriptor> {
    if (target.mediaType !== MEDIA.ociIndex && target.mediaType !== MEDIA.dockerList) return target;
    const index = JSON.parse((await this.readBlob(target.digest)).toString('utf8')) as {
      manifests: Descriptor[];
    };
    const arch = process.arch === 'x64' ? 'amd64' : process.arch;
    const match =
      index.manifests.find((m) => m.platform?.os === 'linux' && m.platform.architecture === arch) ??
      index.manifests.find((m) => !m.platform);
    if (!match)
      throw new FlotillaError('NOT_FOUND', `image ${target.digest} has no manifest for linux/${arch}`);
    return match;
  }

  /** Writes one blob with its garbage-collection labels, unless the store has it (then labels it). */
  private async writeBlob(blob: BlobSource, lease: string, wrote: (n: number) => void): Promise<void> {
    const info = await unlessNotFound(this.client.unary('content', 'Info', { digest: blob.digest }));
    if (info) {
      if (Object.keys(blob.labels).length > 0) {
        await this.client.unary(
          'content',
          'Update',
          { info: { digest: blob.digest, labels: blob.labels }, updateMask: { paths: ['labels'] } },
          { lease },
        );
      }
      wrote(blob.size);
      return;
    }
    const stream = this.client.duplex<object, { offset: number; digest: string }>('content', 'Write', {
      lease,
    });
    const responses: { offset: number; digest: string }[] = [];
    const finished = new Promise<void>((resolve, reject) => {
      stream.on('data', (res: { offset: number; digest: string }) => responses.push(res));
      stream.on('error', (err) => reject(this.client.error(err as never, 'Content.Write')));
      stream.on('end', () => resolve());
    });
    const ref = `flotilla-write-${blob.digest}`;
    const base = { ref, total: blob.size, expected: blob.digest };
    let offset = 0;
    const send = async (msg: object): Promise<void> => {
      if (!stream.write(msg)) await new Promise((r) => stream.once('drain', r));
    };
    for await (const data of blob.read()) {
      await send({ ...base, action: 'WRITE', offset, data });
      offset += data.length;
      wrote(data.length);
    }
    await send({ ...base, action: 'COMMIT', offset, labels: blob.labels });
    stream.end();
    await finished;
    if (responses.at(-1)?.digest !== blob.digest) {
      throw new FlotillaError('CORRUPT', `the content store did not commit ${blob.digest}`);
    }
  }
}

/** A blob to store: what it is, the garbage-collection labels it gets, and how to read it. */
export interface BlobSource {
  digest: string;
  size: number;
  labels: Record<string, string>;
  read(): AsyncIterable<Buffer> | Iterable<Buffer>;
}

export interface ImageSource {
  name: string;
  manifest: Descriptor;
  /** Layers and config first, the manifest last: what refers to a blob comes after it. */
  blobs: BlobSource[];
}

const blobPath = (digest: string): string => `blobs/${digest.replace(':', '/')}`;

/** The labels that make a manifest keep its config and layers, and the config its snapshot. */
export function gcBlobs(
  manifest: Manifest,
  manifestBlob: Omit<BlobSource, 'labels'>,
  diffIds: string[],
  blobOf: (d: Descriptor) => Omit<BlobSource, 'labels'>,
): BlobSource[] {
  const manifestLabels: Record<string, string> = {
    'containerd.io/gc.ref.content.config': manifest.config.digest,
  };
  manifest.layers.forEach((l, i) => (manifestLabels[`containerd.io/gc.ref.content.l.${i}`] = l.digest));
  const top = chainIds(diffIds).at(-1);
  return [
    ...manifest.layers.map((l) => ({ ...blobOf(l), labels: {} })),
    {
      ...blobOf(manifest.config),
      labels: top ? { [`containerd.io/gc.ref.snapshot.${SNAPSHOTTER}`]: top } : {},
    },
    { ...manifestBlob, labels: manifestLabels },
  ];
}

/** A blob read from the archive at `path`. */
const tarBlob = (tar: TarIndex, digest: string, path: string): Omit<BlobSource, 'labels'> => ({
  digest,
  size: tar.entry(path).size,
  read: () => tar.chunks(path),
});

async function ociImages(tar: TarIndex): Promise<ImageSource[]> {
  const index = JSON.parse((await tar.read('index.json')).toString('utf8')) as { manifests: Descriptor[] };
  const images: ImageSource[] = [];
  for (const desc of index.manifests) {
    const named =
      desc.annotations?.['io.containerd.image.name'] ??
      desc.annotations?.['org.opencontainers.image.ref.name'];
    if (!named || !/[/:]/.test(named)) continue; // a bare tag names nothing we can run
    if (desc.mediaType !== MEDIA.ociManifest && desc.mediaType !== MEDIA.dockerManifest) {
      throw invalidArgument('archive', 'single-platform image manifests in index.json', desc.mediaType);
    }
    const manifest = JSON.parse((await tar.read(blobPath(desc.digest))).toString('utf8')) as Manifest;
    const config = JSON.parse((await tar.read(blobPath(manifest.config.digest))).toString('utf8')) as {
      rootfs?: { diff_ids?: string[] };
    };
    images.push({
      name: normalizeReference(named),
      manifest: { mediaType: desc.mediaType, digest: desc.digest, size: Number(desc.size) },
      blobs: gcBlobs(
        manifest,
        tarBlob(tar, desc.digest, blobPath(desc.digest)),
        config.rootfs?.diff_ids ?? [],
        (d) => tarBlob(tar, d.digest, blobPath(d.digest)),
      ),
    });
  }
  return images;
}

/** `docker save`: manifest.json names the config and layer files; we write the OCI manifest. */
async function dockerSaveImages(tar: TarIndex): Promise<ImageSource[]> {
  if (!tar.has('manifest.json')) {
    throw invalidArgument(
      'archive',
      'an OCI image layout (index.json) or a docker save archive (manifest.json)',
      tar.path,
    );
  }
  const entries = JSON.parse((await tar.read('manifest.json')).toString('utf8')) as {
    Config: string;
    RepoTags?: string[];
    Layers: string[];
  }[];
  const images: ImageSource[] = [];
  for (const entry of entries) {
    const configBytes = await tar.read(entry.Config);
    const config = JSON.parse(configBytes.toString('utf8')) as { rootfs?: { diff_ids?: string[] } };
    const paths = new Map<string, string>([
      [`sha256:${createHash('sha256').update(configBytes).digest('hex')}`, entry.Config],
    ]);
    const layers: Descriptor[] = [];
    for (const path of entry.Layers) {
      const hash = createHash('sha256');
      for await (const chunk of tar.chunks(path)) hash.update(chunk);
      const digest = `sha256:${hash.digest('hex')}`;
      paths.set(digest, path);
      layers.push({ mediaType: MEDIA.dockerLayer, digest, size: tar.entry(path).size });
    }
    const [configDigest] = paths.keys();
    const manifest: Manifest = {
      mediaType: MEDIA.ociManifest,
      config: { mediaType: MEDIA.ociConfig, digest: configDigest as string, size: configBytes.length },
      layers,
    };
    const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, ...manifest }));
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    const manifestBlob = { digest, size: bytes.length, read: () => [bytes] };
    const blobs = gcBlobs(manifest, manifestBlob, config.rootfs?.diff_ids ?? [], (d) =>
      tarBlob(tar, d.digest, paths.get(d.digest) ?? ''),
    );
    for (const name of entry.RepoTags ?? []) {
      images.push({
        name: normalizeReference(name),
        manifest: { mediaType: MEDIA.ociManifest, digest, size: bytes.length },
        blobs,
      });
    }
  }
  return images;
}
