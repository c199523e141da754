// Heavy reliability checks of the async machinery, each in a child process so that a crash
// fails the test instead of killing the runner: RSS over 100 000 calls per family, forced GC
// while async calls run, worker threads loading the module at once, workers terminated with
// async calls in flight. Needs dist/ (npm run build:ts) and the native build.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';

const root = join(__dirname, '..', '..');
const hasDist = existsSync(join(root, 'dist', 'index.js'));

function child(args: string[], timeout = 300_000) {
  const r = spawnSync(process.execPath, ['--expose-gc', 'test/heavy/async-child.mjs', ...args], { cwd: root, encoding: 'utf8', timeout });
  if (r.status !== 0) throw new Error(`child ${args.join(' ')} exited ${r.status} (${r.signal ?? ''}):\n${r.stderr}\n${r.stdout}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

test.skipIf(!hasDist)('100 000 calls per family (sync and async) keep RSS flat', () => {
  const r = child(['rss', '100000'], 900_000);
  console.log(`rss: ${r.calls} calls, ${r.before.toFixed(1)} → ${r.after.toFixed(1)} MiB`);
  expect(r.after - r.before).toBeLessThan(48);
}, 900_000);

test.skipIf(!hasDist)('async calls survive forced GC with every JS reference dropped', () => {
  expect(child(['gc']).ok).toBe(true);
});

test.skipIf(!hasDist)('worker threads loading the module at once get the sync results from async calls', () => {
  expect(child(['workers', '4']).calls).toBe(800);
});

test.skipIf(!hasDist)('workers terminated with async calls in flight: no crash, no leak', () => {
  const r = child(['terminate', '40']);
  console.log(`terminate: ${r.rounds} workers, ${r.before.toFixed(1)} → ${r.after.toFixed(1)} MiB`);
  expect(r.after - r.before).toBeLessThan(200);
});

test.skipIf(!hasDist)('setThreads changed 200 times with async work queued: no thread or descriptor leak', () => {
  const r = child(['threads']);
  expect(r.after.threads).toBe(r.before.threads);
  expect(r.after.fds).toBeLessThanOrEqual(r.before.fds);
});
