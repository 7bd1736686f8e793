import type { ChildProcess } from 'node:child_process';

export const BIN: string;

export interface ServerProcess {
  readonly child: ChildProcess;
  /** Every line the server wrote (stdout and stderr), so far. */
  readonly lines: string[];
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
