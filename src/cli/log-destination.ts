// Where `placeorder serve` writes its log lines: standard output, in chunks.
//
// An access line per request was, written one by one, about a twentieth of the main thread's time
// per order (docs/benchmarks.md). Sonic-boom's own buffering (minLength) measures the byte length
// of its whole buffer on every line; this front collects lines in an array (one push per line)
// and hands sonic-boom one string per CHUNK_CHARS or per flush, so sonic-boom keeps doing what it
// is good at: the writes themselves, partial writes, EAGAIN on a non-blocking pipe, and the
// synchronous flush on exit.
import { writeSync } from 'node:fs';
import { pino } from 'pino';

/** Lines are handed to the writer once this many characters are waiting. */
export const CHUNK_CHARS = 64 * 1024;
/**
 * Lines waiting in the writer beyond this (standard output blocked: a stopped pager, a full
 * pipe) are dropped and counted, rather than growing the process without bound.
 */
export const MAX_PENDING_BYTES = 64 * 1024 * 1024;

export interface LogSink {
  write(line: string): void;
  /** Hands what is collected to the writer, which writes it soon (asynchronously). */
  flush(): void;
  /** Writes everything collected and pending before returning (exit). */
  flushSync(): void;
  /** Lines dropped because MAX_PENDING_BYTES were waiting. */
  readonly dropped: number;
}

export function chunkedSink(fd: number, maxPendingBytes = MAX_PENDING_BYTES): LogSink {
  const boom = pino.destination({ dest: fd, sync: false, minLength: 0, maxLength: maxPendingBytes });
  let dropped = 0;
  let reported = 0;
  boom.on('drop', (data: string) => {
    dropped += data.split('\n').length - 1;
  });
  let lines: string[] = [];
  let chars = 0;
  const take = (): string => {
    const chunk = lines.length === 1 ? lines[0]! : lines.join('');
    lines = [];
    chars = 0;
    return chunk;
  };
  const handOver = (): void => {
    if (lines.length === 0) return;
    // Lines were dropped since the last chunk: the next chunk says how many, first.
    if (dropped > reported) {
      lines.unshift(`${JSON.stringify({ level: 40, time: Date.now(), pid: process.pid, dropped: dropped - reported, msg: 'log lines dropped: standard output was not being read' })}\n`);
      reported = dropped;
    }
    boom.write(take());
  };
  return {
    write(line) {
      lines.push(line);
      chars += line.length;
      if (chars >= CHUNK_CHARS) handOver();
    },
    flush: handOver,
    flushSync() {
      // Handed to sonic-boom, the last lines could become its write in flight, which its own
      // flushSync leaves to the asynchronous write that exit abandons: they are written here.
      const last = lines.length > 0 ? take() : '';
      try {
        boom.flushSync();
        if (last) writeAllSync(fd, Buffer.from(last));
      } catch {
        // Standard output is gone (closed pipe) or stayed busy: nothing more can be done at exit.
      }
    },
    get dropped() {
      return dropped;
    },
  };
}

/** Writes all of a buffer to a file descriptor, waiting (briefly, boundedly) on a full pipe. */
function writeAllSync(fd: number, buffer: Buffer): void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  let offset = 0;
  for (let busy = 0; offset < buffer.length; ) {
    try {
      offset += writeSync(fd, buffer, offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN' || ++busy > 100) throw error;
      Atomics.wait(pause, 0, 0, 10);
    }
  }
}
