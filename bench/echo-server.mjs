/* global URLSearchParams, Buffer */
// The yardstick: a bare node:http server that does the least an order endpoint must do — read
// the url-encoded body, parse it into name/value pairs (as placeorder's wire layer does, with
// URLSearchParams), and answer a fixed url-encoded line. No framework, no storage, no logging.
// Usage: node bench/echo-server.mjs PORT   (prints "listening PORT" when ready)
import { createServer } from 'node:http';

const port = Number(process.argv[2] ?? 0);
const ANSWER = 'errorCode=0&orderNumber=1&totalCost=48.99&currency=USD';
const MAX_BODY_BYTES = 64 * 1024;

const server = createServer((req, res) => {
  const chunks = [];
  let size = 0;
  req.on('data', (chunk) => {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  });
  req.on('end', () => {
    const params = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    // Touch the parsed values the way a handler would (first occurrence of each name).
    const seen = new Map();
    for (const [name, value] of params) if (!seen.has(name.toLowerCase())) seen.set(name.toLowerCase(), value);
    const ok = seen.has('ap') && seen.has('1_ppp');
    res.writeHead(200, {
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      'cache-control': 'no-store',
    });
    res.end(ok ? ANSWER : 'errorCode=-3');
  });
});
server.keepAliveTimeout = 5_000;
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
