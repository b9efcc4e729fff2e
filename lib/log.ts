/**
 * Logging: JSON lines to a file in the data dir, or readable lines on a terminal when a
 * daemon runs in the foreground (through pino-pretty, a development dependency: where it is
 * not installed, the terminal gets the JSON lines). Modules take a Logger and add their
 * name with child().
 */
import { spawn } from 'node:child_process';
import pino from 'pino';

export type Logger = pino.Logger;

export function createLogger(opts: { file?: string; pretty?: boolean; level?: string }): Logger {
  const level = opts.level ?? process.env.FLOTILLA_LOG_LEVEL ?? 'info';
  if (opts.pretty) {
    const target = prettyPrinter();
    if (target) {
      return pino({ level, transport: { target, options: { translateTime: 'SYS:HH:MM:ss.l' } } });
    }
    const log = pino({ level }, pino.destination(1));
    log.warn('pino-pretty is not installed (it is a development dependency): logging JSON lines');
    return log;
  }
  if (opts.file) return fileLogger(opts.file, level);
  return pino({ level }, pino.destination(2));
}

/** Where pino-pretty is, if it can be loaded. */
function prettyPrinter(): string | undefined {
  try {
    return import.meta.resolve('pino-pretty');
  } catch {
    return undefined;
  }
}

/** For each file logger: hands a fatal line on to be written once there is room, if its disk is full. */
const afterDeath = new WeakMap<Logger, (msg: string, err: string) => void>();

/**
 * What a process that dies of `err` says last: a line in its log. A log file on a full disk
 * holds its lines in memory, where they would die with the process; a detached shell then
 * appends this line once there is room, so that a person finds out why it stopped.
 */
export function lastWords(log: Logger, err: unknown, msg: string): void {
  // Not fatal(): pino then flushes synchronously, which on a full disk retries forever.
  log.error({ err }, msg);
  afterDeath.get(log)?.(msg, err instanceof Error ? (err.stack ?? err.message) : String(err));
}

/** Appends `text` to `file` once its disk has room: tries every second, for a day at most. */
function appendWhenThereIsRoom(file: string, text: string): void {
  const script = 'i=0; until printf "%s" "$1" >>"$2" || [ $i -ge 86400 ]; do i=$((i+1)); sleep 1; done';
  // A line written before may have been cut off mid-way: this one starts on a line of its own.
  spawn('/bin/sh', ['-c', script, 'sh', `\n${text}\n`, file], { detached: true, stdio: 'ignore' }).unref();
}

/** What a log file keeps in memory while its disk is full; later lines are dropped (and counted). */
const PENDING_BYTES_WHILE_FULL = 4 * 1024 * 1024;

/**
 * A logger writing to `file` that outlives a full disk: lines that cannot be written wait in
 * memory and go out with the first line written once there is room, followed by a note of
 * how long the disk was full and how many lines were lost. Written synchronously: pino's
 * asynchronous file stream, on a write error, stops the process, and then retries its flush
 * at exit for as long as the disk stays full.
 */
function fileLogger(file: string, level: string): Logger {
  const dest = pino.destination({
    dest: file,
    mkdir: true,
    sync: true,
    mode: 0o600,
    maxLength: PENDING_BYTES_WHILE_FULL,
  });
  const log = pino({ level }, dest);
  let full: { since: Date; error: string } | undefined;
  let dropped = 0;
  dest.on('error', (err: NodeJS.ErrnoException) => {
    full ??= { since: new Date(), error: err.code ?? err.message };
  });
  dest.on('drop', () => dropped++);
  afterDeath.set(log, (msg, err) => {
    if (!full) return;
    const lost = `the disk holding ${file} was full from ${full.since.toISOString()}: what was logged since is lost`;
    const line = { level: 50, time: Date.now(), pid: process.pid, msg: `${msg} (${lost})`, err };
    appendWhenThereIsRoom(file, JSON.stringify(line));
  });
  dest.on('write', () => {
    if (!full) return;
    const { since, error } = full;
    const lost = dropped;
    full = undefined;
    dropped = 0;
    // Not from within the stream's own write.
    setImmediate(() =>
      log.warn(
        { since: since.toISOString(), error, linesLost: lost },
        `this log could not be written from ${since.toISOString()} until now (${error}: is the disk holding ${file} full?); ` +
          (lost > 0 ? `${lost} lines were lost` : 'no lines were lost'),
      ),
    );
  });
  return log;
}

/** A logger whose JSON lines go to `write`: a thread's, relayed to the daemon's by relogLine. */
export function lineLogger(level: string, write: (line: string) => void): Logger {
  return pino({ level, base: null }, { write });
}

/** Logs a line of a lineLogger through `log`, which adds its own fields. */
export function relogLine(log: Logger, line: string): void {
  const { level, msg, time: _time, ...fields } = JSON.parse(line) as Record<string, unknown>;
  const label = log.levels.labels[level as number] as pino.Level | undefined;
  if (label) log[label](fields, String(msg ?? ''));
}

/** A logger that drops everything, for tests. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
