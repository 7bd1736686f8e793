// `npm run gen`: rewrites every generated file from the code (see generate.ts).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generatedFiles } from './generate.js';

// dist/openapi/gen.js (or src/openapi/gen.ts) → the repository root.
const root = new URL('../../', import.meta.url);
for (const file of generatedFiles()) {
  writeFileSync(fileURLToPath(new URL(file.path, root)), file.content);
  console.log(`wrote ${file.path}`);
}
