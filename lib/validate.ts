// Every public argument is checked here before any kernel runs; messages name the argument,
// the value received and what was expected.
import { freshF32, freshI32 } from './alloc.js';
import { rangeError, typeError } from './errors.js';

type Typed = Float32Array | Float64Array | Int32Array | Uint32Array;
type TypedCtor = { name: string; new (n: number): Typed };

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return `${typeof v} ${String(v)}`;
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${(v as Typed).length})`;
  if (Array.isArray(v)) return `Array(${v.length})`;
  if (typeof v === 'function') return 'function';
  return (v as object).constructor?.name ?? 'object';
}

/** A detached ArrayBuffer reads as empty; constructing a view over it throws. */
export function isDetached(a: ArrayBufferView): boolean {
  if (a.byteLength !== 0) return false;
  try {
    new Uint8Array(a.buffer as ArrayBuffer);
    return false;
  } catch {
    return true;
  }
}

/** The argument's own name, without the `fn: ` prefix: `softmax: x` → `x`. */
function bare(name: string): string {
  const i = name.lastIndexOf(': ');
  return i < 0 ? name : name.slice(i + 2);
}

/** The `fn: ` prefix of a name (empty when there is none): `softmax: x` → `softmax: `. */
export function fnPrefix(name: string): string {
  const i = name.lastIndexOf(': ');
  return i < 0 ? '' : name.slice(0, i + 2);
}

// %TypedArray%.prototype[Symbol.toStringTag] reads the internal slot: it gives the element type
// of a real typed array (subclasses included) and undefined for anything else — a Proxy around
// one, or an object that merely has Float32Array.prototype — without calling user code.
const typedArrayTag = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), Symbol.toStringTag)!
  .get as (this: unknown) => string | undefined;

/** Whether v is a real typed array whose element type is `name` ('Float32Array', …). */
export function isTypedArrayOf(v: unknown, name: string): boolean {
  return typeof v === 'object' && v !== null && typedArrayTag.call(v) === name;
}

function typed<T extends Typed>(v: unknown, ctor: TypedCtor, name: string): T {
  if (!isTypedArrayOf(v, ctor.name)) {
    const article = /^[AEIOU]/.test(ctor.name) ? 'an' : 'a';
    if (v instanceof (ctor as unknown as Function)) {
      throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE',
        `${name} must be ${article} ${ctor.name} (got an object with ${ctor.name}'s prototype or a Proxy, not a real ${ctor.name})`);
    }
    // An array or another typed array converts in one call; say which (not for outputs, which
    // must be the caller's own buffer of the right type, nor for BigInt arrays).
    const arg = bare(name);
    const convertible = Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView) &&
      !(v instanceof BigInt64Array) && !(v instanceof BigUint64Array));
    const output = /(^|\.)(out|grad)(\.|$)/.test(arg);
    const hint = convertible && !output ? `; convert with ${ctor.name}.from(${arg})` : '';
    throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `${name} must be ${article} ${ctor.name} (got ${describe(v)})${hint}`);
  }
  if (isDetached(v as Typed)) {
    throw typeError('ERR_LOGITKIT_DETACHED', `${name} is backed by a detached ArrayBuffer`);
  }
  return v as T;
}

export const f32 = (v: unknown, name: string) => typed<Float32Array>(v, Float32Array, name);
export const i32 = (v: unknown, name: string) => typed<Int32Array>(v, Int32Array, name);

/**
 * The option names of an options type T, for `options()`. The record must name exactly T's keys
 * (a missing or misspelt one is a compile error), so adding an option to an interface without
 * listing it here cannot go unnoticed. `exclusive` lists groups of options of which at most one
 * may be given (e.g. `['rng', 'seed']`).
 */
export interface OptionKeys<T> {
  readonly names: readonly string[];
  readonly exclusive: readonly (readonly string[])[];
  /** Phantom: ties the list to its options type, so `options()` infers T. */
  readonly type?: T;
}

export function optionKeys<T extends object>(
  names: { [K in keyof Required<T>]: true },
  exclusive: readonly (readonly (keyof T & string)[])[] = [],
): OptionKeys<T> {
  return { names: Object.keys(names), exclusive };
}

/** Edit distance (insertions, deletions, substitutions, adjacent swaps), for did-you-mean. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The closest valid name to a misspelt one, when it is close (≤ 2 edits, or a case slip). */
function didYouMean(key: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const n of names) {
    const dist = n.toLowerCase() === key.toLowerCase() ? 0 : editDistance(key, n);
    if (dist < bestD) [best, bestD] = [n, dist];
  }
  return bestD <= Math.min(2, Math.max(1, Math.floor(key.length / 3))) ? best : undefined;
}

/**
 * An options object (undefined reads as `{}`), checked against its list of names: JavaScript
 * callers get no compile-time check, so an unknown key (a typo such as `temprature`) is a
 * RangeError with code ERR_LOGITKIT_UNKNOWN_OPTION naming the key, the closest valid name and
 * every valid one, and two options of an exclusive group given together (e.g. `rng` and `seed`)
 * are a RangeError ERR_LOGITKIT_OUT_OF_RANGE. A key whose value is `undefined` counts as absent
 * for the exclusive groups, but must still be a known name.
 */
export function options<T extends object>(v: unknown, name: string, keys: OptionKeys<T>): Partial<T> {
  if (v === undefined) return {};
  if (v === null || typeof v !== 'object' || Array.isArray(v) || ArrayBuffer.isView(v)) {
    // A typed array here is usually an output buffer passed positionally.
    const hint = ArrayBuffer.isView(v) && keys.names.includes('out') ? `; to write into it, pass { out: buffer }` : '';
    throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `${name} must be an object, received ${describe(v)}${hint}`);
  }
  for (const key of Object.keys(v)) {
    if (!keys.names.includes(key)) {
      const near = didYouMean(key, keys.names);
      const valid = keys.names.length ? `valid: ${keys.names.join(', ')}` : 'it takes none';
      throw rangeError(
        `${name}.${key} is not a known ${/params$/.test(name) ? 'parameter' : 'option'}${near ? ` (did you mean ${near}?)` : ''}; ${valid}`,
        'ERR_LOGITKIT_UNKNOWN_OPTION',
      );
    }
  }
  const given = v as Record<string, unknown>;
  for (const group of keys.exclusive) {
    const set = group.filter((k) => given[k] !== undefined);
    if (set.length > 1) {
      const path = bare(name);
      throw rangeError(
        `${fnPrefix(name)}${set.map((k) => `${path}.${k}`).join(' and ')} were given together; give only one of ${group.join(', ')}`,
      );
    }
  }
  return v as Partial<T>;
}

export function number(v: unknown, name: string): number {
  if (typeof v !== 'number') {
    throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `${name} must be a number, received ${describe(v)}`);
  }
  return v;
}

export function integer(v: unknown, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = number(v, name);
  if (!Number.isInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer in [${min}, ${max}]`;
    throw rangeError(`${name} = ${n} is out of range: expected ${range}`);
  }
  return n;
}

/** An optional boolean option. */
export function bool(v: unknown, name: string, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `${name} must be a boolean, received ${describe(v)}`);
  return v;
}

/** A finite number > 0 (temperatures, scales). */
export function positive(v: unknown, name: string): number {
  const n = number(v, name);
  if (!(n > 0) || !Number.isFinite(n)) throw rangeError(`${name} = ${n} is out of range: expected a finite number > 0`);
  return n;
}

/**
 * 1/τ for a temperature option τ in [2⁻¹²⁶, 2¹²⁶] (1 when undefined). The kernels take 1/τ as a
 * float32: temperatures whose reciprocal is not a normal float32 are refused rather than turned
 * into 0·Infinity = NaN, by both backends alike (CHANGELOG, Unreleased).
 */
export function inverseTemperature(v: unknown, name: string): number {
  if (v === undefined) return 1;
  const t = positive(v, name);
  if (t < 2 ** -126 || t > 2 ** 126) {
    throw rangeError(`${name} = ${t} is out of range: expected a number in [2^-126, 2^126] (about 1.2e-38 to 8.5e+37)`);
  }
  return 1 / t;
}

/** A finite number ≥ 0 (weights, coefficients, scales that may be zero). */
export function nonNegative(v: unknown, name: string): number {
  const n = number(v, name);
  if (!(n >= 0) || !Number.isFinite(n)) throw rangeError(`${name} = ${n} is out of range: expected a finite number ≥ 0`);
  return n;
}

export function finite(v: unknown, name: string): number {
  const n = number(v, name);
  if (!Number.isFinite(n)) throw rangeError(`${name} = ${n} is out of range: expected a finite number`);
  return n;
}

/** rows = x.length / cols, which must be an integer. */
export function rowsOf(x: ArrayBufferView & { length: number }, cols: unknown, name: string): { rows: number; cols: number } {
  const fn = fnPrefix(name);
  const c = integer(cols, `${fn}cols`, 1);
  if (x.length % c !== 0) {
    throw rangeError(`${name}.length = ${x.length} is not a multiple of cols = ${c} (rows = ${bare(name)}.length / cols must be an integer)`);
  }
  return { rows: x.length / c, cols: c };
}

/** Whether two views share any byte of memory. */
export function overlaps(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return a.buffer === b.buffer && a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}

/** A new output array; an engine allocation failure (too long, out of memory) becomes a coded RangeError. */
function fresh<T>(alloc: (n: number) => T, length: number, name: string): T {
  try {
    return alloc(length);
  } catch {
    throw rangeError(`${name}: cannot allocate ${length} elements (too long for a typed array, or out of memory)`);
  }
}

/**
 * `out` when given (checked for type and length, and refused when it partially overlaps an
 * input: exact aliasing is allowed), else a fresh array (lib/alloc.ts: contents unspecified,
 * the kernel writes every element).
 */
export function outF32(out: unknown, length: number, name: string, inputs: ArrayBufferView[] = []): Float32Array {
  if (out === undefined) return fresh(freshF32, length, name);
  const o = f32(out, name);
  if (o.length !== length) throw rangeError(`${name}.length = ${o.length} is out of range: expected ${length}`);
  for (const x of inputs) {
    if (overlaps(o, x) && !(o.byteOffset === x.byteOffset && o.byteLength === x.byteLength)) {
      throw rangeError(`${name} partially overlaps an input: it must be the same view or disjoint`);
    }
  }
  return o;
}

/** `out` when given (an Int32Array of exactly `length`, refused when it overlaps an input), else a fresh array. */
export function outI32(out: unknown, length: number, name: string, inputs: ArrayBufferView[] = [], expected = String(length)): Int32Array {
  if (out === undefined) return fresh(freshI32, length, name);
  const o = i32(out, name);
  if (o.length !== length) throw rangeError(`${name}.length = ${o.length} is out of range: expected ${expected}`);
  for (const x of inputs) {
    if (overlaps(o, x)) throw rangeError(`${name} overlaps an input: it must be a separate buffer`);
  }
  return o;
}

/** The `reduction` option of the losses: 'mean' (the default), 'sum' or 'none'. */
export function reductionOf(v: unknown, name: string): 'mean' | 'sum' | 'none' {
  if (v === undefined) return 'mean';
  if (typeof v !== 'string') throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `${name} must be a string, received ${describe(v)}`);
  if (v !== 'mean' && v !== 'sum' && v !== 'none') {
    throw rangeError(`${name} = ${JSON.stringify(v)} is out of range: expected 'mean', 'sum' or 'none'`);
  }
  return v;
}

export function sameLength(a: { length: number }, b: { length: number }, nameA: string, nameB: string): void {
  if (a.length !== b.length) {
    throw rangeError(`${nameB}.length = ${b.length} is out of range: expected ${nameA}.length = ${a.length}`);
  }
}
