// The README's runnable blocks (each marked `<!-- readme-test: esm -->` or `cjs` above its
// fence) run as copied against the built package (dist/, resolved as `logitkit` through a
// node_modules link in a scratch folder), in child processes, under this process's
// environment (so the CI run with LOGITKIT_BACKEND=js checks the reference too). Every
// `// → …` comment sits on a console.log line, and the numbers it shows are what that line
// prints, to the digits shown. The README also introduces every public export.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import * as lk from '../lib/index.js';

const root = join(__dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const hasDist = existsSync(join(root, 'dist', 'index.cjs')) && existsSync(join(root, 'dist', 'index.js'));

interface Block { kind: 'esm' | 'cjs'; code: string; line: number }
const blocks: Block[] = [];
for (const m of readme.matchAll(/<!-- readme-test: (esm|cjs) -->\n```js\n([\s\S]*?)```/g)) {
  blocks.push({ kind: m[1] as 'esm' | 'cjs', code: m[2], line: readme.slice(0, m.index).split('\n').length + 2 });
}

const NUMBER = /-?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?|-?Infinity|NaN/gi;
/** The numbers a printed value or a comment shows, leaving out typed-array lengths ("Float32Array(6)"). */
const numbers = (s: string): string[] => s.replace(/\b\w+Array\(\d+\)/g, '').match(NUMBER) ?? [];
/** Half a unit in the last place shown: "0.0900" → 5e-5, "1e30" → 5e29, "2" → 0.5. */
function tolerance(shown: string): number {
  const [mant, exp] = shown.toLowerCase().split('e');
  const decimals = mant.includes('.') ? mant.split('.')[1].length : 0;
  return 0.5 * 10 ** (-decimals) * 10 ** Number(exp ?? 0);
}

/** The expected output of each console.log line, in order; throws on a `→` away from one. */
function expectations(code: string): string[] {
  const out: string[] = [];
  for (const line of code.split('\n')) {
    const i = line.indexOf('// →');
    if (i < 0) continue;
    if (!line.includes('console.log(')) throw new Error(`a "→" value on a line that prints nothing: ${line.trim()}`);
    // the numbers before a parenthesised remark: "→ [1, 1] (the same …)"
    out.push(line.slice(i + 4).replace(/\s\(.*\)\s*$/, ''));
  }
  return out;
}

describe.skipIf(!hasDist)('README blocks run as copied (dist/)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'logitkit-readme-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  mkdirSync(join(tmp, 'node_modules'));
  symlinkSync(root, join(tmp, 'node_modules', 'logitkit'), 'dir');

  test('the Quick start has an ESM and a CommonJS block', () => {
    expect(blocks.filter((b) => b.kind === 'esm').length).toBeGreaterThanOrEqual(2); // Install example + Quick start
    expect(blocks.filter((b) => b.kind === 'cjs').length).toBeGreaterThanOrEqual(1);
    for (const b of blocks.filter((x) => x.kind === 'cjs')) {
      const code = b.code.replace(/\/\/.*$/gm, ''); // comments may say what the code avoids
      expect(code, 'CommonJS: no import').not.toMatch(/^\s*import\s/m);
      expect(code, 'CommonJS: no await').not.toMatch(/\bawait\b/);
    }
  });

  test.each(blocks.map((b) => [`README.md:${b.line} (${b.kind})`, b] as const))('%s', (_name, b) => {
    const ext = b.kind === 'esm' ? 'mjs' : 'cjs';
    // As copied: it runs and exits 0.
    const plain = join(tmp, `block-${b.line}.${ext}`);
    writeFileSync(plain, b.code);
    const run0 = spawnSync(process.execPath, [plain], { cwd: tmp, encoding: 'utf8' });
    expect(run0.stderr.replace(/\(node:\d+\) \[LOGITKIT_NATIVE_UNAVAILABLE\][\s\S]*$/, '')).toBe('');
    expect(run0.status).toBe(0);
    // The same code with console.log printing each value on one line, to compare with the comments.
    const oneLine = b.kind === 'esm'
      ? "import { inspect as __inspect } from 'node:util';\n"
      : "const { inspect: __inspect } = require('node:util');\n";
    const hook = 'console.log = (...a) => process.stdout.write(a.map((v) => __inspect(v, { breakLength: Infinity, maxArrayLength: Infinity })).join(" ") + "\\n");\n';
    const file = join(tmp, `block-${b.line}-check.${ext}`);
    writeFileSync(file, oneLine + hook + b.code);
    const run = spawnSync(process.execPath, [file], { cwd: tmp, encoding: 'utf8' });
    expect(run.status).toBe(0);
    const printed = run.stdout.trimEnd().split('\n');
    const wanted = expectations(b.code);
    expect(wanted.length).toBeGreaterThan(0);
    expect(printed.length, 'one printed line per console.log with a → comment').toBe(wanted.length);
    wanted.forEach((want, i) => {
      const got = numbers(printed[i]);
      const shown = numbers(want);
      expect(got.length, `line ${i + 1}: printed ${printed[i]}, README shows ${want}`).toBe(shown.length);
      shown.forEach((s, j) => {
        const g = Number(got[j]);
        const w = Number(s);
        const ok = Number.isNaN(w) ? Number.isNaN(g) : Math.abs(g - w) <= tolerance(s) * (1 + 1e-9) || g === w;
        expect(ok, `line ${i + 1}, value ${j + 1}: printed ${got[j]}, README shows ${s} (${printed[i]})`).toBe(true);
      });
    });
  });
});

test('the README introduces every public export', () => {
  const prose = readme.replace(/<!--[\s\S]*?-->/g, ''); // the section markers do not count
  const missing = Object.keys(lk).filter((name) => !new RegExp(`\\b${name}\\b`).test(prose));
  const missingSamplers = Object.keys(lk.sample).filter((name) => !prose.includes(`sample.${name}`));
  expect(missing).toEqual([]);
  expect(missingSamplers).toEqual([]);
});
