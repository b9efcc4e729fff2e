// Regenerates proto/gen/ (TypeScript types for every message and service) from proto/.
// Run after changing a .proto file: npm run gen
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const out = join(root, 'proto/gen');
const protos = readdirSync(join(root, 'proto/flotilla'))
  .filter((f) => f.endsWith('.proto'))
  .map((f) => `flotilla/${f}`);

rmSync(out, { recursive: true, force: true });
execFileSync(
  join(root, 'node_modules/.bin/proto-loader-gen-types'),
  [
    '--grpcLib=@grpc/grpc-js',
    '--longs=Number',
    '--enums=String',
    '--defaults',
    '--oneofs',
    '--includeComments',
    '--inputTemplate=%sInput',
    '--outputTemplate=%s',
    `--includeDirs=${join(root, 'proto')}`,
    `--outDir=${out}`,
    ...protos,
  ],
  { stdio: 'inherit' },
);

// ESM resolution needs explicit extensions on relative imports.
function addExtensions(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) addExtensions(path);
    else if (name.endsWith('.ts')) {
      // Headers name the source relative to the repository, not to wherever it was generated.
      const src = readFileSync(path, 'utf8')
        .replace(/from '(\.{1,2}\/[^']+)'/g, "from '$1.js'")
        .replaceAll(`// Original file: ${root}`, '// Original file: ');
      writeFileSync(path, src);
    }
  }
}
addExtensions(out);
