import type { ChildProcess } from 'node:child_process';

export const BIN: string;

export interface ServerProcess {
  readonly child: ChildProcess;
  /** Every line the server wrote (stdout and stderr), so far. */
  readonly lines: string[];
  /** Lines written and lines at level error or above, over the whole run. */
  readonly counts: { errorLines: number; lines: number };
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  ready(): Promise<string>;
}

export function startServer(options: {
  db: string;
  port?: number;
  args?: string[];
  env?: Record<string, string>;
  timeoutMs?: number;
}): ServerProcess;
