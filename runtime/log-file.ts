/**
 * A container's log files, as the process and containerd runtimes keep them: one per stream
 * (`stdout.log`), the output as the container wrote it, and beside each an index of when it
 * was written (`stdout.log.times`): a line per chunk of output, `OFFSET TIME`, the chunk's
 * first byte's offset in the log and the time it was written (RFC 3339, UTC, microseconds).
 * `STAMPER` is the program that writes both, beside the container for as long as it runs;
 * the rest reads them: from where `tail` starts, then whatever was appended since the last
 * read, a line once its newline has been written, or at the very end (`flush`), when the
 * writer is known to be done. A line was written when its first byte was; lines the index
 * does not cover (output of a driver before it kept one) when their file last changed.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import type { LogLine, LogOptions } from './driver.js';

const CHUNK = 64 * 1024;
const NEWLINE = 0x0a;

/** Where the index of log file `path` is. */
export function timesFile(path: string): string {
  return `${path}.times`;
}

/**
 * The writer, a Perl program (Perl is part of every Debian system; a program in Node would
 * cost each container tens of megabytes, this one about 1 of its own). It copies each chunk of output as it comes, after
 * the chunk's index line, so that a reader who finds a byte in the log finds its time too;
 * the time is when it read the chunk, which is when it was written give or take a pipe's
 * delay. A write that fails (a full disk) loses that output, never the container. Two uses:
 *
 * - `perl -e STAMPER run SIGNALS CMD [ARG...]`: runs CMD with its stdout and stderr through
 *   pipes into its own (the log files, their indexes on fds 3 and 4), ignoring the stop
 *   signals SIGNALS (names such as TERM; CMD gets them as usual) so that it outlives CMD; once CMD
 *   exits, copies what is still buffered and exits with CMD's status (128+N if signal N
 *   ended it; 127 or 126, saying why, if it could not run).
 * - `STAMPER dir DIR` as containerd's logging binary: copies its fds 3 and 4 (the container's
 *   stdout and stderr) to DIR/stdout.log and DIR/stderr.log until both end, closing fd 5 once
 *   the files are open to say it is ready. It ignores SIGTERM, which the shim sends when the
 *   task is deleted, so that it exits only once everything is written.
 */
export const STAMPER = `use strict;
use warnings;

# POSIX and Config are left out: they would more than double the memory each copy has of its own.
use constant WNOHANG => 1;

# Time::HiRes is in Debian's perl, not in perl-base alone: without it, whole seconds.
my $now = eval { require Time::HiRes; \\&Time::HiRes::gettimeofday } // sub { (time(), 0) };

sub stamp {
  my ($s, $us) = $now->();
  my @t = gmtime($s);
  return sprintf('%04d-%02d-%02dT%02d:%02d:%02d.%06dZ', $t[5] + 1900, $t[4] + 1, @t[3, 2, 1, 0], $us);
}

# The bytes of $data written to $fh, all unless a write fails.
sub write_all {
  my ($fh, $data) = @_;
  my $written = 0;
  while ($written < length $data) {
    my $n = syswrite($fh, $data, length($data) - $written, $written);
    if (!defined $n) {
      next if $!{EINTR};
      last;
    }
    $written += $n;
  }
  return $written;
}

sub stream {
  my ($in, $out, $times) = @_;
  return { in => $in, out => $out, times => $times, at => (stat($out))[7] // 0 };
}

# Copies what each input brings onto its output until every input ends, or, once done()
# says the writer is gone, until nothing more comes at once.
sub copy {
  my ($done, @open) = @_;
  my $drained = 0;
  while (@open) {
    my $finishing = $done->();
    my $bits = '';
    vec($bits, fileno($_->{in}), 1) = 1 for @open;
    my $ready = select(my $readable = $bits, undef, undef, $finishing ? 0 : 1);
    if ($ready < 0) {
      next if $!{EINTR};
      last;
    }
    last if $finishing && ($ready == 0 || ++$drained > 64);
    for my $s (@open) {
      next unless vec($readable, fileno($s->{in}), 1);
      my $n = sysread($s->{in}, my $chunk, 65536);
      next if !defined $n && $!{EINTR};
      if (!$n) {
        $s->{eof} = 1;
        next;
      }
      write_all($s->{times}, "$s->{at} " . stamp() . "\\n");
      $s->{at} += write_all($s->{out}, $chunk);
    }
    @open = grep { !$_->{eof} } @open;
  }
}

# Closes a file descriptor by its number.
sub close_fd {
  my $fh;
  open($fh, '<&=', $_[0]) and close($fh);
}

sub run_command {
  my ($signals, @cmd) = @_;
  my @stop = split ' ', $signals;
  $SIG{$_} = 'IGNORE' for @stop;
  open(my $out_times, '>>&=', 3) or die "fd 3: $!";
  open(my $err_times, '>>&=', 4) or die "fd 4: $!";
  pipe(my $out_r, my $out_w) or die "pipe: $!";
  pipe(my $err_r, my $err_w) or die "pipe: $!";
  my $pid = fork() // die "fork: $!";
  if ($pid == 0) {
    $SIG{$_} = 'DEFAULT' for @stop;
    open(STDOUT, '>&', $out_w) && open(STDERR, '>&', $err_w) or exit 126;
    close_fd($_) for 3, 4, fileno($out_r), fileno($err_r), fileno($out_w), fileno($err_w);
    { no warnings 'exec'; exec { $cmd[0] } @cmd; }
    my $code = $!{ENOENT} ? 127 : 126;
    print STDERR "flotilla-process: $cmd[0]: ", ($code == 127 ? 'not found' : "$!"), "\\n";
    exit $code;
  }
  close $_ for $out_w, $err_w;
  my $status;
  local $SIG{CHLD} = sub { };
  my $exited = sub {
    $status //= waitpid($pid, WNOHANG) == $pid ? $? : undef;
    return defined $status;
  };
  copy($exited, stream($out_r, \\*STDOUT, $out_times), stream($err_r, \\*STDERR, $err_times));
  if (!defined $status) {
    waitpid($pid, 0);
    $status = $?;
  }
  return $status & 127 ? 128 + ($status & 127) : $status >> 8;
}

sub run_logger {
  my ($dir) = @_;
  $SIG{TERM} = 'IGNORE';
  my @streams;
  for ([3, 'stdout'], [4, 'stderr']) {
    my ($fd, $name) = @$_;
    open(my $in, '<&=', $fd) or die "fd $fd: $!";
    open(my $out, '>>', "$dir/$name.log") or die "$dir/$name.log: $!";
    open(my $times, '>>', "$dir/$name.log.times") or die "$dir/$name.log.times: $!";
    push @streams, stream($in, $out, $times);
  }
  close_fd(5);
  copy(sub { 0 }, @streams);
}

my $mode = shift(@ARGV) // '';
if ($mode eq 'run') {
  my $signals = shift @ARGV;
  exit run_command($signals, @ARGV);
}
if ($mode eq 'dir') {
  run_logger($ARGV[0]);
  exit 0;
}
die "usage: run SIGNALS CMD [ARG...] | dir DIR\\n";
`;

/** When the chunks of a log file were written: their first offsets, ascending, and times. */
class LogTimes {
  private readonly offsets: number[] = [];
  private readonly times: number[] = [];
  private cursor: LogFileCursor | undefined;
  constructor(private readonly path: string) {}

  /** Takes in what the writer has added to the index since the last call (none yet: no file). */
  async update(): Promise<void> {
    this.cursor ??= await LogFileCursor.open(timesFile(this.path), {}).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    for (const entry of (await this.cursor?.read()) ?? []) {
      const space = entry.indexOf(' ');
      const offset = Number(entry.slice(0, space));
      const time = Date.parse(entry.slice(space + 1));
      if (space > 0 && Number.isSafeInteger(offset) && !Number.isNaN(time)) {
        this.offsets.push(offset);
        this.times.push(time);
      }
    }
  }

  /** When the byte at `offset` was written, if the index covers it. */
  at(offset: number): number | undefined {
    let lo = 0;
    let hi = this.offsets.length - 1;
    let found: number | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((this.offsets[mid] as number) <= offset) {
        found = this.times[mid];
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }
}

export class LogFileCursor {
  private partial: Buffer[] = [];
  /** Where the line being read starts. */
  private lineStart: number;

  private constructor(
    private readonly path: string,
    private offset: number,
  ) {
    this.lineStart = offset;
  }

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
    return (await this.readLines()).map((l) => l.text);
  }

  /** Complete lines appended since the last read, each with the offset it starts at. */
  async readLines(): Promise<{ text: string; start: number }[]> {
    const handle = await open(this.path, 'r');
    try {
      const lines: { text: string; start: number }[] = [];
      for (;;) {
        const buf = Buffer.alloc(CHUNK);
        const { bytesRead } = await handle.read(buf, 0, CHUNK, this.offset);
        if (bytesRead === 0) return lines;
        const chunkStart = this.offset;
        this.offset += bytesRead;
        let from = 0;
        for (
          let end = buf.indexOf(NEWLINE, from);
          end !== -1 && end < bytesRead;
          end = buf.indexOf(NEWLINE, from)
        ) {
          this.partial.push(buf.subarray(from, end));
          lines.push({ text: Buffer.concat(this.partial).toString('utf8'), start: this.lineStart });
          this.partial = [];
          from = end + 1;
          this.lineStart = chunkStart + from;
        }
        if (from < bytesRead) this.partial.push(buf.subarray(from, bytesRead));
      }
    } finally {
      await handle.close();
    }
  }

  /** The last line if it never got its newline. */
  flush(): string[] {
    return this.flushLine().map((l) => l.text);
  }

  /** The last line if it never got its newline, with the offset it starts at. */
  flushLine(): { text: string; start: number }[] {
    const rest = Buffer.concat(this.partial);
    this.partial = [];
    return rest.length === 0 ? [] : [{ text: rest.toString('utf8'), start: this.lineStart }];
  }
}

/**
 * The lines of a container's stdout and stderr files, per LogOptions (`since` line by line,
 * after `tail`: the last lines that are not older), with the times they were written.
 * Following, it polls until `exited()` says the writer is done (checked before each read, so
 * that everything written before the exit is read) or a signal aborts.
 */
export async function* readLogFiles(
  files: { stream: LogLine['stream']; path: string }[],
  opts: LogOptions,
  exited: () => Promise<boolean>,
  closing: AbortSignal,
  pollMs: number,
): AsyncIterable<LogLine> {
  const streams = await Promise.all(
    files.map(async ({ stream, path }) => ({
      stream,
      path,
      cursor: await LogFileCursor.open(path, opts),
      times: new LogTimes(path),
    })),
  );
  const stop = opts.signal ? AbortSignal.any([opts.signal, closing]) : closing;
  /** Each stream's lines that `lines` reads, with their times, `since` applied. */
  const timed = async function* (
    lines: (
      cursor: LogFileCursor,
    ) => Promise<{ text: string; start: number }[]> | { text: string; start: number }[],
  ): AsyncIterable<LogLine> {
    for (const { stream, path, cursor, times } of streams) {
      const read = await lines(cursor);
      // The index after the log: it is written ahead of the output it covers.
      await times.update();
      let changed: number | undefined;
      for (const { text, start } of read) {
        let time = times.at(start);
        if (time === undefined && opts.since !== undefined) time = changed ??= (await stat(path)).mtimeMs;
        if (opts.since !== undefined && (time as number) < opts.since) continue;
        yield { stream, line: text, ...(time !== undefined && { time }) };
      }
    }
  };
  while (!stop.aborted) {
    const last = !opts.follow || (await exited());
    yield* timed((cursor) => cursor.readLines());
    if (last) {
      yield* timed((cursor) => cursor.flushLine());
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
