/**
 * What the worker agent sees of a node's container runtime. Every driver (process,
 * containerd, docker) implements this interface and passes one conformance suite.
 * Drivers never import manager code: they know containers, not tasks or services.
 */

export interface ContainerSpec {
  /** Image reference; the process driver runs only the image `host`. */
  image: string;
  /** Program and its arguments (`docker service create IMAGE [COMMAND] [ARG...]`). */
  command: string[];
  env: Record<string, string>;
  /**
   * More environment, whose values are sensitive (secrets): on top of `env`, but never written
   * to the driver's own files nor logged. The process driver holds it in memory from create to
   * remove: a container it adopts after a restart runs on without it in exec, and one created
   * but not yet started then cannot start. Container runtimes keep it with the container in
   * their own stores, as they keep all of a container's environment.
   */
  secretEnv?: Record<string, string>;
  workdir?: string;
  /** Carries task identity (service, task id, slot) so an agent can adopt after restart. */
  labels: Record<string, string>;
  /** Signal sent first on stop; default SIGTERM. */
  stopSignal?: NodeJS.Signals;
  /**
   * Who the command runs as: USER[:GROUP], each a name or a numeric id, looked up in the
   * runtime's users (the node's for the process driver); default: the agent's user.
   */
  user?: string;
  /**
   * The container's hostname. The process driver ignores it: a plain process shares the
   * node's hostname (and HOSTNAME is not faked in its environment); container runtimes set it.
   */
  hostname?: string;
  /** Container runtimes only: the root filesystem mounted read-only. */
  readOnly?: boolean;
  /** Container runtimes only: host directories (bind) or memory file systems (tmpfs) to mount. */
  mounts?: MountSpec[];
  /** Cgroup limits; container runtimes enforce them, the process driver does not. */
  limits?: Limits;
  /** Capabilities on top of the runtime's default set, and taken from it ("NET_ADMIN", "ALL"). */
  capAdd?: string[];
  capDrop?: string[];
  /**
   * The ports the container serves (its published targets). A runtime that gives containers
   * their own network reports where each answers (ContainerSummary.addresses).
   */
  ports?: number[];
  /**
   * Share the node's network even where the runtime gives containers their own (the agent
   * then hands the container free ports of the node, as for a runtime without networks).
   */
  hostNetwork?: boolean;
  /**
   * Ports of the node forwarded to the container (host-mode published ports), for runtimes
   * whose containers have their own network; others serve them on the node directly.
   */
  publish?: PortMapping[];
  /**
   * Runtimes whose containers have their own network: further interfaces (eth1, eth2, ...),
   * one on each of these bridges, which the caller has made.
   */
  networks?: NetworkPlug[];
  /**
   * Containers that may share a helper process of the runtime (containerd: a few runc shims
   * for the group instead of one per container). Sharing saves a process and its memory per
   * container; the price is that a helper's crash takes the containers it serves with it.
   * Runtimes without such helpers (process, Docker) ignore it.
   */
  group?: string;
}

export interface NetworkPlug {
  bridge: string;
  /** The container's address there, with the prefix length, e.g. 10.30.0.5/24. */
  address: string;
  mtu: number;
}

export interface PortMapping {
  /** The node's address to forward from; "" for all of them. */
  hostIp: string;
  hostPort: number;
  containerPort: number;
  protocol: 'tcp' | 'udp';
}

export interface MountSpec {
  type: 'bind' | 'tmpfs';
  /** Host path, for bind mounts. */
  source?: string;
  target: string;
  readOnly?: boolean;
}

export interface Limits {
  /** CPU time in billionths of a CPU (1e9 = one CPU). */
  nanoCpus?: number;
  memoryBytes?: number;
  pids?: number;
}

export type ContainerState = 'created' | 'running' | 'exited';

export interface ExitStatus {
  /** Exit code, or 128 + signal number when killed by a signal (as shells report it). */
  exitCode: number;
  /** Signal name when the process died of a signal. */
  signal?: string;
  finishedAt: number;
}

export interface ContainerSummary {
  id: string;
  image: string;
  labels: Record<string, string>;
  state: ContainerState;
  pid?: number;
  createdAt: number;
  startedAt?: number;
  exit?: ExitStatus;
  /**
   * Where each target port of the container answers (target -> host:port), from runtimes
   * whose containers have their own network (see RuntimeDriver.network).
   */
  addresses?: Record<number, string>;
  /** The container's address on its own network (its eth0), from runtimes that give it one. */
  ip?: string;
}

export interface LogOptions {
  /** Keep yielding new lines until the container exits or `signal` aborts. */
  follow?: boolean;
  /** Only the last N lines (0: none, then only new lines when following). Drivers that cannot
   * order stdout against stderr (no timestamps) apply it to each stream. */
  tail?: number;
  /** Epoch ms; lines written earlier are left out. */
  since?: number;
  signal?: AbortSignal;
}

export interface LogLine {
  stream: 'stdout' | 'stderr';
  line: string;
  time?: number;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** The command ran out of its `timeoutMs` and was killed. */
  timedOut?: boolean;
}

export interface ExecOptions {
  /** After this long the command, and what it started, are killed (SIGKILL). */
  timeoutMs?: number;
}

export interface Stats {
  cpuSeconds: number;
  memoryBytes: number;
}

/** The part of a pino logger that drivers use; pass a pino logger or a child of it. */
export interface DriverLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Credentials for a registry, passed only to the nodes that pull. */
export interface RegistryAuth {
  username: string;
  password: string;
}

export interface ImageSummary {
  name: string;
  digest: string;
  size: number;
  createdAt: number;
}

/** The images of a container runtime (drivers that run images have them). */
export interface ImageOps {
  /** Loads an OCI-layout or `docker save` archive; returns the names of its images. */
  load(path: string, progress?: (done: number, total: number) => void): Promise<string[]>;
  list(): Promise<ImageSummary[]>;
  remove(ref: string): Promise<void>;
}

/** Unknown ids reject with FlotillaError NOT_FOUND, invalid specs with INVALID_ARGUMENT. */
export interface RuntimeDriver {
  readonly name: string;
  /**
   * 'host' (the default): containers share the node's network, and the agent gives each
   * published target a free port of the node, in the environment (PORT...). 'own': each
   * container has its own network and inspect() reports its addresses.
   */
  readonly network?: 'host' | 'own';
  /**
   * With network 'own': the node's address on the containers' network (their gateway), where
   * the node serves them its resolver (their /etc/resolv.conf names it) and its mesh.
   */
  readonly gateway?: string;
  readonly images?: ImageOps;
  canRun(image: string): boolean;
  /** Makes the image ready to run; drivers that can pull it from its registry do (with `auth`). */
  ensureImage(ref: string, signal: AbortSignal, auth?: RegistryAuth): Promise<void>;
  /** Creates (does not start) a container; returns its id. */
  create(spec: ContainerSpec): Promise<string>;
  start(id: string): Promise<void>;
  /** Resolves when the container exits (immediately if it already has). */
  wait(id: string): Promise<ExitStatus>;
  /** Sends the stop signal, then SIGKILL after graceMs; resolves once it has exited. */
  stop(id: string, graceMs: number): Promise<void>;
  /** Removes a stopped container and everything the driver kept for it; rejects while it runs. */
  remove(id: string): Promise<void>;
  inspect(id: string): Promise<ContainerSummary>;
  /** Containers whose labels include every given label. */
  list(labels: Record<string, string>): Promise<ContainerSummary[]>;
  logs(id: string, opts: LogOptions): AsyncIterable<LogLine>;
  exec(id: string, cmd: string[], opts?: ExecOptions): Promise<ExecResult>;
  stats(id: string): Promise<Stats>;
  /** Releases what the driver holds (watchers, connections); containers keep running. */
  close(): Promise<void>;
}
