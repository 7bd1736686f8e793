// Prometheus text exposition (format 0.0.4), written by hand: a few counters, one histogram
// and gauges need no client library. Label values are bounded: endpoints are route patterns
// (or `unmatched`), error codes come from the closed catalog.

/** Seconds. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

export class Metrics {
  private readonly requests = new Map<string, number>();
  private readonly latency = new Map<string, Histogram>();
  ordersPlaced = 0;

  observe(endpoint: string, errorCode: number | undefined, seconds: number): void {
    const key = `${endpoint}\u0000${errorCode ?? 'none'}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    let h = this.latency.get(endpoint);
    if (!h) this.latency.set(endpoint, (h = { counts: LATENCY_BUCKETS.map(() => 0), sum: 0, count: 0 }));
    LATENCY_BUCKETS.forEach((le, i) => {
      if (seconds <= le) h.counts[i]!++;
    });
    h.sum += seconds;
    h.count++;
  }

  requestCount(endpoint: string, errorCode: number): number {
    return this.requests.get(`${endpoint}\u0000${errorCode}`) ?? 0;
  }

  /** The exposition text; `gauges` are sampled by the caller at scrape time. */
  render(
    gauges: ReadonlyArray<{ name: string; help: string; type: 'gauge' | 'counter'; value: number }>,
    proofs: ReadonlyMap<string, number> = new Map(),
  ): string {
    const out: string[] = [];
    out.push('# HELP placeorder_password_proofs_total Password proofs by realm and outcome (a rising "wrong" or "locked" is guessing).');
    out.push('# TYPE placeorder_password_proofs_total counter');
    for (const [key, n] of [...proofs].sort()) {
      const [realm, outcome] = key.split('\u0000');
      out.push(`placeorder_password_proofs_total{realm="${esc(realm!)}",outcome="${esc(outcome!)}"} ${n}`);
    }
    out.push('# HELP placeorder_requests_total Answers given, by endpoint and errorCode.');
    out.push('# TYPE placeorder_requests_total counter');
    for (const [key, n] of [...this.requests].sort()) {
      const [endpoint, code] = key.split('\u0000');
      out.push(`placeorder_requests_total{endpoint="${esc(endpoint!)}",errorCode="${code}"} ${n}`);
    }
    out.push('# HELP placeorder_request_duration_seconds Time from request to answer, by endpoint.');
    out.push('# TYPE placeorder_request_duration_seconds histogram');
    for (const [endpoint, h] of [...this.latency].sort()) {
      const l = `endpoint="${esc(endpoint)}"`;
      LATENCY_BUCKETS.forEach((le, i) => out.push(`placeorder_request_duration_seconds_bucket{${l},le="${le}"} ${h.counts[i]}`));
      out.push(`placeorder_request_duration_seconds_bucket{${l},le="+Inf"} ${h.count}`);
      out.push(`placeorder_request_duration_seconds_sum{${l}} ${h.sum}`);
      out.push(`placeorder_request_duration_seconds_count{${l}} ${h.count}`);
    }
    out.push('# HELP placeorder_orders_placed_total Orders placed by this process (errorCode=0 on !PlaceOrder, replays excluded).');
    out.push('# TYPE placeorder_orders_placed_total counter');
    out.push(`placeorder_orders_placed_total ${this.ordersPlaced}`);
    for (const g of gauges) {
      out.push(`# HELP ${g.name} ${g.help}`);
      out.push(`# TYPE ${g.name} ${g.type}`);
      out.push(`${g.name} ${g.value}`);
    }
    return out.join('\n') + '\n';
  }
}

function esc(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
