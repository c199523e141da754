// Every public argument is checked here before any kernel runs; messages name the argument,
// the value received and what was expected.
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
    const fake = v instanceof (ctor as unknown as Function) ? ` (an object with ${ctor.name}'s prototype or a Proxy, not a real ${ctor.name})` : '';
    throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `${name} must be a ${ctor.name}, received ${fake ? 'an object' : describe(v)}${fake}`);
  }
  if (isDetached(v as Typed)) {
    throw typeError('ERR_LOGITKIT_DETACHED', `${name} is backed by a detached ArrayBuffer`);
  }
  return v as T;
}

export const f32 = (v: unknown, name: string) => typed<Float32Array>(v, Float32Array, name);
export const i32 = (v: unknown, name: string) => typed<Int32Array>(v, Int32Array, name);

export function options<T extends object>(v: unknown, name = 'options'): Partial<T> {
  if (v === undefined) return {};
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `${name} must be an object, received ${describe(v)}`);
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
  const c = integer(cols, 'cols', 1);
  if (x.length % c !== 0) {
    throw rangeError(`${name}.length = ${x.length} is not a multiple of cols = ${c}`);
  }
  return { rows: x.length / c, cols: c };
}

/** Whether two views share any byte of memory. */
export function overlaps(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return a.buffer === b.buffer && a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}

/** A new output array; an engine allocation failure (too long, out of memory) becomes a coded RangeError. */
function fresh<T>(ctor: new (n: number) => T, length: number, name: string): T {
  try {
    return new ctor(length);
  } catch {
    throw rangeError(`${name}: cannot allocate ${length} elements (too long for a typed array, or out of memory)`);
  }
}

/**
 * `out` when given (checked for type and length, and refused when it partially overlaps an
 * input: exact aliasing is allowed), else a fresh array.
 */
export function outF32(out: unknown, length: number, name: string, inputs: ArrayBufferView[] = []): Float32Array {
  if (out === undefined) return fresh(Float32Array, length, name);
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
  if (out === undefined) return fresh(Int32Array, length, name);
  const o = i32(out, name);
  if (o.length !== length) throw rangeError(`${name}.length = ${o.length} is out of range: expected ${expected}`);
  for (const x of inputs) {
    if (overlaps(o, x)) throw rangeError(`${name} overlaps an input: it must be a separate buffer`);
  }
  return o;
}

export function sameLength(a: { length: number }, b: { length: number }, nameA: string, nameB: string): void {
  if (a.length !== b.length) {
    throw rangeError(`${nameB}.length = ${b.length} is out of range: expected ${nameA}.length = ${a.length}`);
  }
}
