// Starts `placeorder serve` (the built CLI, bin/placeorder.js) as a real child process for the
// fuzzer, the crash test and the process-level tests. Resolves once the server listens.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/placeorder.js', import.meta.url));
const DIST_MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/**
 * @param {{ db: string, port?: number, args?: string[], env?: Record<string, string>, timeoutMs?: number }} options
 */
export function startServer(options) {
  if (!existsSync(DIST_MAIN)) throw new Error('the build is missing: run `npm run build` first');
  const args = ['serve', '--db', options.db, '--port', String(options.port ?? 0), '--host', '127.0.0.1', ...(options.args ?? [])];
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...(options.env ?? {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  /** @type {string[]} */
  const lines = [];
  /** Lines at level error or above (pino: 50, 60), counted over the whole run. */
  const counts = { errorLines: 0, lines: 0 };
  let buffered = '';
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      // Never leave an orphan server behind.
      child.kill('SIGKILL');
      reject(new Error(`server did not start:\n${lines.join('\n')}`));
    }, options.timeoutMs ?? 30_000);
    const onData = (chunk) => {
      buffered += String(chunk);
      let i;
      while ((i = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, i);
        buffered = buffered.slice(i + 1);
        lines.push(line);
        counts.lines++;
        if (/"level":(50|60)[,}]/.test(line)) counts.errorLines++;
        // Long runs (the fuzzer) write a line per request: keep the most recent ones only.
        if (lines.length > 5000) lines.splice(0, 1000);
        const m = /placeorder listening on (https?:\/\/[^"\s]+)/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? signal}) before listening:\n${lines.join('\n')}`));
    });
  });
  return {
    child,
    lines,
    counts,
    exited,
    /** @returns {Promise<string>} the base URL */
    ready: () => ready,
  };
}
