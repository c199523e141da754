// The shape every family must have (README: "Contributing a kernel or a family"): checked at
// grep level, so a half-registered family fails here rather than at a user's require().
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const read = (p: string) => readFileSync(join(root, p), 'utf8');
const def = read('native/families.def');
const families = [...def.matchAll(/^LK_FAMILY\((\w+), (\w+), (\w+)\)/gm)].map((m) => ({ name: m[1], struct: m[2], table: m[3] }));
// The tiers each architecture builds (native/sources.cjs, LK_TIERS in native/kernels/family.h,
// CMakeLists.txt): every family has the files of every architecture's tiers, since one source
// tarball builds anywhere.
const ARCH_TIERS: Record<string, string[]> = { x64: ['scalar', 'avx2', 'avx512'], arm64: ['scalar', 'neon'] };
const TIERS = [...new Set(Object.values(ARCH_TIERS).flat())];
// Families whose TypeScript side is not a public module of the same name: rng's public face is
// the Rng class (lib/rng.ts) and its reference is the Philox stream (lib/reference/philox.ts).
const TS_NAME: Record<string, { api: string; reference: string; test: string }> = {
  rng: { api: 'lib/rng.ts', reference: 'lib/reference/philox.ts', test: 'test/rng.test.ts' },
};

describe('the family list (native/families.def)', () => {
  test('lists the families', () => {
    expect(families.map((f) => f.name)).toEqual(expect.arrayContaining(['softmax', 'rng', 'xent', 'topk', 'sampling']));
  });

  for (const f of families) {
    test(`${f.name}: every layer's file exists and is wired`, () => {
      const missing: string[] = [];
      const need = (p: string) => { if (!existsSync(join(root, p))) missing.push(p); };
      need(`native/kernels/${f.name}.h`);
      need(`native/kernels/${f.name}_impl.inc`);
      for (const t of TIERS) need(`native/kernels/${f.name}_${t}.cc`);
      need(`native/bindings/${f.name}.cc`);
      need(`lib/kernels/${f.name}.ts`);
      const ts = TS_NAME[f.name] ?? { api: `lib/${f.name}.ts`, reference: `lib/reference/${f.name}.ts`, test: `test/${f.name}.test.ts` };
      need(ts.api);
      need(ts.reference);
      need(ts.test);
      expect(missing, `missing files for family ${f.name}`).toEqual([]);

      expect(def).toContain(`#include "kernels/${f.name}.h"`);
      const header = read(`native/kernels/${f.name}.h`);
      expect(header).toMatch(new RegExp(`#define ${f.table}\\(X\\)`));
      expect(header).toContain(`LK_DECLARE_TIERS(${f.name}, ${f.struct})`);
      for (const t of TIERS) expect(read(`native/kernels/${f.name}_${t}.cc`)).toContain(`lk_${f.name}_kernels_${t}(`);
      expect(read(`native/bindings/${f.name}.cc`)).toContain(`void register_${f.name}(`);
      // Every table field is set by the impl's fill function (the load-time check enforces it
      // too; this names the field before anything is built).
      const impl = read(`native/kernels/${f.name}_impl.inc`);
      const table = new RegExp(`#define ${f.table}\\(X\\)([\\s\\S]*?)\\n(?!\\s*X\\()`).exec(header)?.[1] ?? '';
      for (const [, field] of table.matchAll(/X\(\s*\w+\s*,\s*(\w+)\s*\)/g)) expect(impl, `${f.name}.${field}`).toMatch(new RegExp(`t->${field}\\s*=`));
      // The TypeScript contract is part of Kernels.
      expect(read('lib/kernels/index.ts')).toContain(`./${f.name}.js`);
    });
  }

  test('every family has a libFuzzer harness over its tiers and a seed corpus (RELIABILITY.md)', () => {
    for (const f of families) {
      const harness = `fuzz/${f.name}.cc`;
      expect(existsSync(join(root, harness)), `${harness} (scripts/fuzz.sh runs one harness per family)`).toBe(true);
      const src = read(harness);
      for (const t of ['scalar', 'avx2', 'avx512']) expect(src, `${harness} drives the ${t} tier`).toContain(`lk_${f.name}_kernels_${t}`);
      expect(src).toContain('LLVMFuzzerTestOneInput');
      const corpus = join(root, 'fuzz/corpus', f.name);
      expect(existsSync(corpus) && readdirSync(corpus).length > 0, `seed corpus fuzz/corpus/${f.name}/`).toBe(true);
    }
  });

  test('CMakeLists.txt and binding.gyp compile the same sources, read from the list', () => {
    const list = (...a: string[]) => spawnSync('node', ['native/sources.cjs', ...a], { cwd: root, encoding: 'utf8' }).stdout.trim().split(' ');
    expect(list('families')).toEqual(families.map((f) => f.name));
    for (const t of TIERS) expect(list('tier', t)).toEqual(families.map((f) => `native/kernels/${f.name}_${t}.cc`));
    expect(list('bindings')).toEqual(families.map((f) => `native/bindings/${f.name}.cc`));
    const gyp = read('binding.gyp');
    for (const t of TIERS) expect(gyp).toContain(`node native/sources.cjs tier ${t}`);
    for (const [arch, tiers] of Object.entries(ARCH_TIERS)) expect(list('tiers', arch)).toEqual(tiers);
    expect(list('tiers', 'riscv64')).toEqual(['scalar']); // anything else: the scalar tier alone
    expect(gyp).toContain('node native/sources.cjs bindings');
    const cmake = read('CMakeLists.txt');
    expect(cmake).toMatch(/file\(STRINGS native\/families\.def/);
    expect(cmake).toContain('native/kernels/${f}_${tier}.cc');
    expect(cmake).toContain('native/bindings/${f}.cc');
    // The per-architecture tier lists agree in all three places.
    expect(cmake).toContain('set(LK_TIERS scalar avx2 avx512)');
    expect(cmake).toContain('set(LK_TIERS scalar neon)');
    const family = read('native/kernels/family.h');
    expect(family).toContain('#define LK_TIERS(X, a, b) X(scalar, a, b) X(avx2, a, b) X(avx512, a, b)');
    expect(family).toContain('#define LK_TIERS(X, a, b) X(scalar, a, b) X(neon, a, b)');
    expect(gyp).toMatch(/target_arch=='arm64'[\s\S]*lk_neon/);
    // The shared, non-family sources are the same in both.
    for (const src of ['native/addon.cc', 'native/dispatch.cc', 'native/pool.cc']) {
      expect(gyp).toContain(src);
      expect(cmake).toContain(src);
    }
  });
});

describe('lib/ imports', () => {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(join(root, d), { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith('.ts')) files.push(join(d, e.name));
    }
  };
  walk('lib');
  const edges = new Map<string, string[]>();
  for (const f of files) {
    const src = read(f);
    const deps = [...src.matchAll(/^(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/gms)].map((m) =>
      normalize(join(dirname(f), m[1].replace(/\.js$/, '.ts'))));
    edges.set(f, deps);
  }

  test('no import cycle of any kind (type-only imports included)', () => {
    const state = new Map<string, number>();
    const cycles: string[] = [];
    const visit = (f: string, stack: string[]) => {
      if (state.get(f) === 2) return;
      if (state.get(f) === 1) { cycles.push([...stack.slice(stack.indexOf(f)), f].join(' → ')); return; }
      state.set(f, 1);
      for (const d of edges.get(f) ?? []) visit(d, [...stack, f]);
      state.set(f, 2);
    };
    for (const f of files) visit(f, []);
    expect(cycles).toEqual([]);
  });

  test('contracts import only contracts; the reference never imports the public API', () => {
    for (const [f, deps] of edges) {
      if (f.startsWith(normalize('lib/kernels/'))) {
        for (const d of deps) expect(relative('lib/kernels', d).startsWith('..'), `${f} imports ${d}`).toBe(false);
      }
      if (f.startsWith(normalize('lib/reference/'))) {
        for (const d of deps) {
          const ok = d.startsWith(normalize('lib/reference/')) || d.startsWith(normalize('lib/kernels/')) ||
            ['lib/words.ts', 'lib/rng.ts', 'lib/errors.ts', 'lib/validate.ts'].map((p) => normalize(p)).includes(d) ||
            /^lib\/[a-z]+\.ts$/.test(d) && f === normalize('lib/reference/index.ts'); // the reference entry builds the same API
          expect(ok, `${f} imports ${d}`).toBe(true);
        }
      }
    }
  });
});
