// Regenerates proto/gen/ (TypeScript types for every message and service) from proto/.
// Run after changing a .proto file: npm run gen
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import protobuf from 'protobufjs';

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

// protobufjs gives each proto3 `optional` field a oneof of its own named `_field`; proto/load.ts
// drops those (decoded objects carry no `_field` key, and an unset field reads null), so the
// types lose their `'_field'?: "field"` members and the field's type admits null. The field
// stays optional in the type: objects built in code (not decoded) may leave it out.
function proto3Optionals() {
  const parsed = new protobuf.Root();
  parsed.resolvePath = (_origin, target) => join(root, 'proto', target);
  parsed.loadSync(protos, { keepCase: false });
  const found = [];
  const visit = (ns) => {
    for (const nested of ns.nestedArray) {
      if (nested instanceof protobuf.Type) {
        for (const oneof of nested.oneofsArray.filter((o) => o.isProto3Optional)) {
          let top = nested;
          while (top.parent instanceof protobuf.Type) top = top.parent;
          found.push({
            file: join(out, `${top.fullName.slice(1).replaceAll('.', '/')}.ts`),
            field: oneof.fieldsArray[0].name,
          });
        }
      }
      if (nested instanceof protobuf.Namespace) visit(nested);
    }
  };
  visit(parsed);
  return found;
}

function withoutOptionalOneofs(file, field) {
  const src = readFileSync(file, 'utf8');
  let changed = 0;
  const lines = [];
  for (const line of src.split('\n')) {
    if (line === `  '_${field}'?: "${field}";`) {
      changed++;
      continue;
    }
    const member = new RegExp(`^  '${field}'\\?: \\((.*?)(?: \\| null)?\\);$`).exec(line);
    if (member) {
      lines.push(`  '${field}'?: (${member[1]} | null);`);
      continue;
    }
    lines.push(line);
  }
  // One input and one output interface per message.
  if (changed !== 2)
    throw new Error(`gen-proto: expected the member '_${field}' in two interfaces of ${file}`);
  return lines.join('\n');
}

for (const { file, field } of proto3Optionals()) {
  writeFileSync(file, withoutOptionalOneofs(file, field));
}
