// Rng: a Philox4x32-10 key and a 128-bit block counter, owned by JS (Salmon et al.,
// "Parallel random numbers: as easy as 1, 2, 3", SC 2011). A call reserves the blocks it
// will consume up front, so concurrent and async calls sharing one Rng stay deterministic, and every backend and thread split sees the same
// draws: draw i of a call uses block counter + ⌊i/4⌋, word i mod 4.
import { kernels } from './backend.js';
import type { Kernels } from './kernels/index.js';
import { freshF32, freshU32 } from './alloc.js';
import { rangeError, typeError } from './errors.js';
import { describe, integer, isDetached, isTypedArrayOf, optionKeys, options } from './validate.js';

const TWO32 = 2 ** 32;
const OUT_ONLY = optionKeys<{ out: unknown }>({ out: true });

/** A reserved stretch of the stream: the key and the first block of a call. */
export interface StreamStart {
  k0: number;
  k1: number;
  c0: number;
  c1: number;
  c2: number;
  c3: number;
}

/**
 * A Philox4x32-10 stream (Salmon et al. 2011): a 64-bit key from the seed and a 128-bit block
 * counter. Every stochastic function takes `{ rng }` (or `{ seed }` for a fresh one) and
 * reserves the blocks it needs when it is called, so the same seed gives the same draws on
 * every backend, CPU tier and thread count, also across `...Async` calls.
 * @example
 * const rng = new lk.Rng(42);
 * const noise = lk.gumbel(4, { rng });                 // the first 4 words (one block)
 * const pick = lk.sampleCategorical(logits, cols, { rng }); // the next rows·cols words
 * new lk.Rng(0).uint32(4); // [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8] (Philox known answer)
 */
export class Rng {
  /** Key words [seed mod 2³², ⌊seed / 2³²⌋ mod 2³²]. */
  readonly key: readonly [number, number];
  /** The next unused block, as four little-endian 32-bit words. */
  private readonly ctr = new Uint32Array(4);
  /** Kernels that turn reserved blocks into numbers (the reference entry point swaps these). */
  protected kernels(): Kernels {
    return kernels;
  }

  /**
   * A stream at counter 0 with key [seed mod 2³², ⌊seed / 2³²⌋ mod 2³²].
   * @param seed An integer in [0, 2⁶⁴): a number (up to 2⁵³) or a bigint.
   */
  constructor(seed: number | bigint) {
    this.key = seedKey(seed, 'Rng: seed');
  }

  /** The counter (next unused block) as a bigint. */
  get counter(): bigint {
    const c = this.ctr;
    return (BigInt(c[3]) << 96n) | (BigInt(c[2]) << 64n) | (BigInt(c[1]) << 32n) | BigInt(c[0]);
  }

  /**
   * Skips `blocks` blocks (4 words each) of the stream.
   * @param blocks How many 4-word blocks to skip (≥ 0).
   * @example
   * new lk.Rng(1).advance(10) // skip 40 words
   */
  advance(blocks: number | bigint): this {
    let b: bigint;
    if (typeof blocks === 'bigint') {
      if (blocks < 0n) throw rangeError(`Rng.advance: blocks = ${blocks} is out of range: expected ≥ 0`);
      b = blocks;
    } else if (typeof blocks === 'number') {
      b = BigInt(integer(blocks, 'Rng.advance: blocks', 0));
    } else {
      throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `Rng.advance: blocks must be a number or a bigint, received ${describe(blocks)}`);
    }
    this.step(b);
    return this;
  }

  /** Moves the 128-bit counter on by b ≥ 0 blocks (carry across the four words). */
  private step(blocks: bigint): void {
    let b = blocks;
    for (let k = 0; k < 4 && b > 0n; k++) {
      const s = BigInt(this.ctr[k]) + (b & 0xffffffffn);
      this.ctr[k] = Number(s & 0xffffffffn);
      b = (b >> 32n) + (s >> 32n);
    }
  }

  /**
   * Reserves the blocks for `draws` words and returns where they start. Calls always start on a
   * fresh block: the unused words of the last block are skipped.
   * @param draws How many 32-bit words the caller will use.
   * @example
   * const s = rng.reserve(8) // the key and first block of 8 words; rng moves on by 2 blocks
   */
  reserve(draws: number): StreamStart {
    // Checked here (not by advance) so that the error names this method and its argument.
    integer(draws, 'Rng.reserve: draws', 0);
    const c = this.ctr;
    const start = { k0: this.key[0], k1: this.key[1], c0: c[0], c1: c[1], c2: c[2], c3: c[3] };
    this.step(BigInt(Math.ceil(draws / 4)));
    return start;
  }

  /**
   * An independent copy at the same position.
   * @example
   * const b = rng.clone(); b.uint32(4) // same words as rng.uint32(4) would give
   */
  clone(): Rng {
    const r = Object.create(Object.getPrototypeOf(this)) as Rng;
    (r as { key: readonly [number, number] }).key = this.key;
    (r as unknown as { ctr: Uint32Array }).ctr = new Uint32Array(this.ctr);
    return r;
  }

  /**
   * n raw 32-bit words.
   * @param n How many words.
   * @param opts `out`: a Uint32Array(n) to write into.
   * @example
   * new lk.Rng(0).uint32(4) // Uint32Array [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]
   */
  uint32(n: number, opts?: { out?: Uint32Array }): Uint32Array {
    integer(n, 'Rng.uint32: n', 0);
    const o = options(opts, 'Rng.uint32: options', OUT_ONLY);
    const out = o.out === undefined ? allocate(freshU32, n, 'Rng.uint32: n') : typedOut(o.out, Uint32Array, n, 'Rng.uint32: options.out');
    const s = this.reserve(n);
    return this.kernels().philoxUint32(out, s.k0, s.k1, s.c0, s.c1, s.c2, s.c3);
  }

  /**
   * n uniforms ((w >>> 9) + ½)·2⁻²³, exact in float32, strictly inside (0, 1).
   * @param n How many uniforms.
   * @param opts `out`: a Float32Array(n) to write into.
   * @example
   * new lk.Rng(42).uniform(3) // three floats strictly inside (0, 1)
   */
  uniform(n: number, opts?: { out?: Float32Array }): Float32Array {
    integer(n, 'Rng.uniform: n', 0);
    const o = options(opts, 'Rng.uniform: options', OUT_ONLY);
    const out = o.out === undefined ? allocate(freshF32, n, 'Rng.uniform: n') : typedOut(o.out, Float32Array, n, 'Rng.uniform: options.out');
    const s = this.reserve(n);
    return this.kernels().philoxUniform(out, s.k0, s.k1, s.c0, s.c1, s.c2, s.c3);
  }
}

/**
 * Duck-typed so that the ESM and CJS builds (two Rng classes) accept each other's Rngs: every
 * method logitkit calls must be there (what `reserve` returns is checked by `reserve` below).
 */
export function isRng(v: unknown): v is Rng {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Rng;
  return typeof r.reserve === 'function' && typeof r.clone === 'function' && typeof r.advance === 'function' && Array.isArray(r.key);
}

const isU32 = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < TWO32;

/**
 * `rng.reserve(draws)`, with what it returned checked: a duck-typed Rng must give six uint32
 * words, else the call fails the same way on every backend before anything is drawn.
 */
export function reserve(rng: Rng, draws: number, fn: string, name = 'options.rng'): StreamStart {
  const s = rng.reserve(draws) as Partial<StreamStart> | null;
  for (const w of ['k0', 'k1', 'c0', 'c1', 'c2', 'c3'] as const) {
    const v = s === null || typeof s !== 'object' ? undefined : s[w];
    if (!isU32(v)) {
      throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `${fn}: ${name}.reserve() returned ${w} = ${describe(v)}: expected a uint32 (is it a logitkit Rng?)`);
    }
  }
  return s as StreamStart;
}

/** A new typed array of n elements; an engine allocation failure becomes a coded RangeError. */
function allocate<T>(alloc: (n: number) => T, n: number, name: string): T {
  try {
    return alloc(n);
  } catch {
    throw rangeError(`${name} = ${n} is out of range: cannot allocate an array of that length`);
  }
}

function typedOut<T extends Uint32Array | Float32Array>(out: unknown, ctor: { name: string; new (n: number): T }, n: number, name: string): T {
  if (!isTypedArrayOf(out, ctor.name)) {
    throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `${name} must be a ${ctor.name}, received ${describe(out)}`);
  }
  const o = out as T;
  if (isDetached(o)) throw typeError('ERR_LOGITKIT_DETACHED', `${name} is backed by a detached ArrayBuffer`);
  if (o.length !== n) throw rangeError(`${name}.length = ${o.length} is out of range: expected ${n}`);
  return o;
}

/** The Rng of a stochastic call: `rng` if given, else `new Rng(seed)`; one of them is required. */
export function rngFrom(o: { rng?: unknown; seed?: unknown }, fn: string): Rng {
  if (o.rng !== undefined && o.seed !== undefined) {
    throw rangeError(`${fn}: options.rng and options.seed were given together; give only one of rng, seed`);
  }
  if (o.rng !== undefined) {
    if (!isRng(o.rng)) throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `${fn}: options.rng must be an Rng, received ${describe(o.rng)}`);
    return o.rng;
  }
  if (o.seed !== undefined) return rngOfSeed(o.seed, `${fn}: options.seed`);
  throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `${fn}: options must include rng (an Rng) or seed`);
}

/**
 * The key of a seed: an integer in [0, 2⁶⁴), a number (up to 2⁵³) or a bigint; errors name
 * `name` (`Rng: seed`, or `fn: options.seed` for a function's seed option).
 */
function seedKey(seed: unknown, name: string): readonly [number, number] {
  if (typeof seed === 'bigint') {
    if (seed < 0n || seed >= 1n << 64n) throw rangeError(`${name} = ${seed} is out of range: expected an integer in [0, 2^64)`);
    return [Number(seed & 0xffffffffn), Number((seed >> 32n) & 0xffffffffn)];
  }
  if (typeof seed === 'number') {
    integer(seed, name, 0);
    return [seed % TWO32, Math.floor(seed / TWO32) % TWO32];
  }
  throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `${name} must be a number or a bigint, received ${describe(seed)}`);
}

/** `new Rng(seed)` for a function's `seed` option, with the seed checked under that name first. */
export function rngOfSeed(seed: unknown, name: string): Rng {
  seedKey(seed, name);
  return new Rng(seed as number | bigint);
}
