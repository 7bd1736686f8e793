// What the store costs per order besides the server's own CPU (issue 14), read before and after
// each measured phase by bench/run.mjs: the statements the store sent (the server's counter
// `placeorder_db_round_trips_total` in /metrics, summed over its labels and processes; "n/a"
// when the server has none) and, on PostgreSQL, the CPU of its processes (/proc).
import { postgresCpuDelta, postgresCpuSample } from './machine.mjs';
import { metricTotal } from './servers.mjs';

const ROUND_TRIPS = 'placeorder_db_round_trips_total';

const round2 = (n) => Math.round(n * 100) / 100;
const round3 = (n) => Math.round(n * 1000) / 1000;

/** A reading: round trips so far over every server port, and PostgreSQL's CPU by process. */
export async function storeProbe(ports, dialect, database) {
  const trips = await Promise.all(ports.map((port) => metricTotal(port, ROUND_TRIPS).catch(() => undefined)));
  return {
    roundTrips: trips.some((t) => t === undefined) ? undefined : trips.reduce((a, b) => a + b, 0),
    postgres: dialect === 'postgres' ? postgresCpuSample(database) : undefined,
  };
}

/** Adds to a measured run its round trips and PostgreSQL CPU per order placed. */
export function storeShares(result, before, after) {
  const orders = Math.max(1, result.okAnswers);
  result.dbRoundTripsPerOrder = before.roundTrips === undefined || after.roundTrips === undefined ? 'n/a' : round2((after.roundTrips - before.roundTrips) / orders);
  if (!before.postgres || !after.postgres) return;
  // Every postgres process of the machine, and those less other databases' backends.
  const used = postgresCpuDelta(before.postgres, after.postgres);
  result.postgresCpuMsPerOrder = round3(used.all / orders);
  result.postgresRunCpuMsPerOrder = round3(used.run / orders);
}

export function storeLine(r) {
  const pg = r.postgresCpuMsPerOrder === undefined ? '' : `, PostgreSQL CPU ${r.postgresCpuMsPerOrder} ms (this database's backends and the shared processes: ${r.postgresRunCpuMsPerOrder})`;
  return `per order placed: ${r.dbRoundTripsPerOrder} round trips, server CPU ${(r.serverCpuMicrosPerOrder / 1000).toFixed(3)} ms${pg}`;
}
