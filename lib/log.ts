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
  if (opts.file)
    return pino({ level }, pino.destination({ dest: opts.file, mkdir: true, sync: false, mode: 0o600 }));
  return pino({ level }, pino.destination(2));
}

/** A logger that drops everything, for tests. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
