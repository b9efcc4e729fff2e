/**
 * Reading a growing log file line by line: from where `tail` starts, then whatever was
 * appended since the last read. A line is yielded once its newline has been written, or at
 * the very end (`flush`), when the writer is known to be done.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { setTimeout as delay } from 'node:timers/promises';
import type { LogLine, LogOptions } from './driver.js';

const CHUNK = 64 * 1024;
const NEWLINE = 0x0a;

export class LogFileCursor {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';

  private constructor(
    private readonly path: string,
    private offset: number,
  ) {}

  /** A cursor at the start of the last `tail` lines (all lines if undefined), or at the end if the
   * file was last written before `since` (all its lines are older). */
  static async open(path: string, opts: { tail?: number; since?: number }): Promise<LogFileCursor> {
    const handle = await open(path, 'r');
    try {
      const { size, mtimeMs } = await handle.stat();
      if (opts.since !== undefined && mtimeMs < opts.since) return new LogFileCursor(path, size);
      const offset = opts.tail === undefined ? 0 : await startOfLastLines(handle, size, opts.tail);
      return new LogFileCursor(path, offset);
    } finally {
      await handle.close();
    }
  }

  /** Complete lines appended since the last read. */
  async read(): Promise<string[]> {
    const handle = await open(this.path, 'r');
    try {
      const lines: string[] = [];
      const buf = Buffer.alloc(CHUNK);
      for (;;) {
        const { bytesRead } = await handle.read(buf, 0, CHUNK, this.offset);
        if (bytesRead === 0) return lines;
        this.offset += bytesRead;
        const parts = (this.partial + this.decoder.write(buf.subarray(0, bytesRead))).split('\n');
        this.partial = parts.pop() ?? '';
        lines.push(...parts);
      }
    } finally {
      await handle.close();
    }
  }

  /** The last line if it never got its newline. */
  flush(): string[] {
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    return rest === '' ? [] : [rest];
  }
}

/**
 * The lines of a container's stdout and stderr files, per LogOptions. Following, it polls
 * until `exited()` says the writer is done (checked before each read, so that everything
 * written before the exit is read) or a signal aborts.
 */
export async function* readLogFiles(
  files: { stream: LogLine['stream']; path: string }[],
  opts: LogOptions,
  exited: () => Promise<boolean>,
  closing: AbortSignal,
  pollMs: number,
): AsyncIterable<LogLine> {
  const streams = await Promise.all(
    files.map(async ({ stream, path }) => ({ stream, cursor: await LogFileCursor.open(path, opts) })),
  );
  const stop = opts.signal ? AbortSignal.any([opts.signal, closing]) : closing;
  while (!stop.aborted) {
    const last = !opts.follow || (await exited());
    for (const { stream, cursor } of streams) {
      for (const line of await cursor.read()) yield { stream, line };
    }
    if (last) {
      for (const { stream, cursor } of streams) {
        for (const line of cursor.flush()) yield { stream, line };
      }
      return;
    }
    await delay(pollMs, undefined, { signal: stop }).catch(() => undefined);
  }
}

/** Offset where the last `n` lines of the file start; a final line without newline counts. */
async function startOfLastLines(handle: FileHandle, size: number, n: number): Promise<number> {
  if (n <= 0) return size;
  const buf = Buffer.alloc(CHUNK);
  let end = size;
  let seen = 0;
  let skipFinalNewline = true;
  while (end > 0) {
    const start = Math.max(0, end - CHUNK);
    const { bytesRead } = await handle.read(buf, 0, end - start, start);
    for (let i = bytesRead - 1; i >= 0; i--) {
      if (buf[i] !== NEWLINE) {
        skipFinalNewline = false;
        continue;
      }
      // The newline that ends the file terminates the last line; it does not start one.
      if (skipFinalNewline) {
        skipFinalNewline = false;
        continue;
      }
      if (++seen === n) return start + i + 1;
    }
    end = start;
  }
  return 0;
}
