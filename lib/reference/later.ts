// The reference backend's `...Async` kernels. The reference is plain TypeScript on the calling
// thread: an async kernel computes during the call, reading its inputs as they are at the call
// (as the native backend does: it copies them then), into private copies of its outputs, and
// settles its promise on a later microtask. Then, like the native backend, it writes the outputs
// if every one is still attached with its length unchanged, else rejects with
// ERR_LOGITKIT_DETACHED and writes nothing: the same outcome on both backends. Views of a
// SharedArrayBuffer are the exception on both: used in place, never copied.
import { typeError } from '../errors.js';
import { isDetached } from '../validate.js';

type View = (Float32Array | Float64Array | Int32Array | Uint32Array) & { slice(): View; set(a: View): void };

/** `f` as an async kernel; `outs` maps the indices of its output arguments to their names. */
export function later<A extends unknown[], R>(name: string, f: (...a: A) => R, outs: Record<number, string>): (...a: A) => Promise<R> {
  const at = Object.entries(outs).map(([i, n]) => [Number(i), n] as const);
  return (...a: A): Promise<R> => {
    const mine = a.slice() as A;
    const users: (View | null)[] = at.map(([i]) => a[i] as View | null);
    // Views of a SharedArrayBuffer are used in place, as on the native backend (README, "Async
    // calls and shared memory"): no copy, nothing written back at completion.
    const copies = users.map((u) => (u && !isShared(u) ? u.slice() : u));
    at.forEach(([i], j) => { mine[i] = copies[j]; });
    let r: R;
    try {
      r = f(...mine);
    } catch (e) {
      return Promise.reject(e);
    }
    const lengths = users.map((u) => u?.length);
    return Promise.resolve().then(() => {
      at.forEach(([, n], j) => {
        const o = users[j];
        if (o && o !== copies[j] && (isDetached(o) || o.length !== lengths[j])) {
          throw typeError('ERR_LOGITKIT_DETACHED', `${name}Async: ${n} was detached (transferred) or resized while the call ran; the result was dropped`);
        }
      });
      users.forEach((u, j) => { if (u && u !== copies[j]) u.set(copies[j] as View); });
      const j = (copies as unknown[]).indexOf(r);
      return (j >= 0 ? users[j] : r) as R;
    });
  };
}

const isShared = (v: View): boolean => typeof SharedArrayBuffer !== 'undefined' && v.buffer instanceof SharedArrayBuffer;
