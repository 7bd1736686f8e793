// Real `placeorder` processes for the tests that need more than one: the built CLI
// (bin/placeorder.js → dist/, which `npm test` builds first), spawned on loopback with a cheap
// argon2id, and plain HTTP clients for them. Every wait here is bounded.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/placeorder.js', import.meta.url));

/**
 * The environment of every spawned process: argon2id with tiny cost (the algorithm is real, the
 * wait is not) and the per-process rate limits off, since the tests drive everything from one
 * loopback address on purpose.
 */
export const CHILD_ENV: Readonly<Record<string, string>> = Object.freeze({
  PLACEORDER_ARGON2_MEMORY_KIB: '1024',
  PLACEORDER_ARGON2_TIME_COST: '1',
  PLACEORDER_RATE_ADDRESS_PER_SECOND: '0',
  PLACEORDER_RATE_RESELLER_PER_SECOND: '0',
});

/**
 * The time one test that starts processes may take. Starting Node with the whole build costs
 * about a second on an idle machine and several on a busy two-core CI runner; the tests stay
 * well below this, which only keeps a slow runner from failing them.
 */
export const SPAWN_TIMEOUT_MS = 60_000;

function childEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...CHILD_ENV };
  // The tests say which database a process uses; one inherited from the shell must not leak in.
  delete env.PLACEORDER_DB;
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export function assertBuilt(): void {
  if (!existsSync(fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url)))) {
    throw new Error('dist/ is missing: these tests run the built CLI; run `npm run build` (npm test does)');
  }
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs one CLI command to its end (killed after `timeoutMs`). */
export function runCli(args: string[], env: Record<string, string | undefined> = {}, timeoutMs = 30_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** The JSON log line announcing the listening address. */
  readonly listening: Record<string, unknown>;
  /** The last lines the process wrote (stdout and stderr), for failure messages. */
  readonly output: string[];
  readonly exited: Promise<number | null>;
  /** SIGTERM and wait for the exit (SIGKILL after `timeoutMs`). */
  stop(timeoutMs?: number): Promise<number | null>;
}

/**
 * Starts `placeorder serve --allow-http --db … --port 0` on loopback and resolves once its
 * "listening" line is out; rejects with its output if it exits first or takes longer than
 * `timeoutMs`. With `db` undefined no --db is passed (the environment or the default decides).
 */
export function startServer(
  db: string | undefined,
  extraArgs: string[] = [],
  env: Record<string, string | undefined> = {},
  timeoutMs = 30_000,
): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--allow-http', '--host', '127.0.0.1', '--port', '0', ...(db === undefined ? [] : ['--db', db]), ...extraArgs],
    { cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output: string[] = [];
  const keep = (line: string) => {
    output.push(line);
    if (output.length > 200) output.shift();
  };
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return new Promise<ServerProcess>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      child.kill('SIGKILL');
      reject(new Error(`serve did not start within ${timeoutMs} ms:\n${output.join('\n')}`));
    }, timeoutMs);
    const lines = (stream: NodeJS.ReadableStream, onLine: (l: string) => void) => {
      let buf = '';
      stream.on('data', (d: Buffer) => {
        buf += d.toString();
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          onLine(buf.slice(0, i));
          buf = buf.slice(i + 1);
        }
      });
    };
    lines(child.stderr!, keep);
    lines(child.stdout!, (line) => {
      keep(line);
      if (settled) return;
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      if (typeof entry.msg === 'string' && entry.msg.includes('listening') && typeof entry.url === 'string') {
        settled = true;
        clearTimeout(timer);
        resolve({
          child,
          pid: child.pid!,
          url: entry.url,
          listening: entry,
          output,
          exited,
          async stop(stopTimeoutMs = 15_000) {
            if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
            child.kill('SIGTERM');
            const t = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
            const code = await exited;
            clearTimeout(t);
            return code;
          },
        });
      }
    });
    void exited.then((code) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new Error(`serve exited with ${String(code)} before listening:\n${output.join('\n')}`));
    });
  });
}

export interface HttpAnswer {
  status: number;
  answer: Record<string, string>;
}

/** POSTs url-encoded parameters to an endpoint of a running server (loopback only). */
export async function postTo(
  baseUrl: string,
  endpoint: string,
  params: Record<string, string>,
  timeoutMs = 20_000,
): Promise<HttpAnswer> {
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(baseUrl)) throw new Error(`not a loopback server: ${baseUrl}`);
  const res = await fetch(`${baseUrl}/products/!${endpoint}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
    redirect: 'manual',
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = await res.text();
  const answer: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(body)) if (!(k in answer)) answer[k] = v;
  return { status: res.status, answer };
}
