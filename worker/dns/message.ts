/**
 * The resolver's answer to one DNS message, read and written with dns-packet. The names come
 * from a lookup the caller gives (the endpoint table): A and AAAA are a name's addresses of
 * that family, SRV its tasks' ports with each target's address as an additional record; a
 * name the lookup does not know is NXDOMAIN (which a forwarding server takes to its
 * upstream instead), any other type of a known name an empty answer.
 *
 * Size: over UDP a reply fits the client's EDNS0 payload size (its OPT record, answered with
 * ours) or else 512 bytes. What does not fit loses its additional records first (no TC, as
 * RFC 2181 §9 says: they are extras), then the answers that do not fit, with TC set so the
 * client asks again over TCP, where a reply may take up to 65,535 bytes. A server without
 * TCP on its port (the node's own resolver, whose TCP side is the node's gRPC listener)
 * would send a truncated client to a port that does not speak DNS: its UDP replies are
 * only held to what one datagram carries.
 */
import dnsPacket, { type Answer, type DecodedPacket, type Packet } from 'dns-packet';
import { isIPv4, isIPv6 } from 'node:net';

/** One task of a service, as an SRV record names it. */
export interface SrvTarget {
  name: string;
  host: string;
  port: number;
}

/** What a name answers: its IPv4 and IPv6 addresses and its SRV targets. */
export interface NameRecords {
  a: string[];
  aaaa: string[];
  srv: SrvTarget[];
}

export type Lookup = (name: string) => NameRecords | undefined;
export type Transport = 'udp' | 'tcp';

export interface Reply {
  message: Buffer;
  /** The name is not the cluster's: a server with an upstream asks it instead. */
  nxdomain: boolean;
}

/** Task addresses change as tasks come and go: answers are not to be cached for long. */
const TTL_S = 1;
/** The UDP payload a reply to a query without EDNS0 may take. */
const CLASSIC_UDP_BYTES = 512;
/** The largest UDP payload this resolver sends, whatever a client offers (and what its OPT says). */
export const MAX_UDP_BYTES = 4096;
const MAX_TCP_BYTES = 65_535;
/** The most one UDP datagram over IPv4 carries. */
const MAX_DATAGRAM_BYTES = 65_507;

const RCODE = { NOERROR: 0, FORMERR: 1, NXDOMAIN: 3, NOTIMP: 4 } as const;

/**
 * The reply to `msg` received over `transport`, or undefined for what is to be ignored (too
 * short to carry an id, or itself a response). `tcpServed`: the server answers over TCP on
 * the same port, where a truncated UDP reply sends the client.
 */
export function answer(
  msg: Buffer,
  lookup: Lookup,
  transport: Transport,
  tcpServed = true,
): Reply | undefined {
  // Read before decoding, so that even a message dns-packet cannot read is told apart: the
  // QR bit (a response is never answered) and the id a FORMERR goes back under.
  if (msg.length < 12 || msg[2]! & 0x80) return undefined;
  // dns-packet decodes the opcode too; its types leave it out.
  let query: DecodedPacket & { opcode?: string };
  try {
    query = dnsPacket.decode(msg);
  } catch {
    return { message: encodeReply(msg.readUInt16BE(0), RCODE.FORMERR, {}), nxdomain: false };
  }
  const rd = query.flag_rd ? dnsPacket.RECURSION_DESIRED : 0;
  const opt = query.additionals?.find((r) => r.type === 'OPT');
  const edns: Answer[] = opt ? [{ type: 'OPT', name: '.', udpPayloadSize: MAX_UDP_BYTES } as Answer] : [];
  const withEdns = (packet: Packet): Packet => ({
    ...packet,
    additionals: [...(packet.additionals ?? []), ...edns],
  });
  const reply = (flags: number, packet: Packet) => encodeReply(query.id ?? 0, flags | rd, withEdns(packet));
  const q = query.questions?.[0];
  if (query.opcode !== 'QUERY' || !q || query.questions?.length !== 1) {
    return { message: reply(RCODE.NOTIMP, {}), nxdomain: false };
  }
  const question = { name: q.name, type: q.type, class: q.class };
  const records = lookup(q.name.toLowerCase());
  if (!records) return { message: reply(RCODE.NXDOMAIN, { questions: [question] }), nxdomain: true };

  const answers: Answer[] = [];
  const extras: Answer[] = [];
  if (q.type === 'A') answers.push(...records.a.filter((ip) => isIPv4(ip)).map((ip) => address(q.name, ip)));
  if (q.type === 'AAAA') {
    answers.push(...records.aaaa.filter((ip) => isIPv6(ip)).map((ip) => address(q.name, ip)));
  }
  if (q.type === 'SRV') {
    for (const t of records.srv) {
      const data = { priority: 0, weight: 0, port: t.port, target: t.name };
      answers.push({ type: 'SRV', name: q.name, ttl: TTL_S, data });
      if (isIPv4(t.host) || isIPv6(t.host)) extras.push(address(t.name, t.host));
    }
  }
  const limit = transport === 'tcp' ? MAX_TCP_BYTES : tcpServed ? udpLimit(opt) : MAX_DATAGRAM_BYTES;
  const packet = (n: number, withExtras: boolean): Packet => ({
    questions: [question],
    answers: answers.slice(0, n),
    additionals: withExtras ? extras : [],
  });
  const fits = (p: Packet) => dnsPacket.encodingLength(withEdns(p)) <= limit;
  for (const withExtras of [true, false]) {
    const whole = packet(answers.length, withExtras);
    if (fits(whole)) return { message: reply(RCODE.NOERROR, whole), nxdomain: false };
  }
  // The most answers that fit, found by halving (a service may have thousands of tasks); the
  // question (at most 259 bytes) and an OPT record alone always fit in 512.
  let [low, high] = [0, answers.length - 1];
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (fits(packet(mid, false))) low = mid;
    else high = mid - 1;
  }
  return {
    message: reply(RCODE.NOERROR | dnsPacket.TRUNCATED_RESPONSE, packet(low, false)),
    nxdomain: false,
  };
}

/** The UDP payload a client's OPT record offers (512 without one), up to our own maximum. */
function udpLimit(opt: Answer | undefined): number {
  if (opt?.type !== 'OPT') return CLASSIC_UDP_BYTES;
  return Math.min(MAX_UDP_BYTES, Math.max(CLASSIC_UDP_BYTES, opt.udpPayloadSize));
}

function address(name: string, ip: string): Answer {
  return { type: isIPv4(ip) ? 'A' : 'AAAA', name, ttl: TTL_S, data: ip };
}

/** An authoritative response to query `id`; `flags` holds the rcode, RD as asked and TC. */
function encodeReply(id: number, flags: number, packet: Packet): Buffer {
  return dnsPacket.encode({ ...packet, id, type: 'response', flags: dnsPacket.AUTHORITATIVE_ANSWER | flags });
}
