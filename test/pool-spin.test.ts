// The pool's polling window in child processes. Kept out of pool.test.ts, which the ARM64 check
// runs under qemu, where a child process cannot exec the ARM64 node (scripts/arm64-check.sh).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import * as lk from '../lib/index.js';

// The polling window (LOGITKIT_SPIN_US; native/pool.cc) changes only how an idle pool thread
// waits: the same ranges run, so every setting gives the same bytes; a bad value keeps the
// default. Each setting in its own process (the variable is read when the addon loads), through
// the built package (dist/, which CI builds before the tests; pool.test.ts checks the window set
// at run time on the sources' own binding).
const DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url));
test.skipIf(lk.backend().name !== 'native' || !existsSync(DIST))(
  'LOGITKIT_SPIN_US: 0, 5, a bad value and the default give the same results; the addon says which were valid',
  () => {
    const script = `
      import * as lk from ${JSON.stringify(DIST)};
      import { createHash } from 'node:crypto';
      lk.setThreads(2);
      const h = createHash('sha256');
      let s = 7;
      const x = Float32Array.from({ length: 256 * 1000 }, () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32 - 0.5) * 8);
      for (let i = 0; i < 50; i++) {
        const y = lk.logSoftmax(x.subarray(0, (1 + (i % 4)) * 64 * 1000), 1000);
        h.update(new Uint8Array(y.buffer));
      }
      // the addon's own reading of the variable, which the word2vec trainer asks before it
      // turns polling off for a pipelined run (lib/cli/word2vec.ts)
      const { createRequire } = await import('node:module');
      const addon = createRequire(import.meta.url)(lk.backend().path);
      console.log(h.digest('hex'), addon.spinFromEnv());`;
    const run = (v: string | undefined) => {
      const env = { ...process.env };
      if (v === undefined) delete env.LOGITKIT_SPIN_US;
      else env.LOGITKIT_SPIN_US = v;
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout.trim();
    };
    const [want, unset] = run(undefined).split(' ');
    expect(want).toMatch(/^[0-9a-f]{64}$/);
    expect(unset).toBe('false');
    for (const [v, valid] of [['0', true], ['5', true], ['fast', false], ['-3', false], ['100001', false]] as const) {
      expect(run(v)).toBe(`${want} ${valid}`);
    }
  },
);
