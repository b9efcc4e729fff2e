/**
 * A private registry for tests: Debian's docker-registry on loopback, its storage and config
 * under a temp dir, with basic auth (user `flotilla`, password `flotilla-test-password`).
 * push() uploads an image from an OCI-layout archive through the registry API.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { openSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { TarIndex } from '../../runtime/tar-index.js';
import { freePort } from './cluster-harness.js';
import { onPath } from './host-tools.js';

export const REGISTRY_USER = 'flotilla';
export const REGISTRY_PASSWORD = 'flotilla-test-password';
/** bcrypt of REGISTRY_PASSWORD (the registry's htpasswd takes only bcrypt). */
const HTPASSWD = `${REGISTRY_USER}:$2b$05$YRCLk0M4uQCRWogIc3k4L.h97yslTmmGUpmJBYf3aDXl7qWA05s8i\n`;

export async function registryMissing(): Promise<string | undefined> {
  return (await onPath('docker-registry'))
    ? undefined
    : 'docker-registry is not installed (Debian: apt-get install docker-registry)';
}

export class LocalRegistry {
  private constructor(
    readonly dir: string,
    readonly host: string,
    private readonly daemon: ChildProcess,
  ) {}

  static async start(): Promise<LocalRegistry> {
    const dir = await mkdtemp(join(tmpdir(), 'flotilla-registry-'));
    const host = `127.0.0.1:${await freePort()}`;
    await writeFile(join(dir, 'htpasswd'), HTPASSWD);
    await writeFile(
      join(dir, 'config.yml'),
      [
        'version: 0.1',
        'log:',
        '  level: warn',
        'storage:',
        '  filesystem:',
        `    rootdirectory: ${dir}/data`,
        'http:',
        `  addr: ${host}`,
        'auth:',
        '  htpasswd:',
        '    realm: flotilla-test',
        `    path: ${dir}/htpasswd`,
      ].join('\n'),
    );
    const log = openSync(join(dir, 'registry.log'), 'a');
    const daemon = spawn('docker-registry', ['serve', join(dir, 'config.yml')], {
      stdio: ['ignore', log, log],
    });
    const registry = new LocalRegistry(dir, host, daemon);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const res = await fetch(`http://${host}/v2/`).catch(() => undefined);
      if (res) break;
      if (daemon.exitCode !== null || Date.now() > deadline) {
        const text = await readFile(join(dir, 'registry.log'), 'utf8').catch(() => '');
        await registry.stop();
        throw new Error(`docker-registry did not start:\n${text.slice(-2000)}`);
      }
      await delay(50);
    }
    return registry;
  }

  /** Uploads the first image of an OCI-layout archive as REPOSITORY:TAG. */
  async push(archive: string, repository: string, tag: string): Promise<void> {
    const tar = await TarIndex.open(archive);
    const authorization = `Basic ${Buffer.from(`${REGISTRY_USER}:${REGISTRY_PASSWORD}`).toString('base64')}`;
    const base = `http://${this.host}/v2/${repository}`;
    try {
      const index = JSON.parse((await tar.read('index.json')).toString('utf8')) as {
        manifests: { digest: string; mediaType: string }[];
      };
      const top = index.manifests[0]!;
      const blob = (digest: string) => tar.read(`blobs/${digest.replace(':', '/')}`);
      const manifestBytes = await blob(top.digest);
      const manifest = JSON.parse(manifestBytes.toString('utf8')) as {
        config: { digest: string };
        layers: { digest: string }[];
      };
      for (const digest of [manifest.config.digest, ...manifest.layers.map((l) => l.digest)]) {
        const started = await fetch(`${base}/blobs/uploads/`, { method: 'POST', headers: { authorization } });
        const location = new URL(started.headers.get('location') ?? '', `http://${this.host}`);
        location.searchParams.set('digest', digest);
        const put = await fetch(location, {
          method: 'PUT',
          headers: { authorization, 'content-type': 'application/octet-stream' },
          body: await blob(digest),
        });
        if (put.status !== 201) throw new Error(`blob upload ${digest}: ${put.status} ${await put.text()}`);
      }
      const res = await fetch(`${base}/manifests/${tag}`, {
        method: 'PUT',
        headers: { authorization, 'content-type': top.mediaType },
        body: manifestBytes,
      });
      if (res.status !== 201) throw new Error(`manifest upload: ${res.status} ${await res.text()}`);
    } finally {
      await tar.close();
    }
  }

  async stop(): Promise<void> {
    this.daemon.kill('SIGTERM');
    if (this.daemon.exitCode === null) await once(this.daemon, 'exit');
    await rm(this.dir, { recursive: true, force: true });
  }
}
