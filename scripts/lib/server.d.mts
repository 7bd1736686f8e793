import type { ChildProcess } from 'node:child_process';

export const BIN: string;

export interface ServerProcess {
  readonly child: ChildProcess;
  /** Every line the server wrote (stdout and stderr), so far. */
  readonly lines: string[];
  /**
   * Lines written and lines at level error or above, over the whole run (the first five of those
   * kept); error lines `knownError` names are counted apart, by name.
   */
  readonly counts: { errorLines: number; lines: number; errorSamples: string[]; knownErrors: Record<string, number> };
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  ready(): Promise<string>;
}

export function startServer(options: {
  db: string;
  port?: number;
  args?: string[];
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Another checkout's bin/placeorder.js; default this one's. */
  bin?: string;
  /** The name of the finding already reported that an error line shows, or undefined. */
  knownError?: (line: string) => string | undefined;
}): ServerProcess;
