/** The `service create` and `service update` flags for published ports, balancing and the mesh's path. */
import type { Command } from 'commander';
import { invalidArgument } from '../../../../lib/errors.js';
import type { EndpointSpec } from '../../../../proto/gen/flotilla/EndpointSpec.js';
import type { PortConfig } from '../../../../proto/gen/flotilla/PortConfig.js';
import { describePort } from '../../../../proto/ports.js';
import { collect } from '../../../format.js';

export interface PublishOptions {
  publish?: string[];
  lb?: string;
  proxyProtocol?: boolean;
  mesh?: string;
}

export interface PublishUpdateOptions {
  publishAdd?: string[];
  publishRm?: string[];
  lb?: string;
  proxyProtocol?: boolean;
  mesh?: string;
}

/** The help of `--mesh`, on create and update. */
export const MESH_HELP =
  'which data path carries the published ports on each node: auto (the kernel where the node has it), kernel (nftables DNAT), userspace (the proxy: least-conn, PROXY protocol, retry)';

/** The port flags of `service create`. */
export function addPublishFlags(cmd: Command): Command {
  return cmd
    .option(
      '-p, --publish <port>',
      '[PUBLISHED:]TARGET[/udp] or published=,target=,protocol=,mode= (repeatable)',
      collect,
      [],
    )
    .option('--lb <mode>', 'how published ports spread connections: round-robin or least-conn')
    .option('--proxy-protocol', 'send tasks a PROXY protocol header with the client address')
    .option('--mesh <path>', MESH_HELP);
}

const LONG = 'published=PORT,target=PORT[,protocol=tcp|udp][,mode=ingress|host]';
const SHORT = '[PUBLISHED:]TARGET[/tcp|/udp]';

function port(flag: string, value: string | undefined, allowZero = false): number {
  const n = Number(value);
  if (!value || !/^\d+$/.test(value) || n > 65_535 || (n === 0 && !allowZero))
    throw invalidArgument(flag, 'a port from 1 to 65535', value ?? '');
  return n;
}

function protocol(flag: string, value: string): PortConfig['protocol'] {
  if (value !== 'tcp' && value !== 'udp') throw invalidArgument(flag, 'tcp or udp', value);
  return value === 'tcp' ? 'TCP' : 'UDP';
}

/** One `--publish` value: "8080:80", "80", "53:53/udp", or the long form with key=value pairs. */
export function parsePublish(value: string, flag = '--publish'): PortConfig {
  if (value.includes('=')) {
    const fields = new Map(value.split(',').map((kv) => kv.split('=', 2) as [string, string]));
    for (const key of fields.keys()) {
      if (!['published', 'target', 'protocol', 'mode'].includes(key))
        throw invalidArgument(flag, LONG, value);
    }
    const mode = fields.get('mode') ?? 'ingress';
    if (mode !== 'ingress' && mode !== 'host') throw invalidArgument(`${flag} mode`, 'ingress or host', mode);
    return {
      targetPort: port(`${flag} target`, fields.get('target')),
      publishedPort: fields.has('published') ? port(`${flag} published`, fields.get('published')) : 0,
      protocol: protocol(`${flag} protocol`, fields.get('protocol') ?? 'tcp'),
      mode: mode === 'host' ? 'HOST' : 'INGRESS',
    };
  }
  const m = /^(?:(\d+):)?(\d+)(?:\/(\w+))?$/.exec(value);
  if (!m) throw invalidArgument(flag, `${SHORT} or ${LONG}`, value);
  return {
    targetPort: port(flag, m[2]),
    publishedPort: m[1] === undefined ? 0 : port(flag, m[1]),
    protocol: protocol(flag, m[3] ?? 'tcp'),
    mode: 'INGRESS',
  };
}

const BALANCING = { 'round-robin': 'ROUND_ROBIN', 'least-conn': 'LEAST_CONN' } as const;

function balancing(value: string): EndpointSpec['lb'] {
  const lb = BALANCING[value as keyof typeof BALANCING];
  if (!lb) throw invalidArgument('--lb', 'round-robin or least-conn', value);
  return lb;
}

const MESH = { auto: 'MESH_AUTO', kernel: 'MESH_KERNEL', userspace: 'MESH_USERSPACE' } as const;

function meshMode(value: string): EndpointSpec['mesh'] {
  const mode = MESH[value as keyof typeof MESH];
  if (!mode) throw invalidArgument('--mesh', 'auto, kernel or userspace', value);
  return mode;
}

/** The endpoint of a new service; none when it publishes nothing. */
export function endpointFromFlags(o: PublishOptions): { endpoint?: EndpointSpec } {
  const ports = (o.publish ?? []).map((p) => parsePublish(p));
  if (ports.length === 0 && o.lb === undefined && !o.proxyProtocol && o.mesh === undefined) return {};
  return {
    endpoint: {
      ports,
      lb: balancing(o.lb ?? 'round-robin'),
      proxyProtocol: o.proxyProtocol ?? false,
      mesh: meshMode(o.mesh ?? 'auto'),
    },
  };
}

/**
 * The endpoint after `service update`: `--publish-rm PORT[/PROTO]` removes the port published
 * as PORT (or, for a port the allocator picked, the one with target PORT), then
 * `--publish-add` adds ports; `--lb` and `--[no-]proxy-protocol` change the balancing, `--mesh` the path.
 */
export function updateEndpoint(
  current: EndpointSpec | null | undefined,
  allocated: readonly PortConfig[],
  o: PublishUpdateOptions,
): { endpoint?: EndpointSpec } {
  // The allocator keeps the spec's order, so each spec port pairs with what it was given.
  let ports = (current?.ports ?? []).map((spec, i) => ({ spec, given: allocated[i]?.publishedPort ?? 0 }));
  for (const rm of o.publishRm ?? []) {
    const m = /^(\d+)(?:\/(\w+))?$/.exec(rm);
    if (!m) throw invalidArgument('--publish-rm', 'PORT[/tcp|/udp]', rm);
    const n = port('--publish-rm', m[1]);
    const proto = m[2] === undefined ? undefined : protocol('--publish-rm', m[2]);
    const matches = ({ spec: p, given }: (typeof ports)[number]) =>
      (proto === undefined || p.protocol === proto) &&
      (p.publishedPort === n || (p.publishedPort === 0 && (given === n || p.targetPort === n)));
    const left = ports.filter((p) => !matches(p));
    if (left.length === ports.length) {
      const have = allocated.map(describePort).join(', ') || 'none';
      throw invalidArgument('--publish-rm', `a port the service publishes (${have})`, rm);
    }
    ports = left;
  }
  const added = (o.publishAdd ?? []).map((p) => parsePublish(p, '--publish-add'));
  const changed = (o.publishRm?.length ?? 0) + (o.publishAdd?.length ?? 0) > 0;
  if (!changed && o.lb === undefined && o.proxyProtocol === undefined && o.mesh === undefined)
    return current ? { endpoint: current } : {};
  return {
    endpoint: {
      ports: [...ports.map((p) => p.spec), ...added],
      lb: o.lb === undefined ? (current?.lb ?? 'ROUND_ROBIN') : balancing(o.lb),
      proxyProtocol: o.proxyProtocol ?? current?.proxyProtocol ?? false,
      mesh: o.mesh === undefined ? (current?.mesh ?? 'MESH_AUTO') : meshMode(o.mesh),
    },
  };
}

/** The `service ls` PORTS column. */
export function portsColumn(ports: readonly PortConfig[] | undefined): string {
  return (ports ?? []).map(describePort).join(', ');
}
