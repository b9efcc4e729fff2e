/**
 * The floor under the node daemon's resident memory: a fresh Node process (run by memory.ts
 * with the daemon's V8 flags) holding what any gRPC-over-TLS daemon holds and none of
 * Flotilla's code: pino, a gRPC server with mutual TLS and a client calling it every few
 * seconds, as a worker does with its manager. Prints its resident memory (as memory.ts
 * reads it) once settled; memory.ts prints it beside the daemons'.
 *
 *   node memory-floor.js CERT_DIR SETTLE_MS SAMPLES
 *
 * CERT_DIR holds ca.pem, cert.pem and key.pem. Prints one JSON line per sample (a second
 * apart).
 */
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import pino from 'pino';

const [certDir, settleMs, samples] = process.argv.slice(2) as [string, string, string];
const pem = (f: string) => readFileSync(`${certDir}/${f}`);
const [ca, cert, key] = [pem('ca.pem'), pem('cert.pem'), pem('key.pem')];

const log = pino({}, pino.destination('/dev/null'));
const root = protobuf.parse(
  'syntax = "proto3"; package floor; message Ping { string text = 1; } service Floor { rpc Ping(Ping) returns (Ping); }',
).root;
const Ping = root.lookupType('floor.Ping');
const encode = (v: object) => Ping.encode(Ping.fromObject(v)).finish() as Buffer;
const decode = (b: Buffer) => Ping.toObject(Ping.decode(b));
const definition = {
  Ping: {
    path: '/floor.Floor/Ping',
    requestStream: false,
    responseStream: false,
    requestSerialize: encode,
    requestDeserialize: decode,
    responseSerialize: encode,
    responseDeserialize: decode,
  },
};

const server = new grpc.Server();
server.addService(definition, {
  Ping: (_call: unknown, done: grpc.sendUnaryData<object>) => done(null, { text: 'pong' }),
});
const port = await new Promise<number>((resolve, reject) =>
  server.bindAsync(
    '127.0.0.1:0',
    grpc.ServerCredentials.createSsl(ca, [{ private_key: key, cert_chain: cert }], true),
    (err, p) => (err ? reject(err) : resolve(p)),
  ),
);
const Client = grpc.makeGenericClientConstructor(definition, 'Floor');
// The peer's certificate is checked against the CA only, as the daemon checks it (by the
// cluster in its subject, not by a host name).
const credentials = grpc.credentials.createSsl(ca, key, cert, { checkServerIdentity: () => undefined });
// A name to send (an IP address is no TLS server name).
const client = new Client(`127.0.0.1:${port}`, credentials, { 'grpc.ssl_target_name_override': 'floor' });
const ping = () =>
  client.makeUnaryRequest('/floor.Floor/Ping', encode, decode, { text: 'ping' }, (err) =>
    err ? log.error({ err }, 'ping failed') : log.info('pong'),
  );
ping();
const timer = setInterval(ping, 2_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
await sleep(Number(settleMs));
for (let i = 0; i < Number(samples); i++) {
  if (i > 0) await sleep(1_000);
  const status = readFileSync('/proc/self/status', 'utf8');
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1]) * 1024;
  console.log(JSON.stringify({ rss: kib('VmRSS'), rssAnon: kib('RssAnon'), rssFile: kib('RssFile') }));
}
clearInterval(timer);
client.close();
server.forceShutdown();
