// `logitkit word2vec`: a skip-gram trainer on the fused skipGramStep kernel, with word2vec.c's
// options where they overlap (Mikolov et al. 2013; https://code.google.com/archive/p/word2vec/),
// its text and binary output formats, a planted-structure synthetic corpus and nearest-neighbour
// queries. Everything here is plain TypeScript over the public API: the kernel does the work.
import { closeSync, createReadStream, createWriteStream, existsSync, openSync, readFileSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { AliasSampler, backend, Rng, setThreads, skipGramStep, skipGramStepAsync, unigramNoise } from '../index.js';
import { addressMod64, poolSpinFromEnv, setPoolSpin } from '../backend.js';
import { ByteVocab, ReadError, scanFileIds } from './tokens.js';

/** An error the command prints as one line (no stack trace) before exiting non-zero. */
export class CliError extends Error {}

export interface Io {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown; isTTY?: boolean };
}

export interface Word2VecOptions {
  train?: string;
  synthetic?: number;
  output?: string;
  binary: boolean;
  size: number;
  window: number;
  negative: number;
  nce: boolean;
  minCount: number;
  sample: number;
  iter: number;
  alpha: number;
  threads: number;
  seed: number;
  lowercase: boolean;
  batch: number;
  deterministic: boolean;
  /** Overlap the next batch's preparation with the running step (default: when threads > 1). */
  pipeline?: boolean;
  quiet: boolean;
  query?: string;
  writeCorpus?: string;
  words: string[];
  top: number;
  topics: number;
  vocab: number;
  topicMix: number;
  score: boolean;
  /** Memory (MB) for the token ids the vocabulary pass keeps for training; 0 re-reads the file. */
  cacheMb?: number;
}

export const USAGE = `usage: logitkit word2vec --train FILE | --synthetic N [options]
       logitkit word2vec --query VECTORS word [word ...]
options (word2vec.c's names and defaults where they overlap; one or two dashes):
  --train FILE        text to train on (tokens split on whitespace; streamed, any size)
  --synthetic N       train on N tokens of a planted-topic corpus instead (--topics 50, --vocab 5000,
                      --topic-mix 0.75: the share of each sentence's tokens drawn from its topic)
  --output FILE       write the vectors (word2vec text format; --binary for the binary format)
  --size N            vector dimension (100)            --window N   max skip length (5)
  --negative K        noise words per pair (5)          --nce        NCE with the log(k·q) correction
  --min-count N       drop words seen fewer times (5)   --sample T   subsampling threshold (1e-3; 0 off)
  --iter N            passes over the corpus (5)        --alpha A    starting learning rate (0.025)
  --threads N         threads (all cores)               --seed N     random seed (1)
  --lowercase         lowercase tokens                  --batch N    pairs per kernel call (16384)
  --cache-mb N        keep the --train file's token ids from the vocabulary pass for training when
                      they fit in N MB (256; 4 bytes a token and a line): no second read and
                      tokenising of the file; 0, or a larger file, re-reads it on every pass
  --deterministic     reproducible minibatch steps (bit-identical for any --threads)
  --pipeline 0|1      prepare the next batch while the step runs (default 1 when --threads > 1)
  --quiet             no progress line                  --score      print the planted-topic score
  --query FILE        nearest neighbours by cosine of each word that follows (--top N, 10);
                      with --score and no words: the planted-topic score of FILE's vectors
  --write-corpus FILE write the --synthetic corpus as text (one sentence per line) and exit`;

const DEFAULTS: Word2VecOptions = {
  binary: false, size: 100, window: 5, negative: 5, nce: false, minCount: 5, sample: 1e-3, iter: 5, alpha: 0.025,
  threads: 0, seed: 1, lowercase: false, batch: 16384, deterministic: false, quiet: false, words: [], top: 10,
  topics: 50, vocab: 5000, topicMix: 0.75, score: false, cacheMb: 256,
};

const NUM: Record<string, [keyof Word2VecOptions, number, number, boolean]> = {
  // name: [field, min, max, integer]
  size: ['size', 1, 1 << 20, true], window: ['window', 1, 1000, true], negative: ['negative', 1, 1000, true],
  'min-count': ['minCount', 1, 2 ** 31 - 1, true], sample: ['sample', 0, 1, false], iter: ['iter', 1, 1e6, true],
  alpha: ['alpha', 0, 10, false], threads: ['threads', 1, 1024, true], seed: ['seed', 0, 2 ** 53 - 1, true],
  batch: ['batch', 1, 1 << 24, true], synthetic: ['synthetic', 1, 2 ** 53 - 1, true], top: ['top', 1, 1e6, true],
  topics: ['topics', 1, 1e6, true], vocab: ['vocab', 1, 1e8, true], 'topic-mix': ['topicMix', 0, 1, false],
  'cache-mb': ['cacheMb', 0, 1 << 20, false],
};
const FLAGS: Record<string, keyof Word2VecOptions> = {
  binary: 'binary', nce: 'nce', lowercase: 'lowercase', deterministic: 'deterministic', quiet: 'quiet', score: 'score',
  pipeline: 'pipeline',
};

export function parseArgs(argv: string[]): Word2VecOptions {
  const o: Word2VecOptions = { ...DEFAULTS, words: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('-') || a === '-' || /^-\d/.test(a)) {
      if (o.query !== undefined) { o.words.push(a); continue; }
      throw new CliError(`unexpected argument '${a}'`);
    }
    const name = a.replace(/^--?/, '');
    if (name === 'help' || name === 'h') throw new CliError('help');
    if (name in FLAGS) {
      // word2vec.c spells flags as "-binary 1": accept a following 0/1 too.
      if (argv[i + 1] === '0' || argv[i + 1] === '1') { (o as any)[FLAGS[name]] = argv[++i] === '1'; } else (o as any)[FLAGS[name]] = true;
      continue;
    }
    const v = argv[i + 1];
    if (name === 'train' || name === 'output' || name === 'query' || name === 'write-corpus') {
      if (v === undefined) throw new CliError(`--${name} needs a file name`);
      (o as any)[name === 'write-corpus' ? 'writeCorpus' : name] = v;
      i++;
      continue;
    }
    if (name === 'hs' || name === 'cbow') {
      i++;
      if (v !== '0') throw new CliError(`--${name} ${v ?? ''} is not available: logitkit trains skip-gram with negative sampling or NCE`);
      continue;
    }
    const spec = NUM[name];
    if (!spec) throw new CliError(`unknown option '${a}' (see --help)`);
    const n = Number(v);
    const [field, min, max, int] = spec;
    if (v === undefined || v.trim() === '' || !Number.isFinite(n) || n < min || n > max || (int && !Number.isInteger(n))) {
      throw new CliError(`--${name} ${v ?? ''}: expected ${int ? 'an integer' : 'a number'} in [${min}, ${max}]`);
    }
    (o as any)[field] = n;
    i++;
  }
  return o;
}

// ---- corpora ------------------------------------------------------------------------------

/** A small fast generator for the corpus-side randomness (window shrink, subsampling, synthetic text). */
class XorShift {
  private s: number;
  constructor(seed: number) { this.s = (seed * 2654435761 + 0x9e3779b9) >>> 0 || 1; }
  next(): number { let s = this.s; s ^= s << 13; s ^= s >>> 17; s ^= s << 5; this.s = s >>> 0; return this.s; }
  uniform(): number { return (this.next() + 0.5) / 4294967296; }
}

/**
 * The planted-topic corpus: `vocab` words split evenly over `topics` topics, word r of topic t
 * named `t<t>w<r>`. Each sentence (8–24 tokens) picks a topic uniformly; each token is, with
 * probability `mix` (0.75 by default), a word of that topic drawn by a Zipf(1) law over the topic's words, and
 * otherwise a word of the whole vocabulary by a Zipf(1) law over ranks (background noise). Words
 * of one topic therefore share contexts, words of different topics do not: a good embedding puts
 * a word's nearest neighbours in its own topic, which `topicScore` measures.
 */
export class SyntheticCorpus {
  readonly names: string[];
  readonly topicOf: Int32Array;
  private readonly perTopic: number;
  private readonly topicCdf: Float64Array;
  private readonly globalCdf: Float64Array;
  constructor(readonly tokens: number, readonly topics: number, readonly vocab: number, readonly seed: number, readonly mix = 0.75) {
    if (vocab < topics) throw new CliError(`--vocab ${vocab} must be at least --topics ${topics}`);
    this.perTopic = Math.floor(vocab / topics);
    const V = this.perTopic * topics;
    this.names = new Array<string>(V);
    this.topicOf = new Int32Array(V);
    for (let t = 0; t < topics; t++) {
      for (let r = 0; r < this.perTopic; r++) { this.names[t * this.perTopic + r] = `t${t}w${r}`; this.topicOf[t * this.perTopic + r] = t; }
    }
    const cdf = (n: number) => { const c = new Float64Array(n); let s = 0; for (let i = 0; i < n; i++) c[i] = s += 1 / (i + 1); for (let i = 0; i < n; i++) c[i] /= s; return c; };
    this.topicCdf = cdf(this.perTopic);
    this.globalCdf = cdf(this.perTopic); // the background: the same law over ranks, topic uniform
  }
  private static pick(cdf: Float64Array, u: number): number {
    let lo = 0, hi = cdf.length - 1;
    while (lo < hi) { const m = (lo + hi) >> 1; if (cdf[m] < u) lo = m + 1; else hi = m; }
    return lo;
  }
  /** Sentences of word ids, the same for every pass. */
  *sentences(): Generator<Int32Array> {
    const r = new XorShift(this.seed * 7 + 3);
    let left = this.tokens;
    const buf = new Int32Array(24);
    while (left > 0) {
      const n = Math.min(left, 8 + (r.next() % 17));
      const t = r.next() % this.topics;
      for (let i = 0; i < n; i++) {
        if (r.uniform() < this.mix) buf[i] = t * this.perTopic + SyntheticCorpus.pick(this.topicCdf, r.uniform());
        else buf[i] = (r.next() % this.topics) * this.perTopic + SyntheticCorpus.pick(this.globalCdf, r.uniform());
      }
      left -= n;
      yield buf.subarray(0, n);
    }
  }
}

/** The one line for a file that fails while it is read (its vanishing between passes included). */
function cannotRead(path: string, e: unknown): CliError {
  return new CliError(`${path}: cannot read it (${String((e as Error).message).split(',')[0]})`);
}

/** Whitespace tokens of a text file, streamed; a line break ends a sentence (as word2vec.c's </s>). */
export async function* fileSentences(path: string, lowercase: boolean): AsyncGenerator<string[]> {
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  let rest = '';
  // A file that vanishes or fails between passes is one error line, not an internal error.
  const chunks = (async function* () {
    try {
      yield* stream as AsyncIterable<string>;
    } catch (e) {
      throw cannotRead(path, e);
    }
  })();
  for await (const chunk of chunks) {
    const text = rest + chunk;
    const cut = text.lastIndexOf('\n');
    if (cut < 0) { rest = text; continue; }
    rest = text.slice(cut + 1);
    for (const line of (lowercase ? text.slice(0, cut).toLowerCase() : text.slice(0, cut)).split('\n')) {
      const t = line.split(/\s+/).filter((w) => w.length > 0);
      if (t.length) yield t;
    }
  }
  const t = (lowercase ? rest.toLowerCase() : rest).split(/\s+/).filter((w) => w.length > 0);
  if (t.length) yield t;
}

interface Vocab {
  words: string[];
  counts: Float64Array;
  /** Raw token id (corpus order of first sight, or synthetic id) → vocabulary id, −1 if dropped. */
  map: Map<string, number> | Int32Array;
  trainWords: number;
  /** The --train file's sentences as raw token ids (`remap` → vocabulary id), when they fit --cache-mb. */
  cached?: { raw: Int32Array; lens: Int32Array; remap: Int32Array };
}

/**
 * Raw token ids and sentence lengths appended during the vocabulary pass, in arrays that double
 * as they fill; dropped (null) once they would pass `cap` bytes, so that a corpus of any size
 * still streams in bounded memory.
 */
class IdCache {
  raw: Int32Array | null;
  lens = new Int32Array(256);
  n = 0;
  ns = 0;
  constructor(private cap: number) {
    this.raw = cap >= (1024 + 256) * 4 ? new Int32Array(1024) : null;
  }
  /** Appends one sentence of raw ids, ids[0..len). */
  push(ids: Int32Array, len: number): void {
    if (!this.raw) return;
    const nLens = this.ns === this.lens.length ? this.lens.length * 2 : this.lens.length;
    let nRaw = this.n + len > this.raw.length ? Math.max(this.raw.length * 2, this.n + len) : this.raw.length;
    // The last growth takes what the cap leaves, so the cache holds up to cap/4 ids and lengths.
    if ((nRaw + nLens) * 4 > this.cap) nRaw = Math.floor(this.cap / 4) - nLens;
    if (nRaw < this.n + len) return this.drop();
    if (nRaw !== this.raw.length || nLens !== this.lens.length) {
      try {
        if (nRaw !== this.raw.length) { const r = new Int32Array(nRaw); r.set(this.raw.subarray(0, this.n)); this.raw = r; }
        if (nLens !== this.lens.length) { const l = new Int32Array(nLens); l.set(this.lens); this.lens = l; }
      } catch {
        return this.drop(); // no memory for it (a large --cache-mb): stream the file instead
      }
    }
    this.raw.set(ids.subarray(0, len), this.n);
    this.n += len;
    this.lens[this.ns++] = len;
  }
  private drop(): void {
    this.raw = null;
    this.lens = new Int32Array(0);
  }
}

/** The kept sentences of raw ids, in file order. */
function* keptSentences(c: { raw: Int32Array; lens: Int32Array }): Generator<Int32Array> {
  for (let k = 0, at = 0; k < c.lens.length; at += c.lens[k++]) yield c.raw.subarray(at, at + c.lens[k]);
}

function buildVocab(names: string[], counts: number[], minCount: number): { words: string[]; counts: Float64Array; remap: Int32Array } {
  const order = counts.map((_, i) => i).filter((i) => counts[i] >= minCount);
  order.sort((a, b) => counts[b] - counts[a] || (names[a] < names[b] ? -1 : 1));
  const remap = new Int32Array(names.length).fill(-1);
  order.forEach((raw, id) => { remap[raw] = id; });
  return { words: order.map((i) => names[i]), counts: Float64Array.from(order, (i) => counts[i]), remap };
}

async function scanVocab(o: Word2VecOptions, corpus: SyntheticCorpus | null): Promise<Vocab> {
  let names: string[], counts: number[];
  if (corpus) {
    names = corpus.names;
    counts = new Array<number>(names.length).fill(0);
    for (const s of corpus.sentences()) for (const w of s) counts[w]++;
  } else {
    const cache = new IdCache((o.cacheMb ?? DEFAULTS.cacheMb!) * 1048576);
    if (!o.lowercase) {
      // Over the bytes (lib/cli/tokens.ts): the same tokens and ids, a string only per new word.
      const bv = new ByteVocab();
      try {
        await scanFileIds(o.train!, bv, (ids, n) => cache.push(ids, n));
      } catch (e) {
        if (!(e instanceof ReadError)) throw e;
        throw cannotRead(o.train!, e.error);
      }
      names = bv.names;
      counts = bv.counts;
    } else {
      const index = new Map<string, number>();
      names = [];
      counts = [];
      let ids = new Int32Array(256);
      for await (const s of fileSentences(o.train!, o.lowercase)) {
        if (s.length > ids.length) ids = new Int32Array(s.length * 2);
        for (let j = 0; j < s.length; j++) {
          const w = s[j];
          let i = index.get(w);
          if (i === undefined) { i = names.length; index.set(w, i); names.push(w); counts.push(1); } else counts[i]++;
          ids[j] = i;
        }
        cache.push(ids, s.length);
      }
    }
    if (names.length === 0) throw new CliError(`${o.train}: the corpus is empty (no tokens)`);
    const v = buildVocab(names, counts, o.minCount);
    const map = new Map<string, number>();
    v.words.forEach((w, i) => map.set(w, i));
    const trainWords = v.counts.reduce((a, b) => a + b, 0);
    if (v.words.length === 0) throw new CliError(`${o.train}: no word occurs at least --min-count ${o.minCount} times (${names.length} distinct words)`);
    const cached = cache.raw ? { raw: cache.raw.subarray(0, cache.n), lens: cache.lens.subarray(0, cache.ns), remap: v.remap } : undefined;
    return { words: v.words, counts: v.counts, map, trainWords, cached };
  }
  const v = buildVocab(names, counts, o.minCount);
  if (v.words.length === 0) throw new CliError(`the synthetic corpus has no word with --min-count ${o.minCount} occurrences`);
  return { words: v.words, counts: v.counts, map: v.remap, trainWords: v.counts.reduce((a, b) => a + b, 0) };
}

// ---- training -----------------------------------------------------------------------------

export interface TrainResult {
  words: string[];
  counts: Float64Array;
  /** The input embeddings (V × size), what word2vec.c writes. */
  vectors: Float32Array;
  size: number;
  seconds: number;
  wordsPerSecond: number;
  loss: number;
}

function fmtTime(s: number): string {
  if (!Number.isFinite(s)) return '--:--';
  const m = Math.floor(s / 60), r = Math.floor(s % 60);
  return m >= 60 ? `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m` : `${String(m).padStart(2, '0')}:${String(r).padStart(2, '0')}`;
}

/** Test hooks: `onBatch(n)` runs on the JS thread as batch n (from 0) is handed to the step. */
export interface TrainHooks {
  onBatch?(n: number): void;
}

// Pipelined trainings running in this process (the pool's polling is off while any runs).
let quietTrainers = 0;

export async function train(o: Word2VecOptions, io: Io, corpus: SyntheticCorpus | null = null, hooks: TrainHooks = {}): Promise<TrainResult> {
  if (!corpus && o.synthetic === undefined) {
    if (!o.train) throw new CliError('give --train FILE, --synthetic N or --query FILE (see --help)');
    if (!existsSync(o.train)) throw new CliError(`${o.train}: no such file`);
    if (!statSync(o.train).isFile()) throw new CliError(`${o.train}: not a regular file`);
  }
  if (!corpus && o.synthetic !== undefined) corpus = new SyntheticCorpus(o.synthetic, o.topics, o.vocab, o.seed, o.topicMix);
  const threads = o.threads || backend().threads;
  setThreads(threads);
  const vocab = await scanVocab(o, corpus);
  const V = vocab.words.length, dim = o.size;
  // Pipelined (README, "NCE performance"): while batch n's step runs off the JS thread
  // (skipGramStepAsync), the JS thread subsamples and pairs batch n + 1; at most one step is in
  // flight and steps run one after another, in the same order, with the same learning rates and
  // Rng draws as the synchronous loop, so the tables come out the same bytes whenever the step
  // itself is reproducible: 'deterministic' mode, or 'hogwild' on one thread (with several,
  // hogwild threads race on the tables in either loop). The tables live in a
  // SharedArrayBuffer, which the async step updates in place (a plain buffer would be copied
  // whole at every call and written back whole at completion).
  const pipelined = o.pipeline ?? threads > 1;
  // Each table starts on a 64-byte boundary where the addon can tell the address: rows of a
  // multiple of 16 floats then fill whole cache lines, and hogwild threads writing neighbouring
  // rows never write to one line.
  const table = (n: number) => {
    const buf = pipelined ? new SharedArrayBuffer(n * 4 + 64) : new ArrayBuffer(n * 4 + 64);
    const at = addressMod64(new Uint8Array(buf, 0, 1));
    return new Float32Array(buf, at > 0 && at % 4 === 0 ? 64 - at : 0, n);
  };
  // word2vec.c's initialisation: input rows uniform in ±0.5/dim, output rows zero.
  const input = table(V * dim), output = table(V * dim);
  const init = new XorShift(o.seed);
  for (let i = 0; i < input.length; i++) input[i] = (init.uniform() - 0.5) / dim;
  const sampler = new AliasSampler(unigramNoise(vocab.counts, 0.75));
  const rng = new Rng(o.seed);
  // word2vec.c's subsampling: keep a word of count c with probability (√(c/(s·N)) + 1)·(s·N)/c.
  const keep = new Float64Array(V).fill(1);
  if (o.sample > 0) {
    const sn = o.sample * vocab.trainWords;
    for (let i = 0; i < V; i++) keep[i] = Math.min(1, (Math.sqrt(vocab.counts[i] / sn) + 1) * sn / vocab.counts[i]);
  }
  // Pairs are staged in one buffer: pairing a chunk of at most 1000 subsampled words adds at
  // most 2·window pairs per word, and every full batch of B is handed over right after the
  // chunk that filled it. skipGramStepAsync copies the pairs at the call (README, "Async calls
  // and shared memory"), so the buffer may be refilled while the step runs.
  const B = o.batch, cap = B + 2 * o.window * 1000;
  const centre = new Int32Array(cap), context = new Int32Array(cap);
  let np = 0, batches = 0;
  const total = o.iter * vocab.trainWords;
  let done = 0, lossAvg = NaN, alpha = o.alpha;
  const t0 = performance.now();
  let lastReport = t0; // the first line after one period of training, not at once
  const rnd = new XorShift(o.seed + 1);
  const tty = !!io.stderr.isTTY;
  const report = (final: boolean) => {
    if (o.quiet) return;
    const now = performance.now(), sec = (now - t0) / 1000;
    if (!final && now - lastReport < (tty ? 250 : 10000)) return;
    lastReport = now;
    const wps = done / Math.max(sec, 1e-9), pct = (100 * done) / total;
    const line = `${pct.toFixed(1).padStart(5)}%  ${(wps / 1000).toFixed(1)}k words/s  loss ${lossAvg.toFixed(4)}  alpha ${alpha.toFixed(6)}  ETA ${fmtTime((total - done) / wps)}`;
    io.stderr.write(tty ? `\r${line}${final ? '\n' : ''}` : `${line}\n`);
  };
  const opts = { sampler, negatives: o.negative, objective: o.nce ? 'nce' as const : 'negative-sampling' as const,
    mode: o.deterministic ? 'deterministic' as const : 'hogwild' as const, rng, lr: alpha };
  const lossIn = (l: number) => {
    lossAvg = Number.isNaN(lossAvg) ? l : 0.95 * lossAvg + 0.05 * l;
    report(false);
  };
  // The learning rate of a batch follows the words seen when the chunk that filled it was
  // paired (word2vec.c's linear decay by words seen), in both loops.
  const nextRate = () => {
    hooks.onBatch?.(batches++);
    alpha = Math.max(o.alpha * (1 - done / (total + 1)), o.alpha * 1e-4);
    opts.lr = alpha;
  };
  // The first min(np, B) staged pairs: the batch handed over. (Only at the end is np < B.)
  const batch = () => Math.min(np, B);
  const shift = (m: number) => {
    centre.copyWithin(0, m, np);
    context.copyWithin(0, m, np);
    np -= m;
  };
  const flush = () => {
    if (np === 0) return;
    nextRate();
    const m = batch();
    lossIn(skipGramStep(input, output, dim, centre.subarray(0, m), context.subarray(0, m), opts));
    shift(m);
  };
  // Pipelined: the step in flight (never rejects: a failure is kept in `failed` and rethrown on
  // the JS thread at the next hand-over, so no rejection goes unhandled while pairs are made).
  let inflight: Promise<void> | null = null;
  let failed: { error: unknown } | null = null;
  const settle = async () => {
    if (inflight) await inflight;
    inflight = null;
    if (failed) throw failed.error;
  };
  const flushAsync = async () => {
    if (np === 0) return;
    await settle(); // pipeline depth 1: the previous step ends before this one starts
    nextRate();
    const m = batch();
    inflight = skipGramStepAsync(input, output, dim, centre.subarray(0, m), context.subarray(0, m), opts)
      .then(lossIn, (e: unknown) => { failed = { error: e }; });
    shift(m);
  };
  const sent = new Int32Array(1000);
  const W = o.window;
  // Every (context → centre) pair of word2vec.c's shrunk window over sent[0..n).
  const pairs = (n: number) => {
    for (let i = 0; i < n; i++) {
      const b = rnd.next() % W, lo = Math.max(0, i - W + b), hi = Math.min(n - 1, i + W - b);
      const target = sent[i];
      for (let c = lo; c <= hi; c++) {
        if (c === i) continue;
        centre[np] = sent[c];
        context[np] = target;
        np++;
      }
    }
  };
  // Subsamples ids[from..] into `sent` and pairs every 1000 words and the sentence's end. Stops
  // when a pairing stages a full batch, returning where to resume (ids.length once the sentence
  // is done), so that the caller hands the batch over with `done` as it was when the batch
  // filled: the learning rate is the same as if the step ran at the batch's last pair.
  let ns = 0;
  const subsample = (ids: ArrayLike<number>, from: number): number => {
    for (let i = from; i < ids.length; i++) {
      const w = ids[i];
      if (w < 0) continue;
      done++;
      if (keep[w] < 1 && keep[w] < rnd.uniform()) continue;
      sent[ns++] = w;
      if (ns === sent.length) {
        pairs(ns);
        ns = 0;
        if (np >= B) return i + 1;
      }
    }
    pairs(ns);
    ns = 0;
    return ids.length;
  };
  // Both loops make the same calls in the same order; the pipelined one awaits only at a full
  // batch (a sentence that fills none costs no microtask).
  const trainSync = (ids: ArrayLike<number>) => {
    for (let at = 0; at < ids.length;) {
      at = subsample(ids, at);
      while (np >= B) flush();
    }
  };
  // Pipelined, the JS thread is busy beside the step's `threads` pool threads: more busy threads
  // than cores when threads is the core count, so the pool's polling between jobs (native/pool.cc)
  // would take a core from the JS thread. Measured on 2 vCPUs (AMD EPYC Zen 4), --threads 2:
  // 6.0–6.9 s with polling against 5.3–6.0 s without. Unless LOGITKIT_SPIN_US sets a valid window
  // (as the addon read it when it loaded), the pool sleeps at once while any pipelined training runs.
  const quietPool = pipelined && !poolSpinFromEnv();
  if (quietPool && quietTrainers++ === 0) setPoolSpin(0);
  try {
    for (let it = 0; it < o.iter; it++) {
      // Sentences of raw ids mapped to vocabulary ids: the synthetic corpus, or the ids the
      // vocabulary pass kept (the same sentences, ids and order as reading the file again,
      // without its second read, split and hash lookups). Else the file is read again.
      const raws = corpus ? corpus.sentences() : vocab.cached ? keptSentences(vocab.cached) : null;
      if (raws) {
        const remap = corpus ? (vocab.map as Int32Array) : vocab.cached!.remap;
        let buf = new Int32Array(256);
        for (const s of raws) {
          if (s.length > buf.length) buf = new Int32Array(s.length);
          for (let i = 0; i < s.length; i++) buf[i] = remap[s[i]];
          const ids = buf.subarray(0, s.length);
          if (!pipelined) { trainSync(ids); continue; }
          for (let at = 0; at < ids.length;) {
            at = subsample(ids, at);
            while (np >= B) await flushAsync();
          }
        }
      } else {
        const map = vocab.map as Map<string, number>;
        for await (const s of fileSentences(o.train!, o.lowercase)) {
          const ids = new Int32Array(s.length);
          for (let i = 0; i < s.length; i++) ids[i] = map.get(s[i]) ?? -1;
          if (!pipelined) { trainSync(ids); continue; }
          for (let at = 0; at < ids.length;) {
            at = subsample(ids, at);
            while (np >= B) await flushAsync();
          }
        }
      }
    }
    if (pipelined) { await flushAsync(); await settle(); } else flush();
  } finally {
    if (quietPool && --quietTrainers === 0) setPoolSpin(-1);
    // On an error, let the running step end before the tables are given up.
    if (inflight) await inflight;
  }
  const seconds = (performance.now() - t0) / 1000;
  report(true);
  return { words: vocab.words, counts: vocab.counts, vectors: input, size: dim, seconds, wordsPerSecond: done / seconds, loss: lossAvg };
}

// ---- formats ------------------------------------------------------------------------------

/** word2vec.c's formats: "V dim" then one word per line ("%lf " per value), or binary float32 rows. */
export async function writeVectors(path: string, words: string[], vectors: Float32Array, dim: number, binary: boolean): Promise<void> {
  const out = createWriteStream(path);
  const write = async (s: string | Buffer) => { if (!out.write(s)) await once(out, 'drain'); };
  out.on('error', () => {});
  const failed = new Promise<never>((_, rej) => out.once('error', (e) => rej(new CliError(`${path}: ${e.message}`))));
  const work = (async () => {
    await write(`${words.length} ${dim}\n`);
    for (let i = 0; i < words.length; i++) {
      const row = vectors.subarray(i * dim, (i + 1) * dim);
      if (binary) {
        await write(Buffer.concat([Buffer.from(`${words[i]} `), Buffer.from(Float32Array.from(row).buffer), Buffer.from('\n')]));
      } else {
        let line = `${words[i]} `;
        for (let d = 0; d < dim; d++) line += `${row[d].toFixed(6)} `;
        await write(`${line}\n`);
      }
    }
    out.end();
    await once(out, 'finish');
  })();
  await Promise.race([work, failed]);
}

/** Reads either format (binary when the bytes after the header are not all text). */
export function readVectors(path: string): { words: string[]; vectors: Float32Array; dim: number } {
  if (!existsSync(path)) throw new CliError(`${path}: no such file`);
  const buf = readFileSync(path);
  const nl = buf.indexOf(10);
  const head = buf.subarray(0, nl < 0 ? buf.length : nl).toString('latin1').trim().split(/\s+/);
  const V = Number(head[0]), dim = Number(head[1]);
  if (head.length !== 2 || !Number.isInteger(V) || !Number.isInteger(dim) || V < 0 || dim < 1) {
    throw new CliError(`${path}: not a word2vec vectors file (the first line must be "<words> <dimension>")`);
  }
  const words: string[] = [], vectors = new Float32Array(V * dim);
  let at = nl + 1;
  // Binary when the first row's bytes after the word are not a text row of `dim` numbers.
  const firstEnd = buf.indexOf(10, at);
  const firstLine = buf.subarray(at, firstEnd < 0 ? buf.length : firstEnd).toString('latin1').trim().split(' ');
  const binary = !(firstLine.length === dim + 1 && firstLine.slice(1).every((x) => x !== '' && Number.isFinite(Number(x))));
  for (let i = 0; i < V; i++) {
    if (binary) {
      while (at < buf.length && buf[at] === 10) at++;
      const sp = buf.indexOf(32, at);
      if (sp < 0 || sp + 1 + 4 * dim > buf.length) throw new CliError(`${path}: truncated at word ${i} of ${V}`);
      words.push(buf.subarray(at, sp).toString('utf8'));
      const row = new Float32Array(buf.buffer.slice(buf.byteOffset + sp + 1, buf.byteOffset + sp + 1 + 4 * dim));
      vectors.set(row, i * dim);
      at = sp + 1 + 4 * dim;
    } else {
      const end = buf.indexOf(10, at);
      const parts = buf.subarray(at, end < 0 ? buf.length : end).toString('utf8').trim().split(/\s+/);
      if (parts.length !== dim + 1) throw new CliError(`${path}: line ${i + 2} has ${parts.length - 1} numbers, expected ${dim}`);
      words.push(parts[0]);
      for (let d = 0; d < dim; d++) {
        const x = Number(parts[d + 1]);
        if (!Number.isFinite(x)) throw new CliError(`${path}: line ${i + 2}: '${parts[d + 1]}' is not a number`);
        vectors[i * dim + d] = x;
      }
      at = end < 0 ? buf.length : end + 1;
    }
  }
  return { words, vectors, dim };
}

/** Rows scaled to unit length (zero rows stay zero). */
export function normalise(vectors: Float32Array, dim: number): Float32Array {
  const out = new Float32Array(vectors.length);
  for (let i = 0; i < vectors.length; i += dim) {
    let s = 0;
    for (let d = 0; d < dim; d++) s += vectors[i + d] * vectors[i + d];
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let d = 0; d < dim; d++) out[i + d] = vectors[i + d] * inv;
  }
  return out;
}

/** The `top` nearest rows of row `q` by cosine (unit rows), best first, q itself excluded. */
export function nearest(unit: Float32Array, dim: number, q: number, top: number): { index: number; cosine: number }[] {
  const V = unit.length / dim, best: { index: number; cosine: number }[] = [];
  for (let i = 0; i < V; i++) {
    if (i === q) continue;
    let s = 0;
    for (let d = 0; d < dim; d++) s += unit[q * dim + d] * unit[i * dim + d];
    if (best.length < top || s > best[best.length - 1].cosine) {
      best.push({ index: i, cosine: s });
      best.sort((a, b) => b.cosine - a.cosine);
      if (best.length > top) best.pop();
    }
  }
  return best;
}

/**
 * The planted-structure score: over the `probe` most frequent words (of topic-named words
 * `t<t>w<r>`), the fraction of each word's 10 nearest neighbours (cosine) that belong to its
 * own topic. Chance is about 1/topics; a perfect embedding scores 1.
 */
export function topicScore(words: string[], vectors: Float32Array, dim: number, probe = 1000, top = 10): number {
  const topic = (w: string) => Number(/^t(\d+)w\d+$/.exec(w)?.[1] ?? -1);
  const unit = normalise(vectors, dim);
  const n = Math.min(probe, words.length);
  let hit = 0, all = 0;
  for (let q = 0; q < n; q++) {
    const t = topic(words[q]);
    for (const { index } of nearest(unit, dim, q, top)) { all++; if (topic(words[index]) === t) hit++; }
  }
  return all ? hit / all : NaN;
}

// ---- main ---------------------------------------------------------------------------------

/** Runs the command; returns the exit status (errors are one line on stderr, never a stack trace). */
export async function main(argv: string[], io: Io = process, hooks: TrainHooks = {}): Promise<number> {
  try {
    const o = parseArgs(argv);
    if (o.query !== undefined) {
      const { words, vectors, dim } = readVectors(o.query);
      if (o.words.length === 0 && o.score) { io.stdout.write(`topic score ${topicScore(words, vectors, dim).toFixed(4)}\n`); return 0; }
      if (o.words.length === 0) throw new CliError('--query needs at least one word after the file');
      const unit = normalise(vectors, dim);
      const index = new Map(words.map((w, i) => [w, i]));
      let missing = 0;
      for (const w of o.words) {
        const q = index.get(w);
        if (q === undefined) { io.stderr.write(`logitkit word2vec: '${w}' is not in ${o.query}\n`); missing++; continue; }
        io.stdout.write(`${w}\n`);
        for (const { index: i, cosine } of nearest(unit, dim, q, o.top)) io.stdout.write(`  ${words[i]}\t${cosine.toFixed(4)}\n`);
      }
      return missing === o.words.length ? 1 : 0;
    }
    if (o.train && o.synthetic !== undefined) throw new CliError('give either --train or --synthetic, not both');
    if (o.writeCorpus !== undefined) {
      if (o.synthetic === undefined) throw new CliError('--write-corpus needs --synthetic N');
      const c = new SyntheticCorpus(o.synthetic, o.topics, o.vocab, o.seed, o.topicMix);
      const out = createWriteStream(o.writeCorpus);
      const failed = new Promise<never>((_, rej) => out.once('error', (e) => rej(new CliError(`${o.writeCorpus}: ${e.message}`))));
      const work = (async () => {
        let buf = '';
        for (const sentence of c.sentences()) {
          buf += `${Array.from(sentence, (w) => c.names[w]).join(' ')}\n`;
          if (buf.length > 1 << 16) { if (!out.write(buf)) await once(out, 'drain'); buf = ''; }
        }
        out.end(buf);
        await once(out, 'finish');
      })();
      await Promise.race([work, failed]);
      return 0;
    }
    if (o.output) {
      // Fail before hours of training, not after.
      try { closeSync(openSync(o.output, 'w')); } catch (e) { throw new CliError(`${o.output}: ${(e as Error).message}`); }
    }
    const r = await train(o, io, null, hooks);
    if (o.output) await writeVectors(o.output, r.words, r.vectors, r.size, o.binary);
    if (!o.quiet) {
      io.stderr.write(`trained ${r.words.length} words × ${r.size} in ${r.seconds.toFixed(2)} s (${(r.wordsPerSecond / 1000).toFixed(1)}k words/s, ${backend().isa}, ${backend().threads} threads)\n`);
    }
    if (o.score) io.stdout.write(`topic score ${topicScore(r.words, r.vectors, r.size).toFixed(4)}\n`);
    return 0;
  } catch (e) {
    if (e instanceof CliError && e.message === 'help') { io.stdout.write(`${USAGE}\n`); return 0; }
    const msg = e instanceof CliError ? e.message : (e as { code?: string }).code === 'EACCES' || (e as { code?: string }).code === 'EISDIR'
      ? (e as Error).message : `internal error: ${(e as Error)?.message ?? String(e)}`;
    io.stderr.write(`logitkit word2vec: ${msg.split('\n')[0]}\n`);
    return msg.startsWith('unknown option') || msg.startsWith('unexpected') || msg.startsWith('--') || msg.startsWith('give') ? 2 : 1;
  }
}
