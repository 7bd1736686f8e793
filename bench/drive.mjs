// One load generator in its own process (so two of them can drive two servers in parallel):
// autocannon POSTs the same url-encoded body on N keep-alive connections for D seconds and
// counts every answer that is not `errorCode=0&…` as a mismatch. Prints one JSON line.
// Usage: node bench/drive.mjs URL CONNECTIONS SECONDS BODY [RATE]
// With RATE, at most that many requests per second in all (a light background load,
// bench/latency.mjs); without it, as fast as the server answers.
import autocannon from 'autocannon';

const [url, connections, seconds, body, rate] = process.argv.slice(2);
if (!url || !connections || !seconds || body === undefined) {
  process.stderr.write('usage: node bench/drive.mjs URL CONNECTIONS SECONDS BODY\n');
  process.exit(2);
}

const cpuBefore = process.cpuUsage();
const result = await autocannon({
  url,
  method: 'POST',
  connections: Number(connections),
  duration: Number(seconds),
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body,
  timeout: 10,
  verifyBody: (text) => typeof text === 'string' && text.startsWith('errorCode=0&'),
  ...(rate ? { overallRate: Number(rate) } : {}),
});

const cpu = process.cpuUsage(cpuBefore);
process.stdout.write(
  JSON.stringify({
    // The generator's own CPU time over the run: on a small machine it competes with the server.
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    url,
    connections: result.connections,
    seconds: result.duration,
    requestsTotal: result.requests.total,
    requestsPerSecond: result.requests.average,
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    ok2xx: result['2xx'],
    non2xx: result.non2xx,
    mismatches: result.mismatches,
    errors: result.errors,
    timeouts: result.timeouts,
  }) + '\n',
);
