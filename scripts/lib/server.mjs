// Starts `placeorder serve` (the built CLI, bin/placeorder.js) as a real child process for the
// fuzzer, the crash test and the process-level tests. Resolves once the server listens.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/placeorder.js', import.meta.url));

/**
 * @param {{ db: string, port?: number, args?: string[], env?: Record<string, string>, timeoutMs?: number, bin?: string,
 *   knownError?: (line: string) => string | undefined }} options
 * `bin` is another checkout's bin/placeorder.js (the fuzzer's `--root`); default this one's.
 * `knownError` recognizes error lines of findings already reported (the fuzzer's KNOWN_FINDINGS).
 */
export function startServer(options) {
  const bin = options.bin ?? BIN;
  if (!existsSync(join(dirname(bin), '..', 'dist', 'cli', 'main.js'))) throw new Error('the build is missing: run `npm run build` first');
  const args = ['serve', '--db', options.db, '--port', String(options.port ?? 0), '--host', '127.0.0.1', ...(options.args ?? [])];
  const child = spawn(process.execPath, [bin, ...args], {
    env: { ...process.env, ...(options.env ?? {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  /** @type {string[]} */
  const lines = [];
  // PLACEORDER_SERVER_LOG_FILE keeps every line of the server's log (the fuzzer holds the last
  // few thousand only), to follow a finding's request id through it.
  const logFile = process.env.PLACEORDER_SERVER_LOG_FILE ? createWriteStream(process.env.PLACEORDER_SERVER_LOG_FILE, { flags: 'a' }) : undefined;
  /**
   * Lines at level error or above (pino: 50, 60), counted over the whole run, the first five
   * kept; those `options.knownError` names are counted apart, by name.
   */
  const counts = { errorLines: 0, lines: 0, errorSamples: [], knownErrors: {} };
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
        logFile?.write(`${line}\n`);
        counts.lines++;
        if (/"level":(50|60)[,}]/.test(line)) {
          const known = options.knownError?.(line);
          if (known !== undefined) counts.knownErrors[known] = (counts.knownErrors[known] ?? 0) + 1;
          else if (counts.errorLines++ < 5) counts.errorSamples.push(line.slice(0, 2000));
        }
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
