import test from 'ava';
import type * as grpc from '@grpc/grpc-js';
import { channelOptionsFor } from '../../../proto/rpc.js';

/**
 * Whether a Go gRPC server with the default keepalive.EnforcementPolicy (MinTime 5 minutes,
 * PermitWithoutStream false), as containerd's is, takes a channel's keepalive pings instead
 * of ending the connection with GOAWAY ENHANCE_YOUR_CALM "too_many_pings".
 */
function goServerTakes(options: grpc.ChannelOptions): boolean {
  const every = Number(options['grpc.keepalive_time_ms'] ?? -1); // grpc-js: unset, no pings
  if (every <= 0) return true;
  return every >= 5 * 60_000 && options['grpc.keepalive_permit_without_calls'] !== 1;
}

test('the channel to containerd’s socket sends no pings containerd would punish', (t) => {
  // runtime/containerd/client.ts dials `unix:<socket>` through connect().
  const options = channelOptionsFor('unix:/run/containerd/containerd.sock');
  t.true(goServerTakes(options), JSON.stringify(options));
});

test('channels between nodes ping every 10 s, between calls too', (t) => {
  const options = channelOptionsFor('10.0.0.2:4242');
  t.is(options['grpc.keepalive_time_ms'], 10_000);
  t.is(options['grpc.keepalive_permit_without_calls'], 1);
});
