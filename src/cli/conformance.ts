// `placeorder conformance`: runs the conformance checks against any server speaking this API and
// prints one line per check and a summary; exit code 1 when any check fails.
import { checksFor, formatResult, formatSummary, runConformance } from '../conformance/runner.js';
import { CliError, parseFlags, requireFlag, type Io } from './common.js';

export async function conformanceCommand(args: string[], io: Io): Promise<number> {
  const { values, usage } = parseFlags(args, ['conformance']);
  const login = values.login as string | undefined;
  const password = values.password as string | undefined;
  if ((login === undefined) !== (password === undefined)) throw new CliError(`--login and --password go together\nusage: ${usage}`);
  if (values.list) {
    for (const c of checksFor({ login: 'x', password: 'x' })) io.out(`${c.id.padEnd(28)} ${c.rule}`);
    return 0;
  }
  const url = requireFlag(values.url as string | undefined, 'url', usage);
  if (!/^https?:\/\/[^/]/i.test(url)) throw new CliError(`--url must be an http(s) URL like https://secure.example.com, got "${url}"`);
  const ap = requireFlag(values.ap as string | undefined, 'ap', usage);
  const timeoutText = values['timeout-ms'] as string | undefined;
  const timeoutMs = timeoutText === undefined ? undefined : Number(timeoutText);
  if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs >= 100 && timeoutMs <= 600_000)) {
    throw new CliError(`--timeout-ms must be a whole number from 100 to 600000, got "${timeoutText}"`);
  }
  const only = values.check as string[] | undefined;
  if (only) {
    const known = new Set(checksFor({ login, password }).map((c) => c.id));
    const unknown = only.filter((id) => !known.has(id));
    if (unknown.length > 0) throw new CliError(`unknown check ${unknown.join(', ')} (see --list)`);
  }
  if (login === undefined) io.out('note: without --login/--password the reseller endpoint checks are skipped');
  const report = await runConformance(
    { url, ap, login, password, ...(timeoutMs !== undefined ? { timeoutMs } : {}), ...(only ? { only } : {}) },
    (r) => io.out(formatResult(r)),
  );
  io.out(formatSummary(report));
  return report.failed === 0 ? 0 : 1;
}
