/**
 * One process of the floor (see floor.ts): the least a replicated, durable write can do on
 * this stack, with no consensus at all. A follower appends what the leader streams to it,
 * fdatasyncs, and acknowledges. The leader serves Put: it streams the value to both
 * followers, appends and fdatasyncs it itself meanwhile, answers once its own write and one
 * follower's are done, then tells both followers (as Raft's commit notice does). Mutual
 * TLS as on the Raft members, with the manager certificate in CERTS (ca.pem, cert.pem,
 * key.pem): Replicate takes managers, Put admins and managers.
 *
 *   floor-member.js leader|follower LISTEN DIR CERTS [FOLLOWER_ADDR ...]
 */
import * as grpc from '@grpc/grpc-js';
import { closeSync, fdatasync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { readTlsDir } from '../../daemon/tls-dir.js';
import { connect, createServer, listen, serve } from '../../proto/rpc.js';
import { TlsCredentials } from '../../proto/tls.js';
import { FloorClient, floorService } from './floor-service.js';

// A frame is its sequence number (u32), a kind (u32: 0 data, 1 commit notice) and the value.
const HEADER = 8;
const COMMIT = 1;

/** Appends to one file and fdatasyncs, as a write-ahead log does. */
function appender(file: string): (data: Buffer, done: () => void) => void {
  const fd = openSync(file, 'w');
  process.once('exit', () => closeSync(fd));
  return (data, done) => {
    writeSync(fd, data);
    fdatasync(fd, (err) => {
      if (err) throw err;
      done();
    });
  };
}

function follower(dir: string): grpc.UntypedServiceImplementation {
  const append = appender(join(dir, 'log'));
  return {
    Replicate: (call: grpc.ServerDuplexStream<Buffer, Buffer>) => {
      call.on('data', (frame: Buffer) => {
        if (frame.readUInt32LE(4) === COMMIT) return;
        append(frame, () => call.write(frame.subarray(0, HEADER)));
      });
    },
  };
}

function leader(dir: string, followers: string[], tls: TlsCredentials): grpc.UntypedServiceImplementation {
  const append = appender(join(dir, 'log'));
  // Per write in flight: how many of the leader's own append and the followers' acks are in, and its answer.
  const waiting = new Map<number, { acks: number; cb: grpc.sendUnaryData<Buffer> }>();
  const streams = followers.map((addr) => {
    const client = connect(FloorClient, addr, tls) as unknown as {
      Replicate(): grpc.ClientDuplexStream<Buffer, Buffer>;
    };
    const stream = client.Replicate();
    stream.on('data', (ack: Buffer) => acked(ack.readUInt32LE(0)));
    return stream;
  });
  let seq = 0;
  const acked = (n: number): void => {
    const w = waiting.get(n);
    if (!w || ++w.acks < 2) return;
    waiting.delete(n);
    const notice = Buffer.alloc(HEADER);
    notice.writeUInt32LE(n, 0);
    notice.writeUInt32LE(COMMIT, 4);
    for (const s of streams) s.write(notice);
    w.cb(null, notice.subarray(0, 4));
  };
  return {
    Put: (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
      const n = ++seq;
      const frame = Buffer.concat([Buffer.alloc(HEADER), call.request]);
      frame.writeUInt32LE(n, 0);
      waiting.set(n, { acks: 0, cb });
      for (const s of streams) s.write(frame);
      append(frame, () => acked(n));
    },
  };
}

const [role, listenAddr, dir, certs, ...followers] = process.argv.slice(2);
if ((role !== 'leader' && role !== 'follower') || !listenAddr || !dir || !certs) {
  console.error('usage: floor-member.js leader|follower LISTEN DIR CERTS [FOLLOWER_ADDR ...]');
  process.exit(2);
}
const tls = new TlsCredentials(readTlsDir(certs));
const server = createServer(tls);
const impl = role === 'leader' ? leader(dir, followers, tls) : follower(dir);
serve(server, floorService, impl, { allow: ['manager'], methods: { Put: ['admin', 'manager'] } });
await listen(server, listenAddr);
process.on('disconnect', () => process.exit(0)); // ends with the benchmark that started it
process.send?.('ready');
