/**
 * `service inspect --pretty` and `node inspect --pretty`: a service or node as text for
 * people, as docker's. A service: its name and id, mode and replicas, placement, update and
 * rollback policies, container spec, mounts, secrets and configs, resources, networks and
 * ports. A node: its name and id, labels, status and availability, its place among the
 * managers, platform, resources, runtimes, networking and certificate.
 */
import { formatBytes } from '../lib/sizes.js';
import type { UnplacedTask } from '../proto/gen/flotilla/UnplacedTask.js';
import { describePort } from '../proto/ports.js';
import type { FileReference, Node, Service, UpdateConfig } from '../proto/types.js';
import { modeName } from './commands/service/modes.js';
import { formatDuration, titleCase } from './format.js';

type Line = [indent: number, key: string, value?: string | number | boolean];

/** Lines as "Key: value", the values of a block lined up; a key without a value heads a block. */
function render(lines: Line[]): string {
  const width = Math.max(...lines.filter((l) => l[2] !== undefined).map(([i, k]) => i + k.length + 1)) + 1;
  return lines
    .map(([indent, key, value]) => {
      const head = `${' '.repeat(indent)}${key}:`;
      return value === undefined ? head : `${head.padEnd(width)}${String(value)}`;
    })
    .join('\n');
}

/** "RESTART_ON_FAILURE" -> "on-failure": an enum value as the flags spell it. */
const flagWord = (value: string, prefix: string) =>
  value.slice(prefix.length).toLowerCase().replaceAll('_', '-');

function policy(title: string, u: UpdateConfig | null | undefined): Line[] {
  if (!u) return [];
  return [
    [0, title],
    [1, 'Parallelism', u.parallelism],
    [1, 'Delay', formatDuration(u.delayMs)],
    [1, 'On failure', flagWord(u.failureAction, 'FAILURE_')],
    [1, 'Monitoring Period', formatDuration(u.monitorMs)],
    [1, 'Max failure ratio', u.maxFailureRatio],
    [1, 'Order', u.order.toLowerCase().replaceAll('_', '-')],
    ...(u.timeoutMs ? [[1, 'Timeout', formatDuration(u.timeoutMs)] as Line] : []),
    ...(u.canary ? [[1, 'Canary', u.canary] as Line, [1, 'Auto-promote', u.autoPromote] as Line] : []),
  ];
}

function files(title: string, refs: FileReference[]): Line[] {
  if (!refs.length) return [];
  return [
    [0, title],
    ...refs.flatMap((f): Line[] => [
      [1, 'Target', f.target || (f.env ? `$${f.env}` : f.name)],
      [2, 'Source', f.name],
      ...(f.mode ? [[2, 'Mode', `0${f.mode.toString(8)}`] as Line] : []),
      ...(f.uid || f.gid ? [[2, 'Owner', `${f.uid || '0'}:${f.gid || '0'}`] as Line] : []),
    ]),
  ];
}

export function prettyService(service: Service, unplaced: UnplacedTask[] = []): string {
  const spec = service.spec;
  const task = spec?.task;
  const c = task?.container;
  const placement = task?.placement;
  const reserved = task?.resources?.reservations;
  const limits = task?.resources?.limits;
  const labels = Object.entries(spec?.labels ?? {});
  const lines: Line[] = [
    [0, 'ID', service.id],
    [0, 'Name', spec?.name ?? ''],
    ...(labels.length ? [[0, 'Labels'] as Line, ...labels.map(([k, v]): Line => [1, k, v])] : []),
    [0, 'Service Mode', titleCase(modeName(spec).toUpperCase())],
  ];
  if (spec?.replicated) lines.push([1, 'Replicas', spec.replicated.replicas]);
  if (spec?.replicatedJob) {
    lines.push([1, 'Completions', spec.replicatedJob.totalCompletions]);
    lines.push([1, 'Max Concurrent', spec.replicatedJob.maxConcurrent]);
  }
  if (service.updateStatus && service.updateStatus.state !== 'UPDATE_NONE') {
    lines.push([0, 'UpdateStatus'], [1, 'State', flagWord(service.updateStatus.state, '')]);
    if (service.updateStatus.message) lines.push([1, 'Message', service.updateStatus.message]);
  }
  if (unplaced.length) {
    lines.push(
      [0, 'Unplaced tasks'],
      ...unplaced.map((u): Line => [1, `slot ${u.slot || u.nodeId}`, u.reason]),
    );
  }
  if (placement) {
    const list = (xs: string[]) => xs.join(', ');
    lines.push([0, 'Placement'], [1, 'Strategy', placement.strategy.toLowerCase()]);
    if (placement.constraints.length) lines.push([1, 'Constraints', list(placement.constraints)]);
    if (placement.preferences.length)
      lines.push([1, 'Preferences', list(placement.preferences.map((p) => `spread=${p.spread}`))]);
    if (placement.maxReplicas) lines.push([1, 'Max Replicas Per Node', placement.maxReplicas]);
    if (placement.affinities.length) lines.push([1, 'Affinities', list(placement.affinities)]);
    if (placement.antiAffinities.length) lines.push([1, 'Anti-affinities', list(placement.antiAffinities)]);
  }
  lines.push(...policy('UpdateConfig', spec?.update), ...policy('RollbackConfig', spec?.rollback));
  if (task?.restart) {
    const r = task.restart;
    lines.push([0, 'RestartPolicy'], [1, 'Condition', flagWord(r.condition, 'RESTART_')]);
    lines.push([1, 'Delay', formatDuration(r.delayMs)], [1, 'Max Attempts', r.maxAttempts]);
    if (r.windowMs) lines.push([1, 'Window', formatDuration(r.windowMs)]);
  }
  if (c) {
    const optional: [string, string | boolean | undefined][] = [
      ['Command', c.command.join(' ')],
      ['Args', c.args.join(' ')],
      ['Env', c.env.join(' ')],
      ['Dir', c.dir],
      ['User', c.user],
      ['Hostname', c.hostname],
      ['Stop Signal', c.stopSignal],
      ['Read Only', c.readOnly],
      ['Host Network', c.hostNetwork],
      ['Capabilities Added', c.capAdd.join(', ')],
      ['Capabilities Dropped', c.capDrop.join(', ')],
      ['Healthcheck', c.healthcheck?.cmd],
    ];
    lines.push([0, 'ContainerSpec'], [1, 'Image', c.image]);
    for (const [key, value] of optional) if (value) lines.push([1, key, value]);
    lines.push([1, 'Stop Grace Period', formatDuration(c.stopGracePeriodMs)]);
    if (c.mounts.length) {
      lines.push([0, 'Mounts']);
      for (const m of c.mounts) {
        lines.push(
          [1, 'Target', m.target],
          [2, 'Source', m.source],
          [2, 'Type', m.type],
          [2, 'ReadOnly', m.readOnly],
        );
        if (m.volumeDriver) lines.push([2, 'Volume Driver', m.volumeDriver]);
        const options = Object.entries(m.volumeOptions).map(([k, v]) => `${k}=${v}`);
        if (options.length) lines.push([2, 'Volume Options', options.join(', ')]);
      }
    }
    lines.push(...files('Secrets', c.secrets), ...files('Configs', c.configs));
  }
  if (reserved || limits) {
    lines.push([0, 'Resources']);
    for (const [title, r] of [
      ['Reservations', reserved],
      ['Limits', limits],
    ] as const) {
      if (!r) continue;
      lines.push([1, title]);
      if (r.nanoCpus) lines.push([2, 'CPU', r.nanoCpus / 1e9]);
      if (r.memoryBytes) lines.push([2, 'Memory', formatBytes(r.memoryBytes)]);
      if (r.pids) lines.push([2, 'Pids', r.pids]);
    }
  }
  if (task?.networks.length) lines.push([0, 'Networks', task.networks.join(', ')]);
  const ports = service.endpoint?.ports ?? [];
  if (ports.length) {
    lines.push([0, 'Ports'], ...ports.map((p): Line => [1, 'Port', describePort(p)]));
    lines.push([1, 'Balancing', flagWord(spec?.endpoint?.lb ?? 'ROUND_ROBIN', '')]);
  }
  return render(lines);
}

/** A block of KEY: VALUE lines under a title; nothing when the map is empty. */
function block(title: string, map: Record<string, string | number>, indent = 0): Line[] {
  const entries = Object.entries(map).sort(([a], [b]) => a.localeCompare(b));
  if (!entries.length) return [];
  return [[indent, title], ...entries.map(([k, v]): Line => [indent + 1, k, v])];
}

const iso = (ms: number) => (ms ? new Date(ms).toISOString() : '');

export function prettyNode(node: Node): string {
  const d = node.description;
  const m = node.managerStatus;
  const cert = node.certificate;
  const lines: Line[] = [
    [0, 'ID', node.id],
    [0, 'Hostname', d?.hostname ?? ''],
    ...block('Labels', node.spec?.labels ?? {}),
    [0, 'Joined at', iso(node.meta?.createdAt ?? 0)],
    [0, 'Role', node.role.toLowerCase()],
  ];
  if (node.spec && node.spec.desiredRole !== node.role)
    lines.push([0, 'Desired Role', node.spec.desiredRole.toLowerCase()]);
  lines.push(
    [0, 'Status'],
    [1, 'State', titleCase(node.status?.state ?? 'UNKNOWN')],
    ...(node.status?.message ? [[1, 'Message', node.status.message] as Line] : []),
    [1, 'Availability', titleCase(node.spec?.availability ?? 'ACTIVE')],
    [1, 'Address', node.status?.addr ?? ''],
  );
  if (m) {
    lines.push(
      [0, 'Manager Status'],
      [1, 'Address', m.addr],
      [1, 'Raft Status', titleCase(m.reachability)],
      [1, 'Leader', m.leader ? 'Yes' : 'No'],
      [1, 'Raft ID', m.raftId],
    );
  }
  if (d?.platform) {
    lines.push([0, 'Platform'], [1, 'Operating System', d.platform.os], [1, 'Architecture', d.platform.arch]);
  }
  const r = d?.resources;
  if (r || Object.keys(d?.genericResources ?? {}).length) {
    lines.push([0, 'Resources']);
    if (r?.nanoCpus) lines.push([1, 'CPUs', r.nanoCpus / 1e9]);
    if (r?.memoryBytes) lines.push([1, 'Memory', formatBytes(r.memoryBytes)]);
    lines.push(...block('Generic', d?.genericResources ?? {}, 1));
  }
  if (d?.runtimes.length) lines.push([0, 'Runtimes', d.runtimes.join(', ')]);
  if (d?.version) lines.push([0, 'Engine Version', d.version]);
  lines.push(...block('Engine Labels', d?.engineLabels ?? {}));
  const networking: Line[] = [
    ...(node.containerSubnet ? [[1, 'Container Subnet', node.containerSubnet] as Line] : []),
    ...(node.dataPathAddr ? [[1, 'Data Path Address', node.dataPathAddr] as Line] : []),
    ...(d?.dnsAddr ? [[1, 'DNS', d.dnsAddr] as Line] : []),
    ...(d ? [[1, 'Overlay Networks', d.overlayNetworks ? 'Yes' : 'No'] as Line] : []),
  ];
  if (networking.length) lines.push([0, 'Networking'], ...networking);
  if (cert) {
    lines.push(
      [0, 'TLS Info'],
      [1, 'Issuer', cert.issuer],
      [1, 'Serial', cert.serial],
      [1, 'Expires', iso(cert.expiresAtMs)],
      [1, 'CA Digest', cert.caDigest],
    );
  }
  return render(lines);
}
