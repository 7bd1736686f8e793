/* global Buffer, setInterval, clearInterval */
// A minimal HTTP/1.1 client for the mixed workload's load generator (bench/mixed-drive.mjs): one
// keep-alive socket per connection, one request at a time, answers read by Content-Length (every
// answer of placeorder carries one) or chunked (the echo's). A per-request body drawn at random, and an
// authorization that depends on an earlier answer, are awkward in autocannon (its `requests`
// array runs in a fixed order per connection); node:http's client would add an agent and a
// full parser per request on the two cores the server uses. The generator's own CPU per request
// is reported beside the server's.
import { connect } from 'node:net';

/** No answer within this long: the socket is destroyed and the request counted as a timeout. */
const TIMEOUT_MS = 10_000;

export class TimeoutError extends Error {
  name = 'TimeoutError';
}

export class HttpConnection {
  constructor(port) {
    this.port = port;
    this.socket = undefined;
    this.buffer = Buffer.alloc(0);
    this.pending = undefined;
    this.startedAt = 0;
  }

  /** POSTs a url-encoded (ASCII) body; resolves { status, text }. */
  post(path, body) {
    if (this.pending) throw new Error('one request at a time per connection');
    if (!this.socket) this.open();
    const head = `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${this.port}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n`;
    this.startedAt = Date.now();
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject, need: -1, status: 0, chunks: undefined };
      this.socket.write(head + body, 'latin1');
    });
  }

  open() {
    const socket = connect({ port: this.port, host: '127.0.0.1', noDelay: true });
    socket.on('data', (chunk) => this.onData(chunk));
    const lost = (error) => this.lost(socket, error ?? new Error('the server closed the connection'));
    socket.on('error', lost);
    socket.on('close', () => lost());
    this.socket = socket;
    this.buffer = Buffer.alloc(0);
  }

  lost(socket, error) {
    if (socket !== this.socket) return;
    this.socket = undefined;
    const p = this.pending;
    this.pending = undefined;
    p?.reject(error);
  }

  onData(chunk) {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const p = this.pending;
    if (!p) return;
    if (p.need < 0 && !p.chunks) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = this.buffer.toString('latin1', 0, end);
      p.status = Number(head.slice(9, 12));
      this.buffer = this.buffer.subarray(end + 4);
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      if (length) p.need = Number(length[1]);
      else if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) p.chunks = [];
      else return this.socket.destroy(new Error(`an answer without a length: ${head.slice(0, 200)}`));
    }
    const text = p.chunks ? this.chunked(p) : this.sized(p);
    if (text === undefined) return;
    this.pending = undefined;
    p.resolve({ status: p.status, text });
  }

  /** The body once `need` bytes are in. */
  sized(p) {
    if (this.buffer.length < p.need) return undefined;
    const text = this.buffer.toString('utf8', 0, p.need);
    this.buffer = this.buffer.subarray(p.need);
    return text;
  }

  /** The body once its last chunk is in (node:http's server without a Content-Length: the echo). */
  chunked(p) {
    for (;;) {
      const line = this.buffer.indexOf('\r\n');
      if (line < 0) return undefined;
      const size = parseInt(this.buffer.toString('latin1', 0, line), 16);
      if (this.buffer.length < line + 2 + size + 2) return undefined;
      if (size === 0) {
        this.buffer = this.buffer.subarray(line + 4);
        return Buffer.concat(p.chunks).toString('utf8');
      }
      p.chunks.push(this.buffer.subarray(line + 2, line + 2 + size));
      this.buffer = this.buffer.subarray(line + 2 + size + 2);
    }
  }

  /** Destroys the socket of a request that has waited too long (called from a timer). */
  expire(now) {
    if (this.pending && now - this.startedAt > TIMEOUT_MS) this.socket?.destroy(new TimeoutError('no answer within 10 s'));
  }

  close() {
    this.socket?.end();
    this.socket = undefined;
  }
}

/** Checks every connection's wait once a second; returns a stop function. */
export function watchTimeouts(connections) {
  const timer = setInterval(() => {
    const now = Date.now();
    for (const c of connections) c.expire(now);
  }, 1000);
  return () => clearInterval(timer);
}

/** Latencies in 0.1 ms steps up to 10 s (the timeout), for percentiles without keeping every sample. */
export class LatencyHistogram {
  constructor() {
    this.counts = new Uint32Array(100_001);
    this.total = 0;
    this.maxMs = 0;
  }

  add(ms) {
    this.counts[Math.min(100_000, Math.round(ms * 10))]++;
    this.total++;
    if (ms > this.maxMs) this.maxMs = ms;
  }

  percentile(p) {
    let seen = 0;
    const want = Math.ceil(this.total * p);
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i];
      if (seen >= want && seen > 0) return i / 10;
    }
    return 0;
  }

  summary() {
    return { p50: this.percentile(0.5), p90: this.percentile(0.9), p99: this.percentile(0.99), max: Math.round(this.maxMs * 10) / 10 };
  }
}
