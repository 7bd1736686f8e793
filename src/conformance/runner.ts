// Runs the conformance checks one after another (they share one server and brand) and reports
// one line per check. Used by `placeorder conformance` and by the tests.
import { randomBytes } from 'node:crypto';
import { PLACE_ORDER_CHECKS } from './checks.js';
import { CheckFailure, type Check, type SuiteOptions } from './kit.js';
import { RESELLER_CHECKS } from './reseller-checks.js';
import type { FetchLike } from './http.js';

export interface RunOptions {
  readonly url: string;
  readonly ap: string;
  readonly login?: string | undefined;
  readonly password?: string | undefined;
  readonly fetch?: FetchLike;
  readonly timeoutMs?: number;
  /** Only the checks whose id is listed (all when absent). */
  readonly only?: readonly string[];
}

export interface CheckResult {
  readonly id: string;
  readonly rule: string;
  readonly ok: boolean;
  readonly detail?: string;
  readonly ms: number;
}

export interface RunReport {
  readonly results: readonly CheckResult[];
  readonly passed: number;
  readonly failed: number;
}

export function checksFor(options: Pick<RunOptions, 'login' | 'password' | 'only'>): Check[] {
  const all = [...PLACE_ORDER_CHECKS, ...(options.login && options.password ? RESELLER_CHECKS : [])];
  return options.only ? all.filter((c) => options.only!.includes(c.id)) : all;
}

export async function runConformance(options: RunOptions, onResult: (r: CheckResult) => void = () => {}): Promise<RunReport> {
  const suite: SuiteOptions = {
    target: {
      baseUrl: options.url.replace(/\/+$/, ''),
      fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
      timeoutMs: options.timeoutMs ?? 15_000,
    },
    ap: options.ap,
    login: options.login,
    password: options.password,
    runId: `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`,
  };
  const results: CheckResult[] = [];
  for (const check of checksFor(options)) {
    const started = Date.now();
    let result: CheckResult;
    try {
      await check.run(suite);
      result = { id: check.id, rule: check.rule, ok: true, ms: Date.now() - started };
    } catch (error) {
      const detail = error instanceof CheckFailure ? error.message : `could not run: ${(error as Error).message ?? String(error)}`;
      result = { id: check.id, rule: check.rule, ok: false, detail, ms: Date.now() - started };
    }
    results.push(result);
    onResult(result);
  }
  const passed = results.filter((r) => r.ok).length;
  return { results, passed, failed: results.length - passed };
}

export function formatResult(r: CheckResult): string {
  return `${r.ok ? 'pass' : 'FAIL'}  ${r.id.padEnd(28)} ${r.rule}${r.ok ? '' : ` — ${r.detail}`}`;
}

export function formatSummary(report: RunReport): string {
  return `${report.results.length} checks: ${report.passed} passed, ${report.failed} failed`;
}
