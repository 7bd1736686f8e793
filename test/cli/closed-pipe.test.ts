// `placeorder catalog list | head` (outside attack on issue 14): a reader that closes the pipe
// early ends the output there, exit 0, without a stack trace.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertBuilt } from '../scale/processes.js';

describe('the CLI writing to a closed pipe', () => {
  it('stops quietly', async () => {
    assertBuilt();
    const dir = mkdtempSync(join(tmpdir(), 'placeorder-pipe-'));
    try {
      const child = spawn(process.execPath, ['bin/placeorder.js', 'catalog', 'list', '--db', join(dir, 'pipe.db')], { stdio: ['ignore', 'pipe', 'pipe'] });
      // The reader goes away before the first line is written.
      child.stdout.destroy();
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(stderr).not.toMatch(/EPIPE|\n\s+at /);
      expect(code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
