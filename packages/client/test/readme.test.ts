// The package compiles for browsers (DOM library, no Node types) and every ```ts example of
// its README type-checks against the package's real exports.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const pkg = fileURLToPath(new URL('../', import.meta.url));

const browserOptions: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
  types: [],
  strict: true,
  noUncheckedIndexedAccess: true,
  noEmit: true,
  skipLibCheck: true,
};

function diagnostics(files: string[], options: ts.CompilerOptions): string[] {
  const program = ts.createProgram(files, options);
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => `${d.file ? `${d.file.fileName}: ` : ''}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

describe('@placeorder/client type-checks', () => {
  it('compiles with the DOM library and without Node types (browser-safe)', () => {
    expect(diagnostics([join(pkg, 'src/index.ts')], browserOptions)).toEqual([]);
  });

  it('every README example compiles against the package', () => {
    const readme = readFileSync(join(pkg, 'README.md'), 'utf8');
    const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks.length).toBeGreaterThanOrEqual(5);
    const dir = mkdtempSync(join(tmpdir(), 'client-readme-'));
    try {
      writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
      const files = blocks.map((code, i) => {
        const file = join(dir, `example-${i + 1}.ts`);
        // Top-level await needs a module; each example is one.
        writeFileSync(file, `${code}\nexport {};\n`);
        return file;
      });
      const errors = diagnostics(files, {
        ...browserOptions,
        baseUrl: dir,
        paths: { '@placeorder/client': [join(pkg, 'src/index.ts')] },
      });
      expect(errors).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a README example with a type error would be caught', () => {
    const dir = mkdtempSync(join(tmpdir(), 'client-readme-'));
    try {
      writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
      const file = join(dir, 'bad.ts');
      writeFileSync(file, "import { PlaceOrderClient } from '@placeorder/client';\nnew PlaceOrderClient({ baseUrl: 1 });\nexport {};\n");
      const errors = diagnostics([file], { ...browserOptions, baseUrl: dir, paths: { '@placeorder/client': [join(pkg, 'src/index.ts')] } });
      expect(errors.length).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
