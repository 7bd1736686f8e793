#!/usr/bin/env node
// `npm run bench`: the benchmark harness lives in bench/ (see bench/run.mjs and docs/benchmarks.md).
await import('../bench/run.mjs');
