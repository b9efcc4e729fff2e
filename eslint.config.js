import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/*
 * The rooms' arrows (docs/ARCHITECTURE.md, "Dependencies point down"), kept by
 * `no-restricted-imports`. Each restriction is a pattern on the import as written (relative:
 * `(../)+ROOM/`) and a message naming the arrow it forbids and where shared code goes instead.
 * ESLint uses one set of options per rule for a file (the last block that matches), so each room
 * lists every restriction that applies to it, its parent room's included.
 *
 *   lib      → nothing of ours
 *   proto    → lib
 *   runtime  → lib, proto; a driver (runtime/<driver>/) also runtime/*.ts, never another driver
 *   worker   → lib, proto, runtime (runtime/*.ts and the drivers' index.ts)
 *   manager  → lib, proto; manager/api not the loops (what both need: manager/services/);
 *              nothing but manager.ts imports manager/api; manager/raft only lib, proto and itself;
 *              Raft's parts (core, node, storage, transport) through their index.ts, inside too;
 *              manager/membership through its index.ts
 *   daemon   → everything above but cli
 *   cli      → lib, proto, daemon/index.ts; `cluster lab` also runtime/*.ts and the drivers' entries
 *   bench, chaos, test → anything (tests' harnesses included), never a *.test.ts file
 *   and no product room imports test/, bench/ or chaos/.
 * `import()` expressions are not checked (the CLI loads daemon/daemon.ts that way, on purpose).
 */
const climb = String.raw`^(\.\./)+`;
const forbid = (rooms, message) => ({ regex: `${climb}(${rooms.join('|')})/`, message });

const NOT_HARNESS = forbid(
  ['test', 'bench', 'chaos'],
  'product code never imports test/, bench/ or chaos/ (they are not shipped); a harness uses product code, not the reverse',
);
const NOT_ABOVE_LIB = forbid(
  ['proto', 'runtime', 'worker', 'manager', 'daemon', 'cli'],
  'lib/ is the bottom room and imports nothing of ours: move what it needs into lib/',
);
const PROTO_ONLY_LIB = forbid(
  ['runtime', 'worker', 'manager', 'daemon', 'cli'],
  'proto/ (wire contracts and what they mean) imports only lib/: what proto and a room above share belongs in proto/ or lib/',
);
const RUNTIME_NOT_ABOVE = forbid(
  ['worker', 'manager', 'daemon', 'cli'],
  'runtime/ imports only lib/ and proto/: it knows nothing of the node, the manager or the CLI',
);
const NOT_MANAGER = forbid(
  ['manager'],
  'this room does not import the manager: what it shares with the manager belongs in proto/ (wire types and what they mean) or lib/',
);
const NOT_WORKER = forbid(
  ['worker'],
  'only daemon/ composes the worker: what is shared with it belongs in proto/ or lib/',
);
const NOT_RUNTIME = forbid(
  ['runtime'],
  'only worker/ and daemon/ use the runtime: what is shared with it belongs in proto/ or lib/',
);
const NOT_DAEMON = forbid(
  ['daemon'],
  'only cli/ (through daemon/index.ts) imports the daemon: the daemon composes the rooms below it',
);
const NOT_CLI = forbid(
  ['cli'],
  'nothing below the CLI imports cli/: what is shared with it belongs in proto/ or lib/',
);
const DRIVER_ENTRIES = {
  regex: String.raw`${climb}runtime/[^/]+/(?!index\.js$)`,
  message:
    "a runtime driver is used through its entry (runtime/<driver>/index.ts); the runtime's shared modules are runtime/*.ts",
};
const RAFT_ENTRIES = {
  regex: String.raw`${climb}(manager/)?raft/(core|node|storage|transport)/(?!index\.js$)`,
  message: "outside manager/raft, Raft's parts are used through their entries (manager/raft/<part>/index.ts)",
};
const DAEMON_ENTRY = {
  regex: String.raw`${climb}daemon/(?!index\.js$)`,
  message:
    'the CLI uses the daemon through its entry, daemon/index.ts (the Daemon class itself is loaded on demand with import() in cli/daemon-process.ts)',
};
const LAB_DRIVERS = {
  regex: String.raw`${climb}runtime/[^/]+/(?!index\.js$|private-containerd\.js$)`,
  message:
    "the lab uses a runtime driver through its entry (runtime/<driver>/index.ts), and a host's containerd through runtime/containerd/private-containerd.ts",
};
const MEMBERSHIP_ENTRY = {
  regex: String.raw`${climb}(manager/)?membership/(?!index\.js$)`,
  message:
    "outside manager/membership, the managers' membership is used through its door (manager/membership/index.ts)",
};
const API_NOT_LOOPS = forbid(
  ['orchestrator', 'manager/orchestrator'],
  'the API does not import the control loops: what both need of a service (versions, rollback, new tasks) is in manager/services/',
);
const NOT_API = forbid(
  ['api', 'manager/api'],
  'manager/api is the top of the manager (only manager.ts composes it): shared code goes to manager/services/ or below',
);
const RAFT_ALONE = {
  regex: String.raw`${climb}((store|orchestrator|scheduler|dispatcher|api|allocator|ca|keys|services|dashboard|membership)/|(control-loop|forward|leadership|manager)\.js$)`,
  message: 'manager/raft imports nothing of the store or the loops: only lib/, proto/ and its own parts',
};
const RAFT_PARTS = {
  regex: String.raw`^\.\./(core|node|storage|transport)/(?!index\.js$)`,
  message: "Raft's parts use each other through their entries (manager/raft/<part>/index.ts)",
};
const NO_TEST_FILES = {
  regex: String.raw`\.test\.js$`,
  message:
    'a test file is never imported: share its helpers from a harness module (test/integration/*-harness.ts, test/fixtures/)',
};

const boundary = (files, patterns) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns }] },
});

const MANAGER = [NOT_HARNESS, NOT_WORKER, NOT_RUNTIME, NOT_DAEMON, NOT_CLI, RAFT_ENTRIES, MEMBERSHIP_ENTRY];
const LOOPS = 'manager/{store,orchestrator,scheduler,dispatcher,allocator,ca,keys,services}/**/*.ts';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'proto/gen/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { URL: 'readonly', process: 'readonly', console: 'readonly' } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // The arrows, bottom up.
  boundary(['lib/**/*.ts'], [NOT_HARNESS, NOT_ABOVE_LIB]),
  boundary(['proto/**/*.ts'], [NOT_HARNESS, PROTO_ONLY_LIB]),
  boundary(['runtime/**/*.ts'], [NOT_HARNESS, RUNTIME_NOT_ABOVE]),
  boundary(
    ['runtime/*/**/*.ts'],
    [
      NOT_HARNESS,
      RUNTIME_NOT_ABOVE,
      {
        regex: String.raw`^\.\./[^./][^/]*/`,
        message: 'a driver does not import another driver: what drivers share is in runtime/*.ts',
      },
    ],
  ),
  boundary(['worker/**/*.ts'], [NOT_HARNESS, NOT_MANAGER, NOT_DAEMON, NOT_CLI, DRIVER_ENTRIES]),
  boundary(['manager/**/*.ts'], MANAGER),
  boundary([LOOPS], [...MANAGER, NOT_API]),
  boundary(['manager/api/**/*.ts'], [...MANAGER, API_NOT_LOOPS]),
  boundary(['manager/raft/**/*.ts'], [NOT_HARNESS, NOT_WORKER, NOT_RUNTIME, NOT_DAEMON, NOT_CLI, RAFT_ALONE]),
  boundary(
    ['manager/raft/*/**/*.ts'],
    [NOT_HARNESS, NOT_WORKER, NOT_RUNTIME, NOT_DAEMON, NOT_CLI, RAFT_ALONE, RAFT_PARTS],
  ),
  boundary(['daemon/**/*.ts'], [NOT_HARNESS, NOT_CLI, DRIVER_ENTRIES, RAFT_ENTRIES, MEMBERSHIP_ENTRY]),
  boundary(['cli/**/*.ts'], [NOT_HARNESS, NOT_MANAGER, NOT_WORKER, NOT_RUNTIME, DAEMON_ENTRY]),
  // `cluster lab` (cli/lab/ and its command) is a host harness: its hosts are network namespaces
  // that run system tools and a private containerd each, with the runtime's shared modules
  // (runtime/*.ts). Benchmarks, the chaos suite and the lab tests drive labs through cli/lab/.
  boundary(
    ['cli/lab/**/*.ts', 'cli/commands/lab/**/*.ts'],
    [NOT_HARNESS, NOT_MANAGER, NOT_WORKER, LAB_DRIVERS, DAEMON_ENTRY],
  ),
  // Benchmarks and the chaos suite drive real parts, internals included, and share the tests'
  // harnesses (cluster, containerd, etcd, lab hosts, fixtures), but never a test file.
  boundary(['bench/**/*.ts', 'chaos/**/*.ts'], [NO_TEST_FILES]),
);
