import test from 'ava';
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { registryAuthFor } from '../../../cli/docker-credentials.js';

// Credential helpers as real programs on PATH, speaking the docker-credential-helpers protocol:
// `get` with the server address on stdin, JSON {ServerURL, Username, Secret} on stdout.
const HELPERS = {
  // knows one registry and Docker Hub (with an identity token), like a keychain with two logins
  fake: `case "$server" in
  registry.example:5000) printf '{"ServerURL":"%s","Username":"me","Secret":"from-fake"}' "$server" ;;
  https://index.docker.io/v1/) printf '{"ServerURL":"%s","Username":"<token>","Secret":"hub-identity"}' "$server" ;;
  *) echo 'credentials not found in native keychain'; exit 1 ;;
esac`,
  // answers for any server, with the address it was asked about as the secret
  store: `printf '{"ServerURL":"%s","Username":"store","Secret":"%s"}' "$server" "$server"`,
  garbled: `echo 'hunter2'`,
};

let bin = '';

test.before(async () => {
  bin = await mkdtemp(`${tmpdir()}/flotilla-credential-helpers-`);
  for (const [name, body] of Object.entries(HELPERS)) {
    const file = `${bin}/docker-credential-${name}`;
    await writeFile(file, `#!/bin/sh\n[ "$1" = get ] || exit 2\nserver=$(cat)\n${body}\n`);
    await chmod(file, 0o755);
  }
});

/** An env whose Docker config is `config`, with the helpers first on PATH. */
async function envWith(config: object): Promise<NodeJS.ProcessEnv> {
  const dir = await mkdtemp(`${tmpdir()}/flotilla-docker-config-`);
  await writeFile(`${dir}/config.json`, JSON.stringify(config));
  return { DOCKER_CONFIG: dir, PATH: `${bin}:${process.env.PATH ?? ''}` };
}

const decode = (encoded: string): unknown => JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
const auth = Buffer.from('me:from-file').toString('base64');

test('credHelpers wins over credsStore and auths for its registry', async (t) => {
  const env = await envWith({
    credHelpers: { 'registry.example:5000': 'fake' },
    credsStore: 'store',
    auths: { 'registry.example:5000': { auth } },
  });
  t.deepEqual(decode(registryAuthFor('registry.example:5000/team/app:1', env)), {
    username: 'me',
    password: 'from-fake',
  });
});

test('credsStore answers for the registries without a helper of their own', async (t) => {
  const env = await envWith({
    credHelpers: { 'registry.example:5000': 'fake' },
    credsStore: 'store',
    auths: { 'other.example': { auth } },
  });
  t.deepEqual(decode(registryAuthFor('other.example/app', env)), {
    username: 'store',
    password: 'other.example',
  });
});

test('Docker Hub is asked for under its v1 index address; an identity token becomes the password', async (t) => {
  t.deepEqual(decode(registryAuthFor('busybox', await envWith({ credsStore: 'store' }))), {
    username: 'store',
    password: 'https://index.docker.io/v1/',
  });
  const env = await envWith({ credHelpers: { 'https://index.docker.io/v1/': 'fake' } });
  t.deepEqual(decode(registryAuthFor('library/redis:7', env)), {
    username: '<token>',
    password: 'hub-identity',
  });
});

test('without a helper, the credentials of auths are taken', async (t) => {
  const env = await envWith({ auths: { 'registry.example:5000': { auth } } });
  t.deepEqual(decode(registryAuthFor('registry.example:5000/team/app:1', env)), {
    username: 'me',
    password: 'from-file',
  });
  t.regex(
    t.throws(() => registryAuthFor('other.example/app', env))?.message ?? '',
    /--with-registry-auth.*docker login other\.example/,
  );
  // an empty credHelpers entry takes its registry back from credsStore to the file, as in docker
  const fileOnly = await envWith({
    credHelpers: { 'registry.example:5000': '' },
    credsStore: 'store',
    auths: { 'registry.example:5000': { auth } },
  });
  t.deepEqual(decode(registryAuthFor('registry.example:5000/team/app:1', fileOnly)), {
    username: 'me',
    password: 'from-file',
  });
});

test('a helper that fails is named with what it said and what to do', async (t) => {
  const env = await envWith({ credHelpers: { 'other.example': 'fake' } });
  const message = t.throws(() => registryAuthFor('other.example/app', env))?.message ?? '';
  t.regex(message, /^invalid --with-registry-auth: /);
  t.regex(message, /docker-credential-fake/);
  t.regex(message, /exited with status 1 saying "credentials not found in native keychain"/);
  t.regex(message, /run docker login other\.example/);
});

test('a helper that is not on PATH is named', async (t) => {
  const env = await envWith({ credsStore: 'absent' });
  t.regex(
    t.throws(() => registryAuthFor('other.example/app', env))?.message ?? '',
    /--with-registry-auth: expected docker-credential-absent .* not on PATH: install it.*docker login other\.example/,
  );
});

test('a helper that prints no credentials JSON is named, and its output is not echoed', async (t) => {
  const env = await envWith({ credsStore: 'garbled' });
  const message = t.throws(() => registryAuthFor('other.example/app', env))?.message ?? '';
  t.regex(message, /--with-registry-auth: expected docker-credential-garbled .* printed no JSON/);
  t.notRegex(message, /hunter2/);
});
