// The package as users meet it: version, backend report, ISA cap, loader fallback, both
// module formats. Child processes so that each gets its own environment.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import * as lk from '../lib/index.js';
import { native } from '../lib/native.js';

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
  expect(['avx512', 'avx2', 'scalar']).toContain(b.isa);
  expect(b.cuda).toBe(false);
  expect(b.threads).toBeGreaterThanOrEqual(1);
  if (process.env.LOGITKIT_BACKEND === 'js') expect(b.name).toBe('js');
  if (native) {
    expect(b.name).toBe('native');
    const cap = process.env.LOGITKIT_ISA;
    if (cap) expect(['scalar', 'avx2', 'avx512'].indexOf(b.isa)).toBeLessThanOrEqual(['scalar', 'avx2', 'avx512'].indexOf(cap));
  }
});

describe.skipIf(!native)('native dispatch cap (LOGITKIT_ISA)', () => {
  const probe = "const b=require('node-gyp-build')('.').backend(); console.log(JSON.stringify(b))";
  test('scalar and avx2 caps are honoured, the CPU best is reported', () => {
    const best = JSON.parse(node(probe, { LOGITKIT_ISA: '' }).stdout);
    expect(JSON.parse(node(probe, { LOGITKIT_ISA: 'scalar' }).stdout)).toMatchObject({ isa: 'scalar', cpuIsa: best.cpuIsa });
    const avx2 = JSON.parse(node(probe, { LOGITKIT_ISA: 'avx2' }).stdout);
    expect(avx2.isa).toBe(best.cpuIsa === 'scalar' ? 'scalar' : 'avx2');
    expect(best.isa).toBe(best.cpuIsa);
  });
  test('an unknown tier is a clear error', () => {
    const r = node("try{require('node-gyp-build')('.')}catch(e){console.log(e.code+': '+e.message)}", { LOGITKIT_ISA: 'avx1024' });
    expect(r.stdout).toMatch(/ERR_LOGITKIT_BAD_ENV: LOGITKIT_ISA must be one of scalar, avx2, avx512/);
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
    const r = node(code, { PREBUILDS_ONLY: '1' });
    expect(r.stdout).toBe('js');
    expect(r.stderr.match(/LOGITKIT_NATIVE_UNAVAILABLE/g)?.length).toBe(1);
    expect(r.stderr).toMatch(/No native build was found/);
    expect(r.stderr).toMatch(/fixes:/);
    const strict = node("try{require('./dist/index.cjs')}catch(e){console.log(e.code)}", { PREBUILDS_ONLY: '1', LOGITKIT_BACKEND: 'native' });
    expect(strict.stdout).toBe('ERR_LOGITKIT_NATIVE_UNAVAILABLE');
  });
});

