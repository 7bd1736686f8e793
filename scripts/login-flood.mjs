#!/usr/bin/env node
// `node scripts/login-flood.mjs [--requests 5000 --concurrency 500]`: a login flood against a
// real server process with production argon2id cost (19 MiB, t=2): one customer, thousands of
// wrong-password returning-customer orders at once. Prints the answers by errorCode, the largest
// hash queue depth and the server's resident memory, sampled from /metrics while it lasts.
// Results: docs/reliability.md ("Slow and large clients").
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { URLSearchParams } from 'node:url';
import { parseArgs } from 'node:util';
import { startServer } from './lib/server.mjs';

function post(agent, base, params) {
  const url = new URL(`${base}/products/!PlaceOrder`);
  const body = new URLSearchParams(params).toString();
  return new Promise((resolve) => {
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      (res) => {
        let data = '';
        res.on('data', (d) => (data += d));
        res.on('end', () => resolve(/^errorCode=(-?\d+)/.exec(data)?.[1] ?? 'none'));
      },
    );
    req.on('error', (e) => resolve(`transport:${e.code}`));
    req.end(body);
  });
}

async function metrics(base) {
  const text = await (await globalThis.fetch(`${base}/metrics`)).text();
  const get = (name) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1] ?? NaN);
  return { rss: get('process_resident_memory_bytes'), depth: get('placeorder_hash_queue_depth') };
}

const { values } = parseArgs({ options: { requests: { type: 'string' }, concurrency: { type: 'string' } } });
const total = Number(values.requests ?? 5000);
const concurrency = Number(values.concurrency ?? 500);
const dir = mkdtempSync(join(tmpdir(), 'placeorder-flood-'));
const server = startServer({
  db: join(dir, 'flood.db'),
  args: ['--demo', '--allow-http', '--log-level', 'info'],
  env: { PLACEORDER_RATE_ADDRESS_PER_SECOND: '0', PLACEORDER_RATE_RESELLER_PER_SECOND: '0' },
});
const base = await server.ready();
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
const order = { ap: 'resellerbrand', reseller: 'Y', emailAddress: 'flood@example.com', name: 'Flood Target', '1_PPP': '9974' };
const created = await post(agent, base, { ...order, loginName: 'flood-target', loginPassword: 'the-right-one', isReturningCustomer: 'N' });
const before = await metrics(base);
let maxRss = before.rss;
let maxDepth = 0;
let sampling = true;
let samplesLost = 0;
const sampler = (async () => {
  while (sampling) {
    try {
      const m = await metrics(base);
      maxRss = Math.max(maxRss, m.rss);
      maxDepth = Math.max(maxDepth, m.depth);
    } catch {
      samplesLost++; // a full accept queue can refuse the sampler's connection too
    }
    await sleep(100);
  }
})();
const codes = {};
let next = 0;
const started = Date.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < total) {
      const i = next++;
      const code = await post(agent, base, { ...order, loginName: 'flood-target', loginPassword: `guess-${i}`, isReturningCustomer: 'Y' });
      codes[code] = (codes[code] ?? 0) + 1;
    }
  }),
);
sampling = false;
await sampler;
const after = await metrics(base);
agent.destroy();
server.child.kill('SIGTERM');
await server.exited;
rmSync(dir, { recursive: true, force: true });
const mib = (b) => Math.round(b / 2 ** 20);
process.stdout.write(
  `${JSON.stringify({ created, requests: total, concurrency, seconds: (Date.now() - started) / 1000, codes, maxHashDepth: maxDepth, samplesLost, rssMiB: { before: mib(before.rss), max: mib(maxRss), after: mib(after.rss) } }, null, 2)}\n`,
);
