// Stochastic beam search vs repeated ancestral sampling on a small character n-gram model.
//
// The example builds a character trigram model (add-α smoothing) from a text it generates
// itself (words of a small lexicon with Zipf frequencies), then estimates a quantity whose exact value it can
// compute by enumeration: the entropy H = −Σ_y p(y) log p(y) of the model over words of at most
// `maxLength` characters (a word ends with '.' or at maxLength). Two ways, same model-call
// budget per repetition (one call per step, `k` prefixes per call):
// - stochastic beam search: k distinct words, an exact sample without replacement, and the
//   importance-weighted estimators of Kool, van Hoof and Welling (2019) (sbsEstimate);
// - ancestral sampling: k independent words drawn token by token with sampleCategorical, and
//   the plain Monte Carlo mean of −log p(y) (duplicates included).
// It prints the distinct words per model call and the root-mean-square error of each estimate.
//
// Run: `npx vitest run test/beam.test.ts -t example` runs it at a small size; a TypeScript
// runner (e.g. `npx tsx examples/sbs.ts [k] [repeats]`) runs it at full size.
import * as lk from '../lib/index.js';

const ALPHABET = '.aeiounstrlk'; // token 0 = '.', the end of a word
const V = ALPHABET.length;
const BOS = V; // the start token (never produced by the model)

export interface SbsExampleOptions {
  k?: number;
  maxLength?: number;
  repeats?: number;
  seed?: number;
  print?: (line: string) => void;
}

export interface SbsExampleResult {
  exactEntropy: number;
  sbs: { distinctPerCall: number; rmse: number; rmseNormalized: number; meanEstimate: number };
  ancestral: { distinctPerCall: number; rmse: number; meanEstimate: number };
}

/** A text of `words` words drawn from a small lexicon with Zipf frequencies (a seeded generator). */
function makeText(words: number, seed: number): string {
  const lexicon = ['a', 'an', 'at', 'is', 'it', 'on', 'in', 'us', 'sea', 'tea', 'ten', 'sun', 'not', 'net', 'oak', 'one',
    'ore', 'rat', 'set', 'sit', 'toe', 'run', 'kin', 'lot', 'eat', 'salt', 'rose', 'list', 'nest', 'tone'];
  const w = lexicon.map((_, i) => 1 / (i + 1));
  const total = w.reduce((x, y) => x + y, 0);
  const u = new lk.Rng(seed).uniform(words);
  let text = '';
  for (let i = 0; i < words; i++) {
    let r = u[i] * total, j = 0;
    while (j < lexicon.length - 1 && r >= w[j]) r -= w[j++];
    text += lexicon[j] + '.';
  }
  return text;
}

/** Trigram log-probabilities: rows for every context (c2, c1) of tokens or BOS, add-α smoothed. */
function buildModel(text: string, alpha = 0.01): Float32Array {
  const C = V + 1; // context symbols: tokens and BOS
  const counts = new Float64Array(C * C * V);
  let c2 = BOS, c1 = BOS;
  for (const ch of text) {
    const t = ALPHABET.indexOf(ch);
    counts[(c2 * C + c1) * V + t]++;
    if (t === 0) { c2 = BOS; c1 = BOS; } else { c2 = c1; c1 = t; }
  }
  const table = new Float32Array(C * C * V);
  for (let c = 0; c < C * C; c++) {
    let s = 0;
    for (let t = 0; t < V; t++) s += counts[c * V + t] + alpha;
    for (let t = 0; t < V; t++) table[c * V + t] = Math.log((counts[c * V + t] + alpha) / s);
  }
  return table;
}

/** The row index of a prefix (its last two tokens, BOS-padded). */
function contextOf(prefix: ArrayLike<number>): number {
  const n = prefix.length;
  const c1 = n >= 1 ? prefix[n - 1] : BOS, c2 = n >= 2 ? prefix[n - 2] : BOS;
  return c2 * (V + 1) + c1;
}

export async function runSbsExample(opts: SbsExampleOptions = {}): Promise<SbsExampleResult> {
  const k = opts.k ?? 8, maxLength = opts.maxLength ?? 5, repeats = opts.repeats ?? 200, seed = opts.seed ?? 1;
  const print = opts.print ?? ((s: string) => console.log(s));
  const table = buildModel(makeText(2000, seed));
  // Normalise in float64 once more so that the rows the model returns are exact log-probabilities
  // of the float32 values (the search and the enumeration see the same model).
  const C2 = (V + 1) * (V + 1);
  for (let c = 0; c < C2; c++) {
    let s = 0;
    for (let t = 0; t < V; t++) s += Math.exp(table[c * V + t]);
    const l = Math.log(s);
    for (let t = 0; t < V; t++) table[c * V + t] -= l;
  }
  let calls = 0;
  const logProbs = (prefixes: Int32Array[]): Float32Array => {
    calls++;
    const out = new Float32Array(prefixes.length * V);
    prefixes.forEach((p, r) => out.set(table.subarray(contextOf(p) * V, contextOf(p) * V + V), r * V));
    return out;
  };
  const logProbOf = (seq: ArrayLike<number>): number => {
    const prefix = [BOS];
    let lp = 0;
    for (let i = 0; i < seq.length; i++) {
      lp += table[contextOf(prefix) * V + seq[i]];
      prefix.push(seq[i]);
    }
    return lp;
  };

  // Exact entropy over words of at most maxLength characters (enumeration of the prefix tree).
  let exact = 0;
  const walk = (prefix: number[], lp: number, depth: number): void => {
    const row = contextOf(prefix) * V;
    for (let t = 0; t < V; t++) {
      const l = lp + table[row + t];
      if (t === 0 || depth + 1 === maxLength) exact -= Math.exp(l) * l;
      else walk([...prefix, t], l, depth + 1);
    }
  };
  walk([BOS], 0, 0);

  const rng = new lk.Rng(seed + 1);
  let sbsDistinct = 0, sbsCalls = 0, se = 0, seN = 0, sbsMean = 0;
  let ancDistinct = 0, ancCalls = 0, sa = 0, ancMean = 0;
  for (let r = 0; r < repeats; r++) {
    // Stochastic beam search: k distinct words.
    calls = 0;
    const res = await lk.stochasticBeamSearch({ k, maxLength, start: BOS, eos: 0, logProbs, rng });
    sbsCalls += calls;
    sbsDistinct += res.sequences.length;
    const { estimate, normalized } = lk.sbsEstimate(res, Array.from(res.logProbs, (lp) => -lp));
    se += (estimate - exact) ** 2;
    seN += (normalized - exact) ** 2;
    sbsMean += estimate / repeats;

    // Ancestral sampling: k words token by token, one batched call per step.
    calls = 0;
    const seqs: number[][] = Array.from({ length: k }, () => []);
    let alive = seqs.map((_, i) => i);
    for (let t = 0; t < maxLength && alive.length > 0; t++) {
      const rows = logProbs(alive.map((i) => Int32Array.from([BOS, ...seqs[i]])));
      const next = lk.sampleCategorical(rows, V, { rng });
      alive.forEach((i, j) => seqs[i].push(next[j]));
      alive = alive.filter((i) => seqs[i][seqs[i].length - 1] !== 0);
    }
    ancCalls += calls;
    ancDistinct += new Set(seqs.map((s) => s.join(','))).size;
    let mc = 0;
    for (const s of seqs) mc -= logProbOf(s) / k;
    sa += (mc - exact) ** 2;
    ancMean += mc / repeats;
  }
  const result: SbsExampleResult = {
    exactEntropy: exact,
    sbs: { distinctPerCall: sbsDistinct / sbsCalls, rmse: Math.sqrt(se / repeats), rmseNormalized: Math.sqrt(seN / repeats), meanEstimate: sbsMean },
    ancestral: { distinctPerCall: ancDistinct / ancCalls, rmse: Math.sqrt(sa / repeats), meanEstimate: ancMean },
  };
  print(`character trigram model, ${V} tokens, words of ≤ ${maxLength} characters, k = ${k}, ${repeats} repetitions (${lk.backend().name}/${lk.backend().isa})`);
  print(`exact entropy H = ${exact.toFixed(5)} nats`);
  print(`stochastic beam search: ${result.sbs.distinctPerCall.toFixed(3)} distinct words per model call; ` +
    `entropy estimate mean ${sbsMean.toFixed(5)}, RMSE ${result.sbs.rmse.toFixed(5)} (normalised: ${result.sbs.rmseNormalized.toFixed(5)})`);
  print(`ancestral sampling:     ${result.ancestral.distinctPerCall.toFixed(3)} distinct words per model call; ` +
    `entropy estimate mean ${ancMean.toFixed(5)}, RMSE ${result.ancestral.rmse.toFixed(5)}`);
  return result;
}

const isMain = typeof process !== 'undefined' && process.argv[1] !== undefined && /examples[\\/]sbs\.[cm]?[jt]s$/.test(process.argv[1]);
if (isMain) {
  const [k, repeats] = process.argv.slice(2).map(Number);
  await runSbsExample({ k: k || 8, repeats: repeats || 500 });
}
