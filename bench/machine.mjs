/* global Buffer */
// What the benchmark reads of the machine and its processes, from /proc (Linux): CPU time per
// process and thread, how busy the whole machine was, resident memory, the disk's fsync
// latency, the load average. Split out of bench/run.mjs.
import { closeSync, fsyncSync, openSync, readFileSync, readdirSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

const round3 = (n) => Math.round(n * 1000) / 1000;

/**
 * CPU time (user + system) a process has used so far, in milliseconds, from /proc (Linux; the
 * clock tick is 10 ms). Throughput depends on what else runs on the machine; CPU time per
 * request much less so, which makes it the figure to compare across runs.
 */
export function cpuMs(pid, path = `/proc/${pid}/stat`) {
  try {
    const stat = readFileSync(path, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

/** The machine's CPU time so far (all cores), busy and total, in clock ticks, from /proc/stat. */
export function machineTicks() {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
    const total = fields.reduce((a, b) => a + b, 0);
    // idle and iowait are the second and third from the fourth field on.
    return { busy: total - fields[3] - fields[4], total };
  } catch {
    return { busy: NaN, total: NaN };
  }
}

/** The same for a process's main thread alone (its thread id is the process id). */
export const mainThreadCpuMs = (pid) => cpuMs(pid, `/proc/${pid}/task/${pid}/stat`);

/** CPU time of each of a process's threads, by thread id (Node names them all "node"). */
export function threadCpuMs(pid) {
  const byThread = new Map();
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) byThread.set(tid, cpuMs(pid, `/proc/${pid}/task/${tid}/stat`));
  } catch {
    // Not Linux, or the process ended: no breakdown.
  }
  return byThread;
}

/** Per-request CPU of the threads that used any, busiest first (µs). */
export function threadShares(before, after, answered) {
  return [...after]
    .map(([tid, ms]) => (ms - (before.get(tid) ?? 0)) * 1000 / Math.max(1, answered))
    .filter((us) => us >= 1)
    .sort((a, b) => b - a)
    .map(Math.round);
}

export function machine() {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    totalMemoryMiB: Math.round(os.totalmem() / 1024 / 1024),
    platform: `${os.platform()} ${os.release()}`,
    node: process.version,
  };
}

/**
 * How long one durable write takes on the disk the database lives on (median and p90 of 30
 * write+fsync of 4 KiB): the floor under every SQLite commit, which runs on the event loop.
 */
export function fsyncLatencyMs(dir) {
  const file = join(dir, 'fsync-probe');
  const fd = openSync(file, 'w');
  const page = Buffer.alloc(4096, 1);
  const times = [];
  try {
    for (let i = 0; i < 30; i++) {
      const t = process.hrtime.bigint();
      writeSync(fd, page, 0, page.length, 0);
      fsyncSync(fd);
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
  } finally {
    closeSync(fd);
    rmSync(file, { force: true });
  }
  times.sort((a, b) => a - b);
  return { p50: round3(times[15]), p90: round3(times[27]) };
}

export const loadAverage = () => os.loadavg().map((n) => Math.round(n * 100) / 100);

/** Resident memory of a process now, in MiB (VmRSS), or NaN once it is gone. */
export function rssMiB(pid) {
  try {
    const m = /VmRSS:\s+([0-9]+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/**
 * CPU time (ms) of PostgreSQL's processes on this machine so far, by process id: every process
 * whose command is postgres (backends, walwriter, checkpointer, autovacuum…), each marked `ours`
 * unless it is a backend (or autovacuum worker) of another database than `database`: other
 * sessions' tests on the same server.
 */
export function postgresCpuSample(database) {
  const sample = new Map();
  let names;
  try {
    names = readdirSync('/proc').filter((name) => /^[0-9]+$/.test(name));
  } catch {
    return sample;
  }
  for (const pid of names) {
    let cmd;
    try {
      if (!readFileSync(`/proc/${pid}/stat`, 'utf8').includes('(postgres)')) continue;
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    } catch {
      continue;
    }
    const ms = cpuMs(pid, `/proc/${pid}/stat`);
    if (!Number.isFinite(ms)) continue;
    // "postgres: 15/main: USER DATABASE HOST(PORT) STATE" for a backend; background processes name themselves.
    const db = /^postgres: (?:\S+: )?\S+ (\S+) (?:\S+\([0-9]+\)|\[local\])/.exec(cmd)?.[1] ?? /autovacuum worker (\S+)/.exec(cmd)?.[1];
    sample.set(pid, { ms, ours: db === undefined || db === database });
  }
  return sample;
}

/**
 * PostgreSQL's CPU between two samples (ms): `all` its processes, `run` those marked ours. A
 * process that started in between counts whole; one that ended takes its time with it (short
 * autovacuum workers, other sessions' connections): the figures are floors.
 */
export function postgresCpuDelta(before, after) {
  let all = 0;
  let run = 0;
  for (const [pid, { ms, ours }] of after) {
    const used = ms - (before.get(pid)?.ms ?? 0);
    all += used;
    if (ours) run += used;
  }
  return { all, run };
}
