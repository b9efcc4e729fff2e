/**
 * Docker's multiplexed stdout/stderr framing (non-TTY containers and execs): each frame is an
 * 8-byte header (stream 1 or 2, three zero bytes, a big-endian length) then the payload.
 */
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { LogLine } from '../driver.js';

const HEADER = 8;
type Stream = LogLine['stream'];

/** The payloads of a multiplexed stream (or of all of it as one buffer), in order. */
export async function* demuxFrames(
  source: Readable | Buffer,
): AsyncIterable<{ stream: Stream; data: Buffer }> {
  let pending = Buffer.alloc(0);
  const chunks: AsyncIterable<Buffer> | Buffer[] = Buffer.isBuffer(source) ? [source] : source;
  for await (const chunk of chunks) {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= HEADER) {
      const size = pending.readUInt32BE(4);
      if (pending.length < HEADER + size) break;
      yield { stream: pending[0] === 2 ? 'stderr' : 'stdout', data: pending.subarray(HEADER, HEADER + size) };
      pending = pending.subarray(HEADER + size);
    }
  }
}

/** Lines per stream; with `timestamps`, Docker's RFC 3339 prefix becomes the line's time. */
export async function* demuxLines(source: Readable | Buffer, timestamps: boolean): AsyncIterable<LogLine> {
  const state = {
    stdout: { decoder: new StringDecoder('utf8'), partial: '' },
    stderr: { decoder: new StringDecoder('utf8'), partial: '' },
  };
  for await (const { stream, data } of demuxFrames(source)) {
    const s = state[stream];
    const parts = (s.partial + s.decoder.write(data)).split('\n');
    s.partial = parts.pop() ?? '';
    for (const line of parts) yield parse(stream, line, timestamps);
  }
  for (const stream of ['stdout', 'stderr'] as const) {
    const rest = state[stream].partial + state[stream].decoder.end();
    if (rest !== '') yield parse(stream, rest, timestamps);
  }
}

/** All of a multiplexed stream, as two strings. */
export async function collectOutput(source: Readable | Buffer): Promise<{ stdout: string; stderr: string }> {
  const parts = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  for await (const { stream, data } of demuxFrames(source)) parts[stream].push(data);
  return {
    stdout: Buffer.concat(parts.stdout).toString('utf8'),
    stderr: Buffer.concat(parts.stderr).toString('utf8'),
  };
}

function parse(stream: Stream, text: string, timestamps: boolean): LogLine {
  if (!timestamps) return { stream, line: text };
  const space = text.indexOf(' ');
  const time = Date.parse(text.slice(0, space));
  return Number.isNaN(time) ? { stream, line: text } : { stream, line: text.slice(space + 1), time };
}
