// Limits on size (issue 18; STYLE.md: "functions shorter than a screen, files under 300 lines"):
// no source file in src/ over 300 lines and no function over 80, the migrations aside (each is
// one schema step, read once). Functions are found with the TypeScript compiler's own parser, so
// arrow functions, methods and nested functions all count, each with its full extent.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '../../src');
const MAX_FILE_LINES = 300;
const MAX_FUNCTION_LINES = 80;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return path === join(SRC, 'db/migrations') ? [] : sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

function lineCount(text: string): number {
  return text.endsWith('\n') ? text.split('\n').length - 1 : text.split('\n').length;
}

interface Sized {
  readonly where: string;
  readonly lines: number;
}

/** Every function-like node of a file with its length in lines, first line to last. */
export function functionsOf(fileName: string, text: string): Sized[] {
  const file = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const out: Sized[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body !== undefined) {
      const first = file.getLineAndCharacterOfPosition(node.getStart(file)).line;
      const last = file.getLineAndCharacterOfPosition(node.getEnd()).line;
      const name = node.name && ts.isIdentifier(node.name) ? node.name.text : '(anonymous)';
      out.push({ where: `${fileName}:${first + 1} ${name}`, lines: last - first + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return out;
}

describe('sizes of src/ (outside the migrations)', () => {
  const files = sourceFiles(SRC).map((path) => ({ rel: relative(SRC, path), text: readFileSync(path, 'utf8') }));

  it('reads the sources and finds their functions (the scan can fail)', () => {
    expect(files.length).toBeGreaterThan(100);
    const planted = functionsOf('planted.ts', `const f = () => {\n${'  x();\n'.repeat(MAX_FUNCTION_LINES)}};\n`);
    expect(planted).toEqual([{ where: 'planted.ts:1 (anonymous)', lines: MAX_FUNCTION_LINES + 2 }]);
  });

  it(`has no file over ${MAX_FILE_LINES} lines`, () => {
    const long = files.filter((f) => lineCount(f.text) > MAX_FILE_LINES).map((f) => `${f.rel}: ${lineCount(f.text)}`);
    expect(long).toEqual([]);
  });

  it(`has no function over ${MAX_FUNCTION_LINES} lines`, () => {
    const long = files
      .flatMap((f) => functionsOf(f.rel, f.text))
      .filter((f) => f.lines > MAX_FUNCTION_LINES)
      .map((f) => `${f.where}: ${f.lines}`);
    expect(long).toEqual([]);
  });
});
