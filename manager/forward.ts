/**
 * Forwarding to the leading manager: one channel per leader address, reused, and a mark
 * on forwarded calls so that a manager that no longer leads refuses them instead of
 * forwarding again.
 */
import * as grpc from '@grpc/grpc-js';
import type { ControlClient } from '../proto/gen/flotilla/Control.js';
import type { NodeCAClient } from '../proto/gen/flotilla/NodeCA.js';
import { wire } from '../proto/load.js';
import { call, connect } from '../proto/rpc.js';
import type { TlsCredentials } from '../proto/tls.js';

const FORWARDED = 'flotilla-forwarded';
// The node a manager forwards a certificate renewal for (the leader trusts it from managers only).
const FORWARDED_FOR = 'flotilla-forwarded-for';
const FORWARD_TIMEOUT_MS = 15_000;

export const wasForwarded = (metadata: grpc.Metadata): boolean => metadata.get(FORWARDED).length > 0;

export function forwardedFor(metadata: grpc.Metadata): string | undefined {
  const nodeId = metadata.get(FORWARDED_FOR)[0];
  return typeof nodeId === 'string' && wasForwarded(metadata) ? nodeId : undefined;
}

type Method<Req, Res> = (req: Req, cb: grpc.requestCallback<Res>) => grpc.ClientUnaryCall;

export class LeaderForwarder {
  private readonly control = new Map<string, ControlClient>();
  private readonly ca = new Map<string, NodeCAClient>();

  constructor(private readonly tls: TlsCredentials) {}

  toControl<Req, Res>(addr: string, pick: (c: ControlClient) => Method<Req, Res>, req: Req): Promise<Res> {
    const client = cached(this.control, addr, () => connect(wire.flotilla.Control, addr, this.tls));
    return forward(client, pick(client), req);
  }

  /** `onBehalfOf`: the node a renewal is for. */
  toCA<Req, Res>(
    addr: string,
    pick: (c: NodeCAClient) => Method<Req, Res>,
    req: Req,
    onBehalfOf?: string,
  ): Promise<Res> {
    const client = cached(this.ca, addr, () => connect(wire.flotilla.NodeCA, addr, this.tls));
    return forward(client, pick(client), req, onBehalfOf);
  }

  close(): void {
    for (const c of [...this.control.values(), ...this.ca.values()]) c.close();
    this.control.clear();
    this.ca.clear();
  }
}

function cached<C>(clients: Map<string, C>, addr: string, make: () => C): C {
  let client = clients.get(addr);
  if (!client) clients.set(addr, (client = make()));
  return client;
}

function forward<Req, Res>(
  client: grpc.Client,
  method: Method<Req, Res>,
  req: Req,
  onBehalfOf?: string,
): Promise<Res> {
  const metadata = new grpc.Metadata();
  metadata.set(FORWARDED, '1');
  if (onBehalfOf) metadata.set(FORWARDED_FOR, onBehalfOf);
  return call(client, method, req, FORWARD_TIMEOUT_MS, metadata);
}
