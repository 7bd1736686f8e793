// Summarizes a V8 CPU profile (`node --cpu-prof`) of `placeorder serve` under load: where the
// busy time goes, by component and by function (self time; idle time left out).
// Usage: node bench/profile-summary.mjs FILE.cpuprofile [TOP]
import { readFileSync } from 'node:fs';

const [file, topText] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/profile-summary.mjs FILE.cpuprofile [TOP]');
  process.exit(2);
}
const top = Number(topText ?? 15);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));

/** Which part of the system a frame belongs to. */
function component(frame) {
  const url = frame.url;
  const fn = frame.functionName;
  // Kysely's SQLite driver calls into better-sqlite3's native run/all: that self time is SQLite
  // itself (statement execution, and the fsync of a commit).
  if (url.includes('sqlite-driver') && fn === 'executeQuery') return 'SQLite (native: statements, commit fsync)';
  if (url.includes('better-sqlite3')) return 'better-sqlite3 (JS)';
  if (url.includes('/pg/') || url.includes('/pg-protocol/') || url.includes('/pg-pool/')) return 'pg driver';
  if (url.includes('/kysely/')) return 'Kysely (query building, compiling, executor)';
  if (/\/(fastify|find-my-way|avvio|light-my-request|@fastify)\//.test(url)) return 'Fastify';
  if (/\/(pino|sonic-boom|thread-stream)\//.test(url)) return 'logging (pino)';
  // Native writes: log lines, HTTP answers, and (on PostgreSQL) every query sent.
  if (fn === 'writeString' || fn === 'writev' || fn === 'writeBuffer') return 'native writes (log, sockets)';
  if (url.includes('/dist/')) return `placeorder: ${url.split('/dist/')[1].split('/')[0].replace(/\.js$/, '')}`;
  if (url.startsWith('node:internal/crypto') || fn === 'Hmac' || fn === 'digest' || fn === 'randomFillSync') return 'crypto (HMAC, request ids)';
  if (/^node:(_http|http|net|internal\/http|internal\/streams|internal\/stream_base|events)/.test(url)) return 'node http, net, streams';
  if (url.includes('modules/') || url.includes('loader') || fn.startsWith('compile')) return 'module loading (start-up)';
  if (fn === '(garbage collector)') return 'garbage collector';
  return fn === '(program)' ? 'V8 (program)' : 'other';
}

const byComponent = new Map();
const byFunction = new Map();
let busy = 0;
let idle = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const frame = nodes.get(profile.samples[i]).callFrame;
  if (frame.functionName === '(idle)') {
    idle += profile.timeDeltas[i] ?? 0;
    continue;
  }
  const dt = profile.timeDeltas[i] ?? 0;
  busy += dt;
  const c = component(frame);
  byComponent.set(c, (byComponent.get(c) ?? 0) + dt);
  const f = `${frame.functionName || '(anonymous)'} ${frame.url.split('/').slice(-2).join('/')}:${frame.lineNumber + 1}`;
  byFunction.set(f, (byFunction.get(f) ?? 0) + dt);
}
const pct = (v) => `${((v / busy) * 100).toFixed(1).padStart(5)}%`;
console.log(`busy time ${(busy / 1e6).toFixed(2)} s, idle (waiting for I/O) ${(idle / 1e6).toFixed(2)} s`);
console.log('by component:');
for (const [k, v] of [...byComponent].sort((a, b) => b[1] - a[1])) console.log(`  ${pct(v)}  ${k}`);
console.log(`top ${top} functions (self time):`);
for (const [k, v] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(v)}  ${k}`);
