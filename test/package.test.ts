// The package as users meet it: version, backend report, ISA cap, loader fallback, both
// module formats. Child processes so that each gets its own environment.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import * as lk from '../lib/index.js';
import { loaded, native } from '../lib/native.js';

const root = join(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const hasDist = existsSync(join(root, 'dist', 'index.cjs')) && existsSync(join(root, 'dist', 'index.js'));
const hasPrebuilds = existsSync(join(root, 'prebuilds'));

function node(code: string, env: Record<string, string | undefined> = {}, esm = false) {
  const args = esm ? ['--input-type=module', '-e', code] : ['-e', code];
  const r = spawnSync(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout.trim(), stderr: r.stderr };
}

test('version matches package.json', () => {
  expect(lk.version).toBe(pkg.version);
  expect(lk.backend().version).toBe(pkg.version);
});

test('backend() tells the truth', () => {
  const b = lk.backend();
  expect(['native', 'js']).toContain(b.name);
  expect(['avx512', 'avx2', 'neon', 'scalar']).toContain(b.isa);
  expect(b.cuda).toBe(false);
  expect(b.threads).toBeGreaterThanOrEqual(1);
  if (process.env.LOGITKIT_BACKEND === 'js') expect(b.name).toBe('js');
  if (native) {
    expect(b.name).toBe('native');
    const cap = process.env.LOGITKIT_ISA;
    // A cap is a width (native/dispatch.cc): scalar < neon = avx2 < avx512.
    const width: Record<string, number> = { scalar: 0, neon: 1, avx2: 1, avx512: 2 };
    if (cap && cap in width) expect(width[b.isa]).toBeLessThanOrEqual(width[cap]);
  }
});

describe.skipIf(!native)('native dispatch cap (LOGITKIT_ISA)', () => {
  // The 128/256-bit tier of this architecture: what an avx2 (or neon) cap gives.
  const mid = process.arch === 'arm64' ? 'neon' : 'avx2';
  const probe = "const b=require('node-gyp-build')('.').backend(); console.log(JSON.stringify(b))";
  test('scalar and avx2 caps are honoured, the CPU best is reported', () => {
    const best = JSON.parse(node(probe, { LOGITKIT_ISA: '' }).stdout);
    expect(JSON.parse(node(probe, { LOGITKIT_ISA: 'scalar' }).stdout)).toMatchObject({ isa: 'scalar', cpuIsa: best.cpuIsa });
    const avx2 = JSON.parse(node(probe, { LOGITKIT_ISA: 'avx2' }).stdout);
    expect(avx2.isa).toBe(best.cpuIsa === 'scalar' ? 'scalar' : mid);
    expect(best.isa).toBe(best.cpuIsa);
    // Another architecture's tier name caps at the same width here.
    const neon = JSON.parse(node(probe, { LOGITKIT_ISA: 'neon' }).stdout);
    expect(neon.isa).toBe(best.cpuIsa === 'scalar' ? 'scalar' : mid);
    if (process.arch === 'arm64') expect(best.cpuIsa).toBe('neon'); // NEON is baseline on AArch64
  });
  test('any case is accepted', () => {
    const best = JSON.parse(node(probe, { LOGITKIT_ISA: '' }).stdout);
    expect(JSON.parse(node(probe, { LOGITKIT_ISA: 'SCALAR' }).stdout).isa).toBe('scalar');
    expect(JSON.parse(node(probe, { LOGITKIT_ISA: 'Avx2' }).stdout).isa).toBe(best.cpuIsa === 'scalar' ? 'scalar' : mid);
  });
  test('an unknown tier keeps native dispatch at the CPU best and says why', () => {
    const r = node("const b=require('node-gyp-build')('.'); console.log(JSON.stringify({isa: b.backend().isa, cpuIsa: b.backend().cpuIsa, w: b.initWarning}))", { LOGITKIT_ISA: 'avx1024' });
    const o = JSON.parse(r.stdout);
    expect(o.isa).toBe(o.cpuIsa);
    expect(o.w).toMatch(/LOGITKIT_ISA is not one of scalar, avx2, avx512/);
  });
});

describe.skipIf(!hasDist)('built package (dist/)', () => {
  test('require and import give the same API', () => {
    const cjs = node("const lk=require('./dist/index.cjs'); console.log(Object.keys(lk).sort().join(','))");
    const esm = node("import * as lk from './dist/index.js'; console.log(Object.keys(lk).sort().join(','))", {}, true);
    expect(cjs.status).toBe(0);
    expect(esm.stdout).toBe(cjs.stdout);
    for (const name of ['softmax', 'logSoftmax', 'logSumExp', 'Rng', 'backend', 'setThreads', 'gumbel']) expect(cjs.stdout.split(',')).toContain(name);
    const refKeys = node("console.log(Object.keys(require('./dist/reference/index.cjs')).join(','))").stdout.split(',');
    expect(refKeys).toContain('softmax');
  });
  test('LOGITKIT_BACKEND=js uses the reference, silently', () => {
    const r = node("console.log(require('./dist/index.cjs').backend().name)", { LOGITKIT_BACKEND: 'js' });
    expect(r.stdout).toBe('js');
    expect(r.stderr).toBe('');
  });
  test.skipIf(hasPrebuilds)('no binary: falls back to the reference with one warning naming the reason', () => {
    const code = "const lk=require('./dist/index.cjs'); lk.softmax(new Float32Array([1,2]),2); console.log(lk.backend().name)";
    const r = node(code, { PREBUILDS_ONLY: '1', LOGITKIT_BACKEND: '' }); // auto, also in the LOGITKIT_BACKEND=js run
    expect(r.stdout).toBe('js');
    expect(r.stderr.match(/LOGITKIT_NATIVE_UNAVAILABLE/g)?.length).toBe(1);
    expect(r.stderr).toMatch(/No native build was found/);
    expect(r.stderr).toMatch(/fixes:/);
    const strict = node("try{require('./dist/index.cjs')}catch(e){console.log(e.code)}", { PREBUILDS_ONLY: '1', LOGITKIT_BACKEND: 'native' });
    expect(strict.stdout).toBe('ERR_LOGITKIT_NATIVE_UNAVAILABLE');
  });
});


test('backend() has the documented shape for its backend (README, "Backends and environment variables")', () => {
  const b = lk.backend();
  if (b.name === 'native') {
    expect(Object.keys(b).sort()).toEqual(['cpuIsa', 'cuda', 'cudaInfo', 'isa', 'keepsFreedMemory', 'name', 'path', 'threads', 'version']);
  } else {
    expect(b.isa).toBe('scalar');
    expect(b.cpuIsa).toBeUndefined();
    expect(Object.keys(b).filter((k) => !['reason', 'path'].includes(k)).sort()).toEqual(['cuda', 'cudaInfo', 'isa', 'keepsFreedMemory', 'name', 'threads', 'version']);
    expect(b.keepsFreedMemory).toBe(false);
    if (process.env.LOGITKIT_BACKEND === 'js') expect(b.reason).toBeUndefined();
  }
});

test('loaded records what the loader did', () => {
  if (native) {
    expect(loaded.path).toMatch(/logitkit\.node$/);
    expect(loaded.error).toBeUndefined();
  } else if (process.env.LOGITKIT_BACKEND === 'js') {
    expect(loaded.error).toBeUndefined();
  } else {
    expect(loaded.failure).toBeDefined();
    expect(lk.backend().reason).toMatch(new RegExp(`^${loaded.failure}: `)); // one line; the warning has the rest
    expect(lk.backend().reason).not.toMatch(/\n/);
  }
});

// The types resolve for the main entry and logitkit/reference under every moduleResolution
// TypeScript users have: node10 (typesVersions), node16/nodenext and bundler (exports).
describe.skipIf(!hasDist)('types under each moduleResolution (dist/)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'logitkit-types-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  mkdirSync(join(tmp, 'node_modules'));
  symlinkSync(root, join(tmp, 'node_modules', 'logitkit'), 'dir');
  writeFileSync(join(tmp, 'app.ts'), [
    "import * as lk from 'logitkit';",
    "import * as ref from 'logitkit/reference';",
    'const x = new Float32Array([1, 2, 3, 4, 5, 6]);',
    'const g: Float32Array = lk.softmaxCrossEntropy(x, new Int32Array([2, 0])).grad;',
    'const p: Float32Array = ref.softmax(x, 3);',
    'export { g, p };',
  ].join('\n'));
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  for (const [resolution, module] of [['node10', 'commonjs'], ['node16', 'node16'], ['bundler', 'esnext']] as const) {
    test(`moduleResolution ${resolution}`, () => {
      const r = spawnSync(process.execPath, [tsc, '--noEmit', '--strict', '--skipLibCheck', '--types', 'node', '--typeRoots', join(root, 'node_modules', '@types'),
        '--module', module, '--moduleResolution', resolution, join(tmp, 'app.ts')], { cwd: tmp, encoding: 'utf8' });
      expect(r.stdout + r.stderr).toBe('');
      expect(r.status).toBe(0);
    });
  }
});

// Loader diagnostics, on the built package. LOGITKIT_PREBUILD replaces the package directory
// in node-gyp-build's search, so these do not depend on what build/ or prebuilds/ hold.
describe.skipIf(!hasDist)('loader diagnostics (dist/)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'logitkit-loader-'));
  const empty = join(tmp, 'empty');
  const junk = join(tmp, 'junk');
  mkdirSync(empty);
  mkdirSync(join(junk, 'prebuilds', `${process.platform}-${process.arch}`), { recursive: true });
  writeFileSync(join(junk, 'prebuilds', `${process.platform}-${process.arch}`, 'logitkit.node'), 'not an ELF file\n');
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const probe = "const lk=require('./dist/index.cjs'); const y=lk.softmax(new Float32Array([1,2,3]),3); " +
    "console.log(JSON.stringify({ name: lk.backend().name, reason: lk.backend().reason, sum: y[0]+y[1]+y[2] }))";
  const warnings = (stderr: string) => stderr.match(/\[LOGITKIT_NATIVE_UNAVAILABLE\]/g)?.length ?? 0;

  test('no binary anywhere: the reference, one warning with what was tried and the fixes', () => {
    const r = node(probe, { LOGITKIT_PREBUILD: empty, PREBUILDS_ONLY: '1', LOGITKIT_BACKEND: '' });
    const out = JSON.parse(r.stdout);
    expect(out.name).toBe('js');
    expect(out.sum).toBeCloseTo(1, 6);
    expect(warnings(r.stderr)).toBe(1);
    expect(r.stderr).toMatch(/so the TypeScript reference is used/);
    expect(r.stderr).toMatch(/reason: not-found/);
    expect(r.stderr).toMatch(/error: No native build was found for platform=/);
    expect(r.stderr).toContain(`LOGITKIT_PREBUILD=${empty}`);
    expect(r.stderr).toContain(`${join(empty, 'prebuilds', `${process.platform}-${process.arch}`)}: no such directory`);
    expect(r.stderr).toMatch(/skipped \(PREBUILDS_ONLY is set\)/);
    expect(r.stderr).toMatch(/fixes:[\s\S]*npm rebuild logitkit[\s\S]*LOGITKIT_BACKEND=js/);
    // the override hid the package's own binary: the first fix names it
    expect(r.stderr).toMatch(/fixes:\n\s+- LOGITKIT_PREBUILD=\S+ has no prebuilds\/\S+ point it at the directory that contains prebuilds\//);
    expect(out.reason).toMatch(/^not-found: No native build was found/); // backend() tells the same story, in one line
  });

  test('LOGITKIT_PREBUILD pointing at a missing folder: the first fix names the variable', () => {
    const missing = join(tmp, 'no-such-folder');
    const r = node(probe, { LOGITKIT_PREBUILD: missing, PREBUILDS_ONLY: '1', LOGITKIT_BACKEND: '' });
    expect(JSON.parse(r.stdout).name).toBe('js');
    expect(r.stderr).toContain(`fixes:\n    - LOGITKIT_PREBUILD=${missing} does not exist: point it at the directory that contains prebuilds/`);
  });

  test('a damaged binary: load-error naming the file and the dynamic loader error', () => {
    const r = node(probe, { LOGITKIT_PREBUILD: junk, PREBUILDS_ONLY: '1', LOGITKIT_BACKEND: '' });
    expect(JSON.parse(r.stdout).name).toBe('js');
    expect(warnings(r.stderr)).toBe(1);
    const file = join(junk, 'prebuilds', `${process.platform}-${process.arch}`, 'logitkit.node');
    expect(r.stderr).toContain(`reason: load-error (${file})`);
    expect(r.stderr).toMatch(/error: .*(invalid ELF header|file too short)/);
    expect(r.stderr).toMatch(/damaged or for another platform/);
  });

  test('CJS and ESM builds loaded together warn once', () => {
    const code = "import { createRequire } from 'node:module'; const require = createRequire(process.cwd() + '/x.js');" +
      "const a = require('./dist/index.cjs'); const b = await import('./dist/index.js');" +
      'console.log(a.backend().name + " " + b.backend().name)';
    const r = node(code, { LOGITKIT_PREBUILD: empty, PREBUILDS_ONLY: '1', LOGITKIT_BACKEND: '' }, true);
    expect(r.stdout).toBe('js js');
    expect(warnings(r.stderr)).toBe(1);
  });

  test('LOGITKIT_BACKEND=native: an error with the same diagnosis, no fallback claimed', () => {
    const r = node("try{require('./dist/index.cjs')}catch(e){console.log(JSON.stringify({code:e.code,failure:e.failure,message:e.message}))}",
      { LOGITKIT_PREBUILD: junk, PREBUILDS_ONLY: '1', LOGITKIT_BACKEND: 'native' });
    const e = JSON.parse(r.stdout);
    expect(e.code).toBe('ERR_LOGITKIT_NATIVE_UNAVAILABLE');
    expect(e.failure).toBe('load-error');
    expect(e.message).toMatch(/LOGITKIT_BACKEND=native forbids the fallback/);
    expect(e.message).not.toMatch(/reference is used/);
    expect(warnings(r.stderr)).toBe(0);
  });

  test('an unknown LOGITKIT_BACKEND value is reported, and auto is used', () => {
    const r = node("console.log(require('./dist/index.cjs').backend().name)", { LOGITKIT_BACKEND: 'nativ' });
    expect(['native', 'js']).toContain(r.stdout);
    expect(r.stderr).toMatch(/\[LOGITKIT_BAD_ENV\].*LOGITKIT_BACKEND=nativ is not one of auto, native, js/);
  });

  test.skipIf(!native)('a bad LOGITKIT_ISA: one LOGITKIT_BAD_ENV warning, native kept', () => {
    const r = node(probe, { LOGITKIT_ISA: 'avx1024', LOGITKIT_BACKEND: '' });
    expect(JSON.parse(r.stdout).name).toBe('native');
    expect(r.stderr.match(/LOGITKIT_BAD_ENV/g)?.length).toBe(1);
    expect(r.stderr).toMatch(/LOGITKIT_ISA=avx1024: LOGITKIT_ISA is not one of scalar, avx2, avx512/);
  });
});

// What `npm pack` would publish (scripts skipped: dist/ is whatever is built now).
describe('package contents', () => {
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
  const files: string[] = r.status === 0 ? JSON.parse(r.stdout)[0].files.map((f: { path: string }) => f.path) : [];

  test('npm pack --dry-run works', () => {
    expect(r.status, r.stderr).toBe(0);
  });
  test('ships the build files, every native source they compile, README, LICENSE, CHANGELOG', () => {
    for (const f of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'CMakeLists.txt', 'binding.gyp']) expect(files).toContain(f);
    const gyp = readFileSync(join(root, 'binding.gyp'), 'utf8');
    const listed = ['scalar', 'avx2', 'avx512', 'neon'].map((t) => `tier ${t}`).concat(['bindings'])
      .flatMap((a) => spawnSync('node', ['native/sources.cjs', ...a.split(' ')], { cwd: root, encoding: 'utf8' }).stdout.trim().split(' '));
    const sources = new Set([...(gyp.match(/native\/[\w/.-]+\.cc/g) ?? []), ...listed]);
    expect(sources.size).toBeGreaterThan(10);
    for (const src of sources) expect(files).toContain(src);
    for (const h of ['native/families.def', 'native/sources.cjs', 'native/kernels/family.h', 'native/dispatch.h', 'native/pool.h', 'native/simd/vec_avx512.h', 'native/simd/vec_neon.h', 'native/kernels/softmax_impl.inc']) expect(files).toContain(h);
    // The install script's fallback half (package.json "install") ships with it.
    expect(files).toContain('scripts/install-fallback.cjs');
    expect(pkg.scripts.install).toBe('node-gyp-build || node scripts/install-fallback.cjs');
  });
  test.skipIf(!hasDist)('ships dist/ for both module formats with types', () => {
    for (const f of ['dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts',
      'dist/reference/index.js', 'dist/reference/index.cjs', 'dist/reference/index.d.ts', 'dist/reference/index.d.cts']) {
      expect(files).toContain(f);
    }
  });
  test.skipIf(!hasPrebuilds)('ships every prebuild there is', () => {
    // linux-x64 (npm run prebuild) and linux-arm64 (scripts/prebuild-arm64.sh, cross-compiled).
    const built = ['linux-x64', 'linux-arm64'].filter((t) => existsSync(join(root, 'prebuilds', t, 'logitkit.node')));
    expect(built.length).toBeGreaterThan(0);
    for (const t of built) expect(files).toContain(`prebuilds/${t}/logitkit.node`);
  });
  test('ships nothing heavy: no tests, benches, build output or TypeScript sources', () => {
    expect(files.filter((f) => /^(test|bench|build|lib|scripts|docs|coverage|node_modules|\.ci)\//.test(f) && f !== 'scripts/install-fallback.cjs' || f.endsWith('.tgz'))).toEqual([]);
  });
  test('MIT licence, as package.json says', () => {
    expect(pkg.license).toBe('MIT');
    const text = readFileSync(join(root, 'LICENSE'), 'utf8');
    expect(text).toMatch(/^MIT License/);
    expect(text).toMatch(/Copyright \(c\) \d{4} logitkit contributors/);
  });
  test('exports and files stay consistent', () => {
    for (const cond of Object.values(pkg.exports['.']) as Record<string, string>[]) {
      for (const target of Object.values(cond)) expect(target.startsWith('./dist/')).toBe(true);
    }
    expect(pkg.files).toEqual(expect.arrayContaining(['dist/', 'prebuilds/', 'native/', 'CMakeLists.txt', 'binding.gyp']));
    expect(pkg.dependencies).toEqual({ 'node-addon-api': expect.any(String), 'node-gyp-build': expect.any(String) });
    // node-gyp-build takes a prebuild or compiles; when both fail the install still succeeds
    // (the TypeScript reference runs, README "Platforms and installing").
    expect(pkg.scripts.install).toBe('node-gyp-build || node scripts/install-fallback.cjs');
    expect(pkg.files).toContain('scripts/install-fallback.cjs');
  });
});
