/**
 * The registry credentials of `docker login`, for `service create --with-registry-auth`, looked
 * up in $DOCKER_CONFIG/config.json (or ~/.docker/config.json) in the docker CLI's order: the
 * registry's own credential helper (credHelpers), else the default helper (credsStore), else
 * the credentials written in the file itself (auths).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { invalidArgument } from '../lib/errors.js';
import { parseReference } from '../proto/image-reference.js';

const FLAG = '--with-registry-auth';
/** How long a helper may take to answer (one backed by a keychain may wait on it). */
const HELPER_TIMEOUT_MS = 10_000;

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string }>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

interface Credentials {
  username: string;
  password: string;
}

/**
 * The credentials for the image's registry, encoded for ContainerSpec.registry_auth (base64 of
 * JSON {"username","password"}). Helpers are found on env.PATH and run with env.
 */
export function registryAuthFor(image: string, env: NodeJS.ProcessEnv = process.env): string {
  const { registry } = parseReference(image);
  const file = join(env.DOCKER_CONFIG ?? join(homedir(), '.docker'), 'config.json');
  const config = readConfig(file);
  // Docker Hub's credentials are kept under its v1 index address; other registries' under host[:port]
  const hub = registry === 'registry-1.docker.io';
  const server = hub ? 'https://index.docker.io/v1/' : registry;
  const keys = hub ? [server, 'docker.io'] : [server];
  // an empty credHelpers entry sends its registry to the file even when credsStore is set
  const helper = keys.map((k) => config.credHelpers?.[k]).find((h) => h !== undefined) ?? config.credsStore;
  const credentials = helper
    ? fromHelper(helper, server, registry, file, env)
    : fromFile(config, keys, registry, file);
  return Buffer.from(JSON.stringify(credentials)).toString('base64');
}

function readConfig(file: string): DockerConfig {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as DockerConfig;
  } catch {
    return {}; // no config: the error for missing credentials says what to do
  }
}

function fromFile(config: DockerConfig, keys: string[], registry: string, file: string): Credentials {
  const auths = config.auths ?? {};
  const entry = keys.map((k) => auths[k] ?? auths[`https://${k}`]).find((e) => e !== undefined);
  let username = entry?.username;
  let password = entry?.password;
  if (entry?.auth) {
    const plain = Buffer.from(entry.auth, 'base64').toString('utf8');
    username = plain.slice(0, plain.indexOf(':'));
    password = plain.slice(plain.indexOf(':') + 1);
  }
  if (!username || password === undefined) {
    throw invalidArgument(FLAG, `credentials for ${registry} in ${file} (run docker login ${registry})`);
  }
  return { username, password };
}

/** Runs `docker-credential-NAME get` with the server address on stdin, as the docker CLI does. */
function fromHelper(
  name: string,
  server: string,
  registry: string,
  file: string,
  env: NodeJS.ProcessEnv,
): Credentials {
  const program = `docker-credential-${name}`;
  const fail = (what: string) =>
    invalidArgument(
      FLAG,
      `${program} (named in ${file}) to give the credentials for ${registry}, but ${what}`,
    );
  let out: string;
  try {
    out = execFileSync(program, ['get'], {
      input: server,
      env,
      encoding: 'utf8',
      stdio: 'pipe',
      timeout: HELPER_TIMEOUT_MS,
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { status?: number | null; stdout?: string; stderr?: string };
    if (e.code === 'ENOENT') {
      throw fail(`it is not on PATH: install it, or take it out of ${file} and run docker login ${registry}`);
    }
    if (e.code === 'ETIMEDOUT') {
      throw fail(`it gave no answer in ${HELPER_TIMEOUT_MS / 1000} s (is it waiting on a locked keychain?)`);
    }
    if (typeof e.status !== 'number') throw fail(`it could not be run: ${e.message}`);
    // the helpers print their error on stdout, other programs on stderr
    const said = `${e.stdout ?? ''}\n${e.stderr ?? ''}`.trim();
    const saying = said ? `saying "${said}"` : 'saying nothing';
    throw fail(`it exited with status ${e.status} ${saying} (run docker login ${registry})`);
  }
  const credentials = parseAnswer(out);
  if (!credentials) {
    throw fail(
      `it printed no JSON {"ServerURL","Username","Secret"} (see what echo ${server} | ${program} get prints)`,
    );
  }
  return credentials;
}

/**
 * The helper's answer as credentials, if it is one. A Username of <token> marks Secret as an
 * identity token, which we can only offer as the password.
 */
function parseAnswer(out: string): Credentials | undefined {
  try {
    const { Username, Secret } = JSON.parse(out) as { Username?: unknown; Secret?: unknown };
    if (typeof Username === 'string' && Username && typeof Secret === 'string') {
      return { username: Username, password: Secret };
    }
  } catch {
    // not a JSON object: the caller says so without echoing it, as it may hold the secret
  }
  return undefined;
}
