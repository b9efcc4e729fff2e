import test from 'ava';
import dnsPacket, { type Answer, type DecodedPacket, type Packet } from 'dns-packet';
import { answer, type Lookup, type NameRecords, type Transport } from '../../../worker/dns/message.js';

type Decoded = DecodedPacket & { rcode: string };

/** A service `web` of `n` tasks on 10.0.0.x, as the endpoint table gives it. */
function table(n: number): Lookup {
  const srv = Array.from({ length: n }, (_, i) => ({
    name: `task${String(i).padStart(2, '0')}xxxxxxxxxxxxxxxxxxxxx.tasks.web`,
    host: `10.0.0.${i + 1}`,
    port: 40000 + i,
  }));
  const names = new Map<string, NameRecords>([
    ['web', { a: ['10.213.0.1'], aaaa: ['fd00::1'], srv: [] }],
    ['tasks.web', { a: srv.map((t) => t.host), aaaa: [], srv }],
  ]);
  return (name) => names.get(name);
}

function query(name: string, type: 'A' | 'AAAA' | 'SRV' | 'TXT', udpPayloadSize?: number): Buffer {
  const packet: Packet = {
    id: 4242,
    type: 'query',
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ name, type }],
  };
  if (udpPayloadSize) packet.additionals = [{ type: 'OPT', name: '.', udpPayloadSize } as Answer];
  return dnsPacket.encode(packet);
}

function ask(msg: Buffer, lookup: Lookup, transport: Transport = 'udp') {
  const reply = answer(msg, lookup, transport);
  if (!reply) throw new Error('no reply');
  return { ...reply, decoded: dnsPacket.decode(reply.message) as Decoded };
}

const data = (records: Answer[] | undefined, type: string) =>
  (records ?? []).flatMap((r) => (r.type === type && 'data' in r ? [r.data] : []));

test('A and AAAA answer the addresses of their family, authoritatively, for any case of the name', (t) => {
  const a = ask(query('WEB', 'A'), table(1)).decoded;
  t.is(a.id, 4242);
  t.is(a.rcode, 'NOERROR');
  t.true(a.flag_qr && a.flag_aa && a.flag_rd);
  t.false(a.flag_tc);
  t.deepEqual(a.questions, [{ name: 'WEB', type: 'A', class: 'IN' }]);
  t.deepEqual(data(a.answers, 'A'), ['10.213.0.1']);
  t.is(a.answers?.[0]?.type === 'A' ? a.answers[0].ttl : undefined, 1);
  t.deepEqual(data(ask(query('web', 'AAAA'), table(1)).decoded.answers, 'AAAA'), ['fd00::1']);
  const other = ask(query('web', 'TXT'), table(1)).decoded;
  t.is(other.rcode, 'NOERROR', 'a known name of another type: an empty answer');
  t.deepEqual(other.answers, []);
});

test('SRV of one task: its port and target, with the target address alongside', (t) => {
  const { decoded } = ask(query('tasks.web', 'SRV'), table(1));
  t.deepEqual(data(decoded.answers, 'SRV'), [
    { priority: 0, weight: 0, port: 40000, target: 'task00xxxxxxxxxxxxxxxxxxxxx.tasks.web' },
  ]);
  t.deepEqual(
    (decoded.additionals ?? []).map((r) => (r.type === 'A' ? `${r.name} ${r.data}` : r.type)),
    ['task00xxxxxxxxxxxxxxxxxxxxx.tasks.web 10.0.0.1'],
  );
});

test('SRV of 30 tasks: 512 bytes without EDNS truncate (TC), EDNS 4096 fits all, TCP gives all', (t) => {
  const lookup = table(30);
  const plain = ask(query('tasks.web', 'SRV'), lookup);
  t.true(plain.message.length <= 512, `${plain.message.length} bytes`);
  t.true(plain.decoded.flag_tc, 'TC: the client is to ask again over TCP');
  const some = data(plain.decoded.answers, 'SRV').length;
  t.true(some > 0 && some < 30, `${some} of the answers that fit`);
  t.deepEqual(plain.decoded.additionals, []);

  const edns = ask(query('tasks.web', 'SRV', 4096), lookup);
  t.false(edns.decoded.flag_tc);
  t.true(edns.message.length > 512 && edns.message.length <= 4096);
  t.is(data(edns.decoded.answers, 'SRV').length, 30);
  t.is(data(edns.decoded.additionals, 'A').length, 30);
  const opt = edns.decoded.additionals?.find((r) => r.type === 'OPT');
  t.is(opt?.type === 'OPT' ? opt.udpPayloadSize : undefined, 4096, 'an OPT record answers the OPT');

  // Room for the answers but not their addresses: the extras go, without TC (RFC 2181 §9).
  const middle = ask(query('tasks.web', 'SRV', 2100), lookup);
  t.false(middle.decoded.flag_tc);
  t.is(data(middle.decoded.answers, 'SRV').length, 30);
  t.deepEqual(
    middle.decoded.additionals?.map((r) => r.type),
    ['OPT'],
  );

  // An offer larger than ours is held to ours; one under 512 counts as 512.
  t.true(ask(query('tasks.web', 'SRV', 65000), table(200)).message.length <= 4096);
  t.true(ask(query('tasks.web', 'SRV', 100), lookup).message.length <= 512);

  // A server with no TCP on its port sends what a datagram holds: a TC would lead nowhere.
  const udpOnly = answer(query('tasks.web', 'SRV'), lookup, 'udp', false);
  const whole = dnsPacket.decode(udpOnly!.message) as Decoded;
  t.false(whole.flag_tc);
  t.is(data(whole.answers, 'SRV').length, 30);

  const tcp = ask(query('tasks.web', 'SRV'), lookup, 'tcp');
  t.false(tcp.decoded.flag_tc);
  t.is(data(tcp.decoded.answers, 'SRV').length, 30);
  t.is(data(tcp.decoded.additionals, 'A').length, 30);
});

test('a name the table does not know is NXDOMAIN, marked for a forwarding server', (t) => {
  const reply = ask(query('nope.example', 'A', 1232), table(1));
  t.true(reply.nxdomain);
  t.is(reply.decoded.rcode, 'NXDOMAIN');
  t.deepEqual(reply.decoded.questions, [{ name: 'nope.example', type: 'A', class: 'IN' }]);
  t.deepEqual(
    reply.decoded.additionals?.map((r) => r.type),
    ['OPT'],
  );
  t.false(ask(query('web', 'A'), table(1)).nxdomain);
});

test('malformed messages get FORMERR or nothing, other opcodes and counts NOTIMP, and responses are ignored', (t) => {
  const lookup = table(1);
  t.is(answer(Buffer.from([1, 2, 3]), lookup, 'udp'), undefined, 'shorter than a header: no id to answer');
  const good = query('web', 'A');
  // A header that promises a question, followed by a name running off the end.
  const cut = Buffer.concat([good.subarray(0, 12), Buffer.from([40, 0x61, 0x62])]);
  const formerr = ask(cut, lookup).decoded;
  t.is(formerr.id, 4242);
  t.is(formerr.rcode, 'FORMERR');
  const loop = Buffer.concat([good.subarray(0, 12), Buffer.from([0xc0, 12, 0, 1, 0, 1])]);
  t.is(ask(loop, lookup).decoded.rcode, 'FORMERR', 'a compression pointer to itself');
  const garbage = Buffer.alloc(300, 0xff);
  garbage[2] = 0x01; // a query (QR clear)
  t.notThrows(() => answer(garbage, lookup, 'udp'));

  const two = dnsPacket.encode({
    id: 7,
    type: 'query',
    questions: [
      { name: 'web', type: 'A' },
      { name: 'tasks.web', type: 'A' },
    ],
  });
  t.is(ask(two, lookup).decoded.rcode, 'NOTIMP');
  const none = dnsPacket.encode({ id: 8, type: 'query', questions: [] });
  t.is(ask(none, lookup).decoded.rcode, 'NOTIMP');
  const update = Buffer.from(good);
  update.writeUInt16BE(5 << 11, 2); // opcode UPDATE
  t.is(ask(update, lookup).decoded.rcode, 'NOTIMP');
  const response = dnsPacket.encode({ id: 9, type: 'response', questions: [{ name: 'web', type: 'A' }] });
  t.is(answer(response, lookup, 'udp'), undefined);
});
