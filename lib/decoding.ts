// Decoding: one fused pass from a language model's logits to the next tokens (penalties,
// temperature, top-k, top-p, min-p, sampling), exact and reproducible per row.
import type { Kernels } from './kernels/index.js';
import { DECODE_PARAM as P, DECODE_PARAMS } from './kernels/decoding.js';
import { rangeError, typeError } from './errors.js';
import { Rng, rngOfSeed } from './rng.js';
import { rowStreams, type RowRandomOptions } from './sampling.js';
import { bool, describe, f32, finite, i32, integer, isDetached, isTypedArrayOf, nonNegative, number, optionKeys, options, outI32, positive, rowsOf } from './validate.js';

/** A sparse logit bias: token → added logit. */
export type LogitBias = Map<number, number> | Record<number, number> | { tokens: Int32Array | number[]; values: ArrayLike<number> };

/**
 * Per-row logit biases (requests in a batch each with their own): one LogitBias per row (null or
 * undefined: none), or one flat list with rows + 1 offsets (row r: entries offsets[r] … offsets[r+1] − 1).
 */
export type RowLogitBias =
  | Array<LogitBias | null | undefined>
  | { tokens: Int32Array | number[]; values: ArrayLike<number>; offsets: Int32Array | number[] };

/** Per-row banned tokens: one array per row (null or undefined: none), or one flat array with rows + 1 offsets. */
export type RowBannedTokens = Array<Int32Array | number[] | null | undefined> | { tokens: Int32Array | number[]; offsets: Int32Array | number[] };

/** Per-row token histories: one array per row, or one flat array with rows + 1 offsets. */
export type PreviousTokens = Array<Int32Array | number[]> | { tokens: Int32Array; offsets: Int32Array };

export interface SampleNextOptions extends RowRandomOptions {
  /** Divides the logits (default 1); 0 picks the most probable token (greedy, no randomness needed). */
  temperature?: number;
  /** Keep the k most probable tokens (ties: lower index first, as topk); 0 or absent = off. */
  topK?: number;
  /** Nucleus: keep a token when the tokens strictly more probable sum to less than p; (0, 1], 1 = off. */
  topP?: number;
  /** Keep tokens whose probability is ≥ minP × the largest; [0, 1], 0 = off. */
  minP?: number;
  /** CTRL penalty on tokens of previousTokens: positive logits divided, negative multiplied (> 0; 1 = off). */
  repetitionPenalty?: number;
  /** Subtracted once from the logit of every token in previousTokens (OpenAI). */
  presencePenalty?: number;
  /** Subtracted count times from the logit of every token in previousTokens (OpenAI). */
  frequencyPenalty?: number;
  /** Added to the logits of the listed tokens (finite values): one map for every row, or per row (RowLogitBias). */
  logitBias?: LogitBias | RowLogitBias;
  /** Tokens never produced (their logits become −Infinity): one list for every row, or per row (RowBannedTokens). */
  bannedTokens?: Int32Array | number[] | RowBannedTokens;
  /** The tokens each row has produced so far (for the three penalties). */
  previousTokens?: PreviousTokens;
  /** Output buffer for the tokens (length rows). */
  out?: Int32Array;
  /** Return `{ tokens, logProbs }`: the chosen token's log-probability under the processed distribution. */
  returnLogProbs?: boolean;
  /** Also return the n most probable tokens of the processed distribution per row (implies returnLogProbs). */
  topLogProbs?: number;
}

export interface DecoderOptions extends Omit<SampleNextOptions, 'previousTokens' | 'out' | 'returnLogProbs' | 'topLogProbs'> {
  /** Each row's tokens before generation starts (the prompt), for the penalties. */
  prompt?: ArrayLike<number>[];
}

/** A stateful sampler for a generation loop (see `decoder`). */
export interface Decoder {
  /** Samples one token per row (rows = logits.length / cols) and appends it to the row's history. */
  next(logits: Float32Array, cols: number): Int32Array;
  /** Each row's history (prompt + generated tokens). */
  readonly histories: number[][];
  /** Forgets the histories. */
  reset(): void;
}

export interface SampleNextResult {
  tokens: Int32Array;
  /** log p(token) under the processed distribution (NaN for a row whose token is −1). */
  logProbs: Float32Array;
  /** The topLogProbs most probable tokens per row (rows × n, best first; −1 / −Infinity past the support). */
  top?: { indices: Int32Array; logProbs: Float32Array };
}

// The names each options object accepts (anything else is a RangeError) and the exclusive
// group: one source of randomness per call.
const DECODE_KEYS = {
  temperature: true, topK: true, topP: true, minP: true, repetitionPenalty: true, presencePenalty: true,
  frequencyPenalty: true, logitBias: true, bannedTokens: true, rng: true, seed: true, rngs: true,
} as const;
const ONE_ROW_RNG = [['rng', 'seed', 'rngs']] as const;
const SAMPLE_NEXT_OPTIONS = optionKeys<SampleNextOptions>(
  { ...DECODE_KEYS, previousTokens: true, out: true, returnLogProbs: true, topLogProbs: true }, ONE_ROW_RNG);
const DECODER_OPTIONS = optionKeys<DecoderOptions>({ ...DECODE_KEYS, prompt: true }, ONE_ROW_RNG);

const EMPTY_I32 = new Int32Array(0);
const EMPTY_F64 = new Float64Array(0);

/** A token id in [0, cols). */
function tokenId(v: unknown, cols: number, name: string): number {
  if (typeof v !== 'number') throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `${name} must be a number, received ${describe(v)}`);
  if (!Number.isInteger(v) || v < 0 || v >= cols) throw rangeError(`${name} = ${v} is out of range [0, ${cols})`);
  return v;
}

/** One map's (token, bias) pairs, sorted by token; a token listed twice is a RangeError. */
function biasPairs(v: unknown, cols: number, name: string): Array<[number, number]> {
  let pairs: Array<[number, number]>;
  if (v instanceof Map) {
    pairs = [...v.entries()].map(([t, b], i) => [tokenId(t, cols, `${name} key #${i}`), finite(b, `${name}.get(${String(t)})`)]);
  } else if (v !== null && typeof v === 'object' && 'tokens' in v && 'values' in v) {
    const o = v as { tokens: ArrayLike<number>; values: ArrayLike<number> };
    if (!ArrayBuffer.isView(o.tokens) && !Array.isArray(o.tokens)) throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `${name}.tokens must be an Int32Array or an array, received ${describe(o.tokens)}`);
    if (!ArrayBuffer.isView(o.values) && !Array.isArray(o.values)) throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `${name}.values must be an array, received ${describe(o.values)}`);
    if (o.tokens.length !== o.values.length) throw rangeError(`${name}.values.length = ${o.values.length} is out of range: expected tokens.length = ${o.tokens.length}`);
    pairs = Array.from({ length: o.tokens.length }, (_, i) => [tokenId(o.tokens[i], cols, `${name}.tokens[${i}]`), finite(o.values[i], `${name}.values[${i}]`)]);
  } else if (v !== null && typeof v === 'object' && !Array.isArray(v) && !ArrayBuffer.isView(v)) {
    pairs = Object.entries(v as Record<string, unknown>).map(([t, b]) => [tokenId(Number(t), cols, `${name} key "${t}"`), finite(b, `${name}[${t}]`)]);
  } else {
    throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `${name} must be a Map, an object or { tokens, values }, received ${describe(v)}`);
  }
  pairs.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < pairs.length; i++) {
    if (pairs[i][0] === pairs[i - 1][0]) throw rangeError(`${name}: token ${pairs[i][0]} is listed twice`);
  }
  return pairs;
}

/**
 * A list of token ids given as an Int32Array or a plain array (a real Int32Array, read through
 * its internal slot: a Proxy or an object with Int32Array's prototype is refused, as is a
 * detached one).
 */
function tokenList(v: unknown, name: string): ArrayLike<number> | null {
  if (Array.isArray(v)) return v;
  if (!isTypedArrayOf(v, 'Int32Array')) return null;
  if (isDetached(v as Int32Array)) throw typeError('ERR_LOGITKIT_DETACHED', `${name} is backed by a detached ArrayBuffer`);
  return v as Int32Array;
}

/** rows + 1 offsets of a flat per-row list of n entries (from 0 to n, not decreasing). */
function rowOffsets(v: unknown, rows: number, n: number, name: string): Int32Array {
  const list = tokenList(v, name);
  if (!list) throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `${name} must be an Int32Array or an array, received ${describe(v)}`);
  const off = Int32Array.from(list);
  if (off.length !== rows + 1) throw rangeError(`${name}.length = ${off.length} is out of range: expected rows + 1 = ${rows + 1}`);
  for (let r = 0; r <= rows; r++) {
    if (off[r] !== (v as ArrayLike<number>)[r]) throw rangeError(`${name}[${r}] = ${(v as ArrayLike<number>)[r]} is out of range: expected an integer`);
  }
  if (off[0] !== 0 || off[rows] !== n) throw rangeError(`${name} must start at 0 and end at tokens.length = ${n}`);
  for (let r = 0; r < rows; r++) {
    if (off[r + 1] < off[r]) throw rangeError(`${name}[${r + 1}] = ${off[r + 1]} is out of range: expected ≥ ${name.split('.').pop()}[${r}] = ${off[r]}`);
  }
  return off;
}

/** The flat form of per-row pair lists. */
function flatBias(perRow: Array<Array<[number, number]>>): { idx: Int32Array; val: Float64Array; off: Int32Array } {
  const off = new Int32Array(perRow.length + 1);
  perRow.forEach((p, r) => { off[r + 1] = off[r] + p.length; });
  const idx = new Int32Array(off[perRow.length]), val = new Float64Array(off[perRow.length]);
  perRow.forEach((p, r) => p.forEach(([t, b], i) => { idx[off[r] + i] = t; val[off[r] + i] = b; }));
  return { idx, val, off };
}

function biasOf(v: unknown, rows: number, cols: number, fn: string): { idx: Int32Array; val: Float64Array; off: Int32Array | null } {
  if (v === undefined) return { idx: EMPTY_I32, val: EMPTY_F64, off: null };
  const name = `${fn}: options.logitBias`;
  if (Array.isArray(v)) {
    // One map per row.
    if (v.length !== rows) throw rangeError(`${name}.length = ${v.length} is out of range: expected rows = ${rows}`);
    return flatBias(v.map((b, r) => (b === undefined || b === null ? [] : biasPairs(b, cols, `${name}[${r}]`))));
  }
  if (v !== null && typeof v === 'object' && 'offsets' in v) {
    // The flat per-row form: { tokens, values, offsets }.
    const o = v as { tokens?: unknown; values?: unknown; offsets: unknown };
    const all = biasPairsUnsorted(o, cols, name);
    const off = rowOffsets(o.offsets, rows, all.length, `${name}.offsets`);
    return flatBias(Array.from({ length: rows }, (_, r) => sortedUnique(all.slice(off[r], off[r + 1]), `${name} row ${r}`)));
  }
  const { idx, val } = flatBias([biasPairs(v, cols, name)]);
  return { idx, val, off: null };
}

/** The (token, bias) pairs of a flat { tokens, values } in their given order. */
function biasPairsUnsorted(o: { tokens?: unknown; values?: unknown }, cols: number, name: string): Array<[number, number]> {
  if (!ArrayBuffer.isView(o.tokens) && !Array.isArray(o.tokens)) throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `${name}.tokens must be an Int32Array or an array, received ${describe(o.tokens)}`);
  if (!ArrayBuffer.isView(o.values) && !Array.isArray(o.values)) throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `${name}.values must be an array, received ${describe(o.values)}`);
  const t = o.tokens as ArrayLike<number>, b = o.values as ArrayLike<number>;
  if (t.length !== b.length) throw rangeError(`${name}.values.length = ${b.length} is out of range: expected tokens.length = ${t.length}`);
  return Array.from({ length: t.length }, (_, i) => [tokenId(t[i], cols, `${name}.tokens[${i}]`), finite(b[i], `${name}.values[${i}]`)]);
}

/** Pairs sorted by token; a token listed twice in one row is a RangeError naming the row. */
function sortedUnique(pairs: Array<[number, number]>, name: string): Array<[number, number]> {
  pairs.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < pairs.length; i++) {
    if (pairs[i][0] === pairs[i - 1][0]) throw rangeError(`${name}: token ${pairs[i][0]} is listed twice`);
  }
  return pairs;
}

/** A decoder's prompt: one list of token ids (integers ≥ 0) per row, copied. */
function promptOf(v: unknown, name: string): number[][] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `${name} must be an array of token lists (one per row), received ${describe(v)}`);
  return v.map((p, r) => {
    const list = tokenList(p, `${name}[${r}]`);
    if (!list) throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `${name}[${r}] must be an Int32Array or an array, received ${describe(p)}`);
    return Array.from(list, (t, i) => {
      if (typeof t !== 'number' || !Number.isInteger(t) || t < 0 || t > 0x7fffffff) {
        throw rangeError(`${name}[${r}][${i}] = ${describe(t)} is out of range: expected a token id (an integer ≥ 0)`);
      }
      return t;
    });
  });
}

/** Token ids, deduplicated and sorted. */
function banList(v: unknown, cols: number, name: string): Int32Array {
  const list = tokenList(v, name);
  if (!list) throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `${name} must be an Int32Array or an array, received ${describe(v)}`);
  const a = Array.from(list, (t, i) => tokenId(t, cols, `${name}[${i}]`));
  return Int32Array.from(new Set(a)).sort();
}

function flatBans(perRow: Int32Array[]): { ids: Int32Array; off: Int32Array } {
  const off = new Int32Array(perRow.length + 1);
  perRow.forEach((p, r) => { off[r + 1] = off[r] + p.length; });
  const ids = new Int32Array(off[perRow.length]);
  perRow.forEach((p, r) => ids.set(p, off[r]));
  return { ids, off };
}

function bannedOf(v: unknown, rows: number, cols: number, fn: string): { ids: Int32Array; off: Int32Array | null } {
  if (v === undefined) return { ids: EMPTY_I32, off: null };
  const name = `${fn}: options.bannedTokens`;
  if (Array.isArray(v) && v.some((e) => e === null || e === undefined || Array.isArray(e) || ArrayBuffer.isView(e))) {
    // One list per row: an element that is itself a list (or null / undefined for none). Any
    // other array is the shared form, whose elements banList checks one by one.
    if (v.length !== rows) throw rangeError(`${name}.length = ${v.length} is out of range: expected rows = ${rows}`);
    return flatBans(v.map((b, r) => (b === undefined || b === null ? EMPTY_I32 : banList(b, cols, `${name}[${r}]`))));
  }
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && !ArrayBuffer.isView(v) && 'offsets' in v) {
    const o = v as { tokens?: unknown; offsets: unknown };
    const t = tokenList(o.tokens, `${name}.tokens`);
    if (!t) throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `${name}.tokens must be an Int32Array or an array, received ${describe(o.tokens)}`);
    const off = rowOffsets(o.offsets, rows, t.length, `${name}.offsets`);
    return flatBans(Array.from({ length: rows }, (_, r) => {
      const a: number[] = [];
      for (let i = off[r]; i < off[r + 1]; i++) a.push(tokenId(t[i], cols, `${name} row ${r}: tokens[${i}]`));
      return Int32Array.from(new Set(a)).sort();
    }));
  }
  return { ids: banList(v, cols, name), off: null };
}

// The flat copy of per-row histories for synchronous calls goes into one kept buffer: a
// zero-filled allocation of a batch's histories (128 KB for 64 rows of 512 tokens) cost page
// faults and a memset on every call, about 3 % of sampleNext's time on 64 rows (perf, AMD EPYC
// Zen 4). A call leases the buffer (histScratch is null while it is out) and gives it back after
// the kernel, on every path; a call made meanwhile — from an option getter or a duck-typed rng's
// reserve(), say — finds it out and allocates its own, so no call can see another's tokens.
// Histories above HIST_KEEP_MAX tokens (4 MB) are not kept: such calls allocate their own.
const HIST_KEEP_MAX = 1 << 20;
let histScratch: Int32Array | null = new Int32Array(0);
interface HistLease {
  buf: Int32Array | null;
}
function histBuffer(n: number, lease: HistLease | null): Int32Array {
  if (!lease || histScratch === null || n > HIST_KEEP_MAX) return new Int32Array(n);
  let b = histScratch;
  if (b.length < n) b = new Int32Array(Math.min(HIST_KEEP_MAX, Math.max(n, 2 * b.length)));
  histScratch = null;
  lease.buf = b;
  return b.subarray(0, n);
}
function giveBack(lease: HistLease): void {
  if (lease.buf) {
    histScratch = lease.buf;
    lease.buf = null;
  }
}

// firstOutside: the backend's check of a token array (DecodingKernels.firstOutside).
type FirstOutside = (a: Int32Array, cols: number) => number;

/** The row whose slice off[r] .. off[r + 1] holds flat index i (empty rows skipped). */
function rowAt(off: Int32Array, i: number): number {
  let r = 0;
  while (off[r + 1] <= i) r++;
  return r;
}

function historyOf(v: unknown, rows: number, cols: number, fn: string, lease: HistLease | null, firstOutside: FirstOutside): { hist: Int32Array; off: Int32Array | null } {
  if (v === undefined) return { hist: EMPTY_I32, off: null };
  const name = `${fn}: options.previousTokens`;
  let hist: Int32Array, off: Int32Array;
  if (Array.isArray(v)) {
    if (v.length !== rows) throw rangeError(`${name}.length = ${v.length} is out of range: expected rows = ${rows}`);
    off = new Int32Array(rows + 1);
    const lists = v.map((h, r) => {
      const list = tokenList(h, `${name}[${r}]`);
      if (!list) throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `${name}[${r}] must be an Int32Array or an array, received ${describe(h)}`);
      off[r + 1] = off[r] + list.length;
      return list;
    });
    hist = histBuffer(off[rows], lease);
    for (let r = 0; r < rows; r++) {
      const h = lists[r];
      if (Array.isArray(h)) {
        // Plain arrays before the copy (which would truncate 1.5 or wrap 2³²).
        for (let i = 0; i < h.length; i++) {
          const t = h[i];
          if (!Number.isInteger(t) || t < 0 || t >= cols) throw rangeError(`${name}[${r}][${i}] = ${typeof t === 'number' ? t : describe(t)} is out of range [0, ${cols})`);
        }
      }
      // A kept buffer holds an earlier call's tokens: a row whose length changed since the
      // offsets were taken (a getter) would leave some of them in place.
      if (h.length !== off[r + 1] - off[r]) throw rangeError(`${name}[${r}].length changed while the histories were read`);
      hist.set(h, off[r]);
    }
    // Int32Array rows: one range check over the copy, by the backend (a 64-row batch of
    // 512-token histories is 32k ids: a JavaScript loop over them cost ≈ 2 % of the call).
    const i = firstOutside(hist, cols);
    if (i >= 0) {
      const r = rowAt(off, i);
      throw rangeError(`${name}[${r}][${i - off[r]}] = ${hist[i]} is out of range [0, ${cols})`);
    }
  } else if (v !== null && typeof v === 'object' && 'tokens' in v && 'offsets' in v) {
    const o = v as { tokens: unknown; offsets: unknown };
    hist = i32(o.tokens, `${name}.tokens`);
    off = i32(o.offsets, `${name}.offsets`);
    if (off.length !== rows + 1) throw rangeError(`${name}.offsets.length = ${off.length} is out of range: expected rows + 1 = ${rows + 1}`);
    if (off[0] !== 0 || off[rows] !== hist.length) throw rangeError(`${name}.offsets must start at 0 and end at tokens.length = ${hist.length}`);
    for (let r = 0; r < rows; r++) {
      if (off[r + 1] < off[r]) throw rangeError(`${name}.offsets[${r + 1}] = ${off[r + 1]} is out of range: expected ≥ offsets[${r}] = ${off[r]}`);
    }
    const i = firstOutside(hist, cols);
    if (i >= 0) throw rangeError(`${name} row ${rowAt(off, i)}: tokens[${i}] = ${hist[i]} is out of range [0, ${cols})`);
  } else {
    throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `${name} must be an array of Int32Arrays (one per row) or { tokens, offsets }, received ${describe(v)}`);
  }
  return { hist, off };
}

// lease: a synchronous call's hold on the kept history buffer (see histBuffer), given back by the
// caller after the kernel.
function sampleNextArgs(fn: string, logits: unknown, cols: unknown, opts: unknown, k: Kernels, lease: HistLease | null = null) {
  const x = f32(logits, `${fn}: logits`);
  const { rows, cols: c } = rowsOf(x, cols, `${fn}: logits`);
  if (c > 0x7fffffff) throw rangeError(`${fn}: cols = ${c} is out of range: expected at most 2147483647`);
  const o = options(opts, `${fn}: options`, SAMPLE_NEXT_OPTIONS);
  const params = new Float64Array(DECODE_PARAMS);
  params[P.temperature] = o.temperature === undefined ? 1 : nonNegative(o.temperature, `${fn}: options.temperature`);
  // topK ≥ cols keeps every token, as topK = cols does (the kernels take it as an int32).
  params[P.topK] = o.topK === undefined ? 0 : Math.min(integer(o.topK, `${fn}: options.topK`, 0), c);
  if (o.topP !== undefined) {
    const p = number(o.topP, `${fn}: options.topP`);
    if (!(p > 0 && p <= 1)) throw rangeError(`${fn}: options.topP = ${p} is out of range: expected a number in (0, 1]`);
  }
  params[P.topP] = o.topP ?? 1;
  if (o.minP !== undefined) {
    const p = number(o.minP, `${fn}: options.minP`);
    if (!(p >= 0 && p <= 1)) throw rangeError(`${fn}: options.minP = ${p} is out of range: expected a number in [0, 1]`);
  }
  params[P.minP] = o.minP ?? 0;
  params[P.repetitionPenalty] = o.repetitionPenalty === undefined ? 1 : positive(o.repetitionPenalty, `${fn}: options.repetitionPenalty`);
  params[P.presencePenalty] = o.presencePenalty === undefined ? 0 : finite(o.presencePenalty, `${fn}: options.presencePenalty`);
  params[P.frequencyPenalty] = o.frequencyPenalty === undefined ? 0 : finite(o.frequencyPenalty, `${fn}: options.frequencyPenalty`);
  const topN = o.topLogProbs === undefined ? 0 : integer(o.topLogProbs, `${fn}: options.topLogProbs`, 0, c);
  params[P.topN] = topN;
  const withLp = bool(o.returnLogProbs, `${fn}: options.returnLogProbs`, false) || o.topLogProbs !== undefined;
  const bias = biasOf(o.logitBias, rows, c, fn);
  const banned = bannedOf(o.bannedTokens, rows, c, fn);
  const { hist, off } = historyOf(o.previousTokens, rows, c, fn, lease, k.firstOutside);
  const tokens = outI32(o.out, rows, `${fn}: options.out`, [x], `rows = ${rows}`);
  const greedy = params[P.temperature] === 0;
  // Greedy needs no randomness; a given Rng still advances by cols words a row, as when sampling.
  const noRng = greedy && o.rng === undefined && o.seed === undefined && o.rngs === undefined;
  const streams = noRng ? () => ({ s: { k0: 0, k1: 0, c0: 0, c1: 0, c2: 0, c3: 0 }, perRow: null }) : rowStreams(o, rows, c, fn);
  const logProbs = withLp ? new Float32Array(rows) : null;
  const topIdx = topN > 0 ? new Int32Array(rows * topN) : null;
  const topLp = topN > 0 ? new Float32Array(rows * topN) : null;
  return { x, cols: c, params, hist, off, bias, banned, tokens, logProbs, topIdx, topLp, streams, withLp };
}

type Args = ReturnType<typeof sampleNextArgs>;

function result(a: Args): Int32Array | SampleNextResult {
  if (!a.withLp) return a.tokens;
  const r: SampleNextResult = { tokens: a.tokens, logProbs: a.logProbs as Float32Array };
  if (a.topIdx) r.top = { indices: a.topIdx, logProbs: a.topLp as Float32Array };
  return r;
}

export function createDecodingApi(k: Kernels) {
  /**
   * One next token per row of a language model's logits (rows × cols, row-major), in one fused
   * pass. The processed logits z and the order of operations (fixed):
   *
   * 1. repetition penalty ρ on tokens in the row's previousTokens: z > 0 → z/ρ, else z·ρ
   *    (CTRL, Keskar et al. 2019; Hugging Face's RepetitionPenaltyLogitsProcessor);
   * 2. z −= frequencyPenalty·count + presencePenalty for those tokens (OpenAI; the order vLLM uses);
   * 3. z += logitBias[t]; bannedTokens → −Infinity (one list for every row, or per row: an array
   *    of one map / one token list per row, or a flat `{ tokens, values?, offsets }` with rows + 1
   *    offsets, as previousTokens takes; a row's own lists act on that row alone, so a batched
   *    server can let requests join and leave);
   * 4. temperature T: p ∝ exp((z − max z)/T);
   * 5. top-k: the k largest z (ties, −0 and +0 included: lower index first, as `topk`);
   * 6. top-p on the distribution left by top-k: keep a token when the tokens *strictly* more
   *    probable than it sum to less than p (so tied tokens stay or go together);
   * 7. min-p on the distribution left by top-p: keep p ≥ minP · max p;
   * 8. sample from what is left (Gumbel-max: argmax (z − max z)/T + G, G the full-word Gumbel of
   *    the column's Philox word; ties to the lower index). temperature 0 returns the most probable
   *    token instead (its log-probabilities are those of T = 1).
   *
   * Exactness: every deciding quantity is computed in float64 with fixed exp/log polynomials
   * (logitkit/reference detExp, detLog), so the token is identical on every backend and tier for
   * a seed, and its distribution is exactly that of sort → cut → sample. No sort of the
   * vocabulary: a bounded candidate set (heap/threshold selection) covers top-k, top-p and min-p.
   *
   * Draws: every row consumes cols words (row-major, one per column, as sampleCategorical, whose
   * tokens it reproduces with temperature alone), reserved when the call is made; `rngs` gives
   * each row its own stream (a batch's rows stay reproducible as requests join and leave).
   *
   * Bad input: RangeError naming the row and argument (topP outside (0, 1], minP outside [0, 1],
   * negative topK, repetitionPenalty ≤ 0, out-of-range token ids). A row with nothing left (every
   * token masked or banned) or with a NaN or +Infinity logit gives token −1 (logProb NaN), as the
   * other samplers' sentinel.
   * @param logits A language model's logits, rows × cols row-major (not modified).
   * @param cols The vocabulary size (an integer in [1, 2³¹ − 1]); logits.length must be a multiple of it.
   * @param opts The processors — `temperature` (default 1, ≥ 0), `topK` (integer ≥ 0, 0 = off),
   *   `topP` ((0, 1], default 1 = off), `minP` ([0, 1], default 0 = off), `repetitionPenalty`
   *   (> 0, default 1 = off), `presencePenalty` and `frequencyPenalty` (finite, default 0),
   *   `logitBias` and `bannedTokens` (shared, or per row: `[{ 13: -2 }, null]`, `[[0], []]`, or flat
   *   with `offsets`), `previousTokens` (one history per row) — the randomness, `rng`,
   *   `seed` or `rngs` (exactly one, one Rng per row for `rngs`; none needed with temperature 0),
   *   and the outputs: `out` (an Int32Array of rows), `returnLogProbs`, `topLogProbs` (n in [0, cols]).
   * @returns The token of each row (an Int32Array of rows; −1 for a row with nothing left), or
   *   `{ tokens, logProbs, top? }` with `returnLogProbs` or `topLogProbs`.
   * @example sampleNext(logits, 128256, { temperature: 0.8, topK: 50, topP: 0.95, repetitionPenalty: 1.1, previousTokens, seed: 1 })
   * @example // two requests in one batch, each with its own bias and bans
   * sampleNext(logits, vocab, { topP: 0.9, rngs, logitBias: [{ 50256: -5 }, null], bannedTokens: [[0], [0, 13]] })
   */
  function sampleNext(logits: Float32Array, cols: number, opts: SampleNextOptions & ({ returnLogProbs: true } | { topLogProbs: number })): SampleNextResult;
  function sampleNext(logits: Float32Array, cols: number, opts?: SampleNextOptions): Int32Array;
  function sampleNext(logits: Float32Array, cols: number, opts?: SampleNextOptions): Int32Array | SampleNextResult {
    return result(sampleNextSync('sampleNext', logits, cols, opts));
  }

  // The synchronous call of sampleNext and decoder().next: arguments, streams, kernel, with the
  // kept history buffer leased for its duration and given back on every path (histBuffer).
  function sampleNextSync(fn: string, logits: unknown, cols: unknown, opts: unknown): Args {
    const lease: HistLease = { buf: null };
    try {
      const a = sampleNextArgs(fn, logits, cols, opts, k, lease);
      const { s, perRow } = a.streams();
      k.sampleNext(a.x, a.cols, a.params, a.hist, a.off, a.bias.idx, a.bias.val, a.banned.ids, a.tokens, a.logProbs, a.topIdx, a.topLp,
        s.k0, s.k1, s.c0, s.c1, s.c2, s.c3, perRow, a.bias.off, a.banned.off);
      return a;
    } finally {
      giveBack(lease);
    }
  }

  /**
   * `sampleNext` off the JS thread; the Rng advances when the call is made. Native backend: the
   * inputs are copied at the call and the outputs (`out` or the fresh token array) written when
   * it completes; if `out` is transferred, detached or resized meanwhile the promise rejects with
   * a TypeError `ERR_LOGITKIT_DETACHED` and nothing is written.
   * @param logits A language model's logits, rows × cols row-major (not modified).
   * @param cols The vocabulary size (an integer in [1, 2³¹ − 1]); logits.length must be a multiple of it.
   * @param opts As for `sampleNext`: the processors — `temperature` (default 1, ≥ 0), `topK` (integer ≥ 0, 0 = off),
   *   `topP` ((0, 1], default 1 = off), `minP` ([0, 1], default 0 = off), `repetitionPenalty`
   *   (> 0, default 1 = off), `presencePenalty` and `frequencyPenalty` (finite, default 0),
   *   `logitBias`, `bannedTokens`, `previousTokens` (one history per row) — the randomness, `rng`,
   *   `seed` or `rngs` (exactly one, one Rng per row for `rngs`; none needed with temperature 0),
   *   and the outputs: `out` (an Int32Array of rows), `returnLogProbs`, `topLogProbs` (n in [0, cols]).
   * @returns A promise of what `sampleNext` returns.

   * @example await sampleNextAsync(logits, cols, { topP: 0.9, seed: 2 })
   */
  function sampleNextAsync(logits: Float32Array, cols: number, opts: SampleNextOptions & ({ returnLogProbs: true } | { topLogProbs: number })): Promise<SampleNextResult>;
  function sampleNextAsync(logits: Float32Array, cols: number, opts?: SampleNextOptions): Promise<Int32Array>;
  async function sampleNextAsync(logits: Float32Array, cols: number, opts?: SampleNextOptions): Promise<Int32Array | SampleNextResult> {
    const a = sampleNextArgs('sampleNextAsync', logits, cols, opts, k);
    const { s, perRow } = a.streams();
    await k.sampleNextAsync(a.x, a.cols, a.params, a.hist, a.off, a.bias.idx, a.bias.val, a.banned.ids, a.tokens, a.logProbs, a.topIdx,
      a.topLp, s.k0, s.k1, s.c0, s.c1, s.c2, s.c3, perRow, a.bias.off, a.banned.off);
    return result(a);
  }

  /**
   * A LogitsProcessor-style stateful sampler for a generation loop: it keeps each row's
   * history and feeds it to the penalties. `next(logits, cols)` samples one token per row and
   * appends it; `reset()` clears the histories. The options are those of `sampleNext` (checked
   * on each `next`), except that the histories replace `previousTokens` and there are no
   * outputs to configure; a `seed` makes one Rng that successive `next` calls continue.
   * @param opts `prompt` (each row's tokens before generation, for the penalties; rows without
   *   one start empty), the processors of `sampleNext` (`temperature`, `topK`, `topP`, `minP`,
   *   `repetitionPenalty`, `presencePenalty`, `frequencyPenalty`, `logitBias`, `bannedTokens`)
   *   and `rng`, `seed` or `rngs` (at most one; none needed with temperature 0).
   * @returns A Decoder: `next(logits, cols)`, `histories`, `reset()`.
   * @example const d = decoder({ temperature: 0.7, topP: 0.9, repetitionPenalty: 1.1, seed: 1 }); const t = d.next(logits, vocab)
   */
  function decoder(opts: DecoderOptions = {}): Decoder {
    const o = options(opts, 'decoder: options', DECODER_OPTIONS);
    const { seed, prompt, ...rest } = o;
    const rng = rest.rng ?? (rest.rngs === undefined && seed !== undefined ? rngOfSeed(seed, 'decoder: options.seed') : undefined);
    let histories: number[][] = promptOf(prompt, 'decoder: options.prompt');
    return {
      next(logits: Float32Array, cols: number): Int32Array {
        // Shape first: the histories grow to `rows` before the options are checked.
        const fn = 'decoder.next';
        const { rows } = rowsOf(f32(logits, `${fn}: logits`), cols, `${fn}: logits`);
        while (histories.length < rows) histories.push([]);
        for (let r = 0; r < rows; r++) {
          const t = histories[r].find((v) => v >= cols);
          if (t !== undefined) {
            throw rangeError(`${fn}: cols = ${cols} is out of range: row ${r}'s history (options.prompt and the tokens drawn) holds token ${t}`);
          }
        }
        const previousTokens = histories.slice(0, rows).map((h) => Int32Array.from(h));
        const t = sampleNextSync(fn, logits, cols, { ...rest, rng, previousTokens }).tokens;
        for (let r = 0; r < rows; r++) if (t[r] >= 0) histories[r].push(t[r]);
        return t;
      },
      get histories() {
        return histories;
      },
      reset() {
        histories = [];
      },
    };
  }

  return { sampleNext, sampleNextAsync, decoder };
}

