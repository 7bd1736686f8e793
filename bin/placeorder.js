#!/usr/bin/env node
// Launcher: runs the built CLI (npm ci builds it through the `prepare` script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
if (!existsSync(main)) {
  process.stderr.write('placeorder: the build is missing; run `npm run build` (npm ci does it for you)\n');
  process.exit(1);
}
// A reader that stops early (`placeorder catalog list | head`) closes the pipe: the output
// ends there, as for any Unix tool, without a stack trace (outside attack on issue 14).
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});
const { run } = await import(main);
process.exitCode = await run(process.argv.slice(2));
