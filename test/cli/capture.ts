// Runs the CLI in-process through its own entry point (`run`), capturing what it prints.
import { run } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/common.js';

export interface Captured {
  code: number;
  out: string;
  err: string;
}

export async function cli(args: string[]): Promise<Captured> {
  let out = '';
  let err = '';
  const io: Io = { out: (t) => void (out += t.endsWith('\n') ? t : t + '\n'), err: (t) => void (err += t.endsWith('\n') ? t : t + '\n') };
  const code = await run(args, io);
  return { code, out, err };
}

/** An Io for calling `run` directly that keeps each printed text as one element of `out` or `err`. */
export function captureLines(): { io: Io; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) }, out, err };
}
