#!/usr/bin/env node
// Fixtures for test/decoding.test.ts from @huggingface/transformers' own logits processors
// (the JavaScript peer a Node generation loop would use), on the same inputs as logitkit's
// sampleNext. The package is a dependency of the bench only (never of logitkit): run
// `cd bench && npm install` first, then `node scripts/gen_decoding_fixtures.mjs`.
//
// Covered: RepetitionPenaltyLogitsProcessor, TemperatureLogitsWarper,
// SuppressTokensLogitsProcessor and single-token NoBadWordsLogitsProcessor (bans). Its
// TopKLogitsWarper and TopPLogitsWarper have no implementation in this version (calling them
// throws; recorded in `unsupported`), so top-k / top-p / min-p are tested against the
// sort-based definition in the test instead.
import { writeFileSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkgDir = join(root, 'bench', 'node_modules', '@huggingface', 'transformers');
const version = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version;
const T = await import(join(pkgDir, 'dist', 'transformers.node.mjs'));

// Deterministic inputs (xorshift, as test/helpers.ts randomF32), rounded to float32.
function randomF32(n, seed, lo, hi) {
  const out = new Float32Array(n);
  let s = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    out[i] = lo + ((s >>> 8) / 2 ** 24) * (hi - lo);
  }
  return out;
}
const enc = (v) => (Number.isFinite(v) ? v : String(v));

function run(name, rows, cols, seed, prev, opts, processors) {
  const logits = randomF32(rows * cols, seed, -5, 5);
  const t = new T.Tensor('float32', logits.slice(), [rows, cols]);
  const ids = prev.map((h) => h.map((v) => BigInt(v)));
  let out = t;
  for (const p of processors) out = p(ids, out);
  return { name, cols, logits: Array.from(logits), prev, opts, processed: Array.from(out.data, enc) };
}

const prev = [[1, 1, 4, 9], [0, 2, 3, 23, 23], []];
const cases = [
  run('repetition penalty 1.3, temperature 0.7', 3, 24, 1, prev, { repetitionPenalty: 1.3, temperature: 0.7 },
    [new T.RepetitionPenaltyLogitsProcessor(1.3), new T.TemperatureLogitsWarper(0.7)]),
  run('repetition penalty 0.8 (a reward), temperature 1.6', 3, 24, 2, prev, { repetitionPenalty: 0.8, temperature: 1.6 },
    [new T.RepetitionPenaltyLogitsProcessor(0.8), new T.TemperatureLogitsWarper(1.6)]),
  run('suppressed tokens, repetition penalty 2', 3, 24, 3, prev, { repetitionPenalty: 2, bannedTokens: [5, 7, 1] },
    [new T.RepetitionPenaltyLogitsProcessor(2), new T.SuppressTokensLogitsProcessor([5, 7, 1])]),
  run('single-token bad words, temperature 0.5', 3, 24, 4, prev, { temperature: 0.5, bannedTokens: [0, 22] },
    [new T.NoBadWordsLogitsProcessor([[0], [22]], 99), new T.TemperatureLogitsWarper(0.5)]),
];

const unsupported = [];
for (const [name, make] of [['TopKLogitsWarper', () => new T.TopKLogitsWarper(5)], ['TopPLogitsWarper', () => new T.TopPLogitsWarper(0.9)]]) {
  try {
    make()([[0n]], new T.Tensor('float32', new Float32Array(8), [1, 8]));
  } catch (e) {
    unsupported.push(`${name}: ${e.message}`);
  }
}

const file = join(root, 'test', 'fixtures', 'decoding.json');
writeFileSync(file, JSON.stringify({ torch: version, source: '@huggingface/transformers', unsupported, cases }) + '\n');
console.log(`wrote ${file}: ${cases.length} cases; unsupported: ${unsupported.join('; ')}`);
