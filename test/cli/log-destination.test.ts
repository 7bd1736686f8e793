// The serve command's log sink: lines collected and written in chunks, none lost on exit.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHUNK_CHARS, chunkedSink } from '../../src/cli/log-destination.js';

const line = (i: number) => `${JSON.stringify({ level: 30, msg: 'answered', i })}\n`;

describe('chunkedSink', () => {
  let dir: string;
  let file: string;
  let fd: number;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'placeorder-log-'));
    file = join(dir, 'out.log');
    fd = openSync(file, 'w');
  });
  afterEach(() => {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  });

  it('holds lines until a chunk fills or a flush, then writes them in order', async () => {
    const sink = chunkedSink(fd);
    sink.write(line(1));
    sink.write(line(2));
    await new Promise((r) => setTimeout(r, 20));
    expect(readFileSync(file, 'utf8')).toBe('');
    sink.flush();
    await expect.poll(() => readFileSync(file, 'utf8')).toBe(line(1) + line(2));
  });

  it('writes a full chunk without being asked', async () => {
    const sink = chunkedSink(fd);
    let written = '';
    for (let i = 0; written.length < CHUNK_CHARS; i++) {
      sink.write(line(i));
      written += line(i);
    }
    await expect.poll(() => readFileSync(file, 'utf8')).toBe(written);
  });

  it('flushSync leaves nothing behind, whether or not a write is in flight', () => {
    const sink = chunkedSink(fd);
    let expected = '';
    // A full chunk starts an asynchronous write; the lines after it are still collected.
    for (let i = 0; expected.length < CHUNK_CHARS + 500; i++) {
      sink.write(line(i));
      expected += line(i);
    }
    sink.flushSync();
    expect(readFileSync(file, 'utf8')).toBe(expected);
  });

  it('drops and counts lines beyond the pending limit instead of growing without bound, then says so', async () => {
    const sink = chunkedSink(fd, 300);
    sink.write('x'.repeat(400) + '\n');
    sink.flush();
    expect(sink.dropped).toBe(1);
    sink.write(line(1));
    sink.flush();
    await expect.poll(() => readFileSync(file, 'utf8').split('\n').length).toBe(3);
    const [warning, next] = readFileSync(file, 'utf8').split('\n').map((l) => (l ? (JSON.parse(l) as Record<string, unknown>) : undefined));
    expect(warning).toMatchObject({ level: 40, dropped: 1 });
    expect(next).toMatchObject({ i: 1 });
  });
});

describe('a serving process', () => {
  it('writes the lines it collected when it exits', () => {
    // A child logs through loggerFor and exits at once: no interval flush can have run.
    const script = `
      import { loggerFor } from './dist/cli/common.js';
      const log = loggerFor({ logLevel: 'info' });
      for (let i = 0; i < 3; i++) log.info({ i }, 'line before exit');
      process.exit(0);`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: new URL('../..', import.meta.url).pathname,
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(child.status).toBe(0);
    const lines = child.stdout.trim().split('\n').map((l) => JSON.parse(l) as { i: number; msg: string });
    expect(lines.map((l) => l.i)).toEqual([0, 1, 2]);
  });
});
