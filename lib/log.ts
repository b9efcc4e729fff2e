/**
 * Logging: JSON lines to a file in the data dir, or readable lines on a terminal when a
 * daemon runs in the foreground. Modules take a Logger and add their name with child().
 */
import pino from 'pino';

export type Logger = pino.Logger;

export function createLogger(opts: { file?: string; pretty?: boolean; level?: string }): Logger {
  const level = opts.level ?? process.env.FLOTILLA_LOG_LEVEL ?? 'info';
  if (opts.pretty) {
    return pino({
      level,
      transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l' } },
    });
  }
  if (opts.file) return fileLogger(opts.file, level);
  return pino({ level }, pino.destination(2));
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

/** A logger that drops everything, for tests. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
