// Every output the library allocates comes from here: outF32 / outI32 in validate.ts and the
// few results allocated beside them (top-k's values and indices, cross-entropy's lse and
// per-row loss, gumbelTopK's indices, Rng.uniform). One allocation point, so that the default
// call (no `out`) runs at the speed of the call with `out` (README, "Performance": the
// numbers behind the choice are in the CHANGELOG).
//
// Outputs of at least FRESH_MIN_BYTES are uninitialised memory (Buffer.allocUnsafeSlow: a
// malloc, no memset) viewed as a typed array: `new Float32Array(n)` zero-fills (calloc: a
// memset on reused memory), which costs as much as the kernel on large outputs. A large malloc
// is mostly a fresh mapping, whose first write takes a page fault per 4 KB: from
// HUGE_MIN_BYTES on, the addon advises transparent huge pages for it (one fault per 2 MB).
// Smaller outputs stay `new Float32Array(n)`: V8 allocates those faster than a Buffer, and
// zeroing a few KB is free. Each output owns its ArrayBuffer (byteOffset 0, byteLength exact),
// never a slice of a shared pool, so `out.buffer` holds nothing else.
//
// Uninitialised memory is safe only because every kernel writes every element of its outputs
// on every path. LOGITKIT_CANARY=1 (read once, at load) proves it: each fresh output is filled
// with CANARY_BITS before the kernel runs, and test/canary.test.ts runs every exported
// function and looks for the pattern in every output.

/** Fresh outputs below this size are zero-filled typed arrays (cheaper than a Buffer there). */
export const FRESH_MIN_BYTES = 4096;
/** From this size on, a fresh output's 2 MB-aligned interior is advised to use huge pages. */
export const HUGE_MIN_BYTES = 4 << 20;

let advise: ((b: ArrayBuffer) => boolean) | null = null;
/**
 * Installed by backend.ts when the addon loaded: madvise(MADV_HUGEPAGE) on a large fresh
 * output, so that its first write takes a few 2 MB page faults instead of one per 4 KB.
 */
export function setHugePageAdvice(f: ((b: ArrayBuffer) => boolean) | null): void {
  advise = f;
}

/**
 * The canary word: a signalling NaN (float32) / −1515870811 (int32). Arithmetic never yields
 * a signalling NaN, indices and counts are never that negative.
 */
export const CANARY_BITS = 0x7fa5a5a5;

const env = typeof process !== 'undefined' ? process.env : {};
/** Whether LOGITKIT_CANARY=1 was set when this module loaded. */
export const CANARY = env.LOGITKIT_CANARY === '1';

let count = 0;
/** How many outputs this module has allocated (a test checks bad input allocates none). */
export function freshCount(): number {
  return count;
}

function bytes(byteLength: number): ArrayBuffer {
  count++;
  if (CANARY) {
    const b = new ArrayBuffer(byteLength);
    new Uint32Array(b).fill(CANARY_BITS);
    return b;
  }
  const u = Buffer.allocUnsafeSlow(byteLength);
  const b = u.buffer as ArrayBuffer; // allocUnsafeSlow: its own ArrayBuffer, byteOffset 0, exact length
  if (advise && byteLength >= HUGE_MIN_BYTES) advise(b);
  return b;
}

/** A fresh Float32Array of `n` elements (contents unspecified: the kernel writes all of them). */
export function freshF32(n: number): Float32Array {
  if (n * 4 < FRESH_MIN_BYTES && !CANARY) {
    count++;
    return new Float32Array(n);
  }
  return new Float32Array(bytes(n * 4));
}

/** A fresh Int32Array of `n` elements (contents unspecified: the kernel writes all of them). */
export function freshI32(n: number): Int32Array {
  if (n * 4 < FRESH_MIN_BYTES && !CANARY) {
    count++;
    return new Int32Array(n);
  }
  return new Int32Array(bytes(n * 4));
}

/** A fresh Uint32Array of `n` elements (contents unspecified: the kernel writes all of them). */
export function freshU32(n: number): Uint32Array {
  if (n * 4 < FRESH_MIN_BYTES && !CANARY) {
    count++;
    return new Uint32Array(n);
  }
  return new Uint32Array(bytes(n * 4));
}
