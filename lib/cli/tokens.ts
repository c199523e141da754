// The vocabulary pass of `logitkit word2vec --train` over the file's bytes: the same sentences,
// tokens and first-sight order as splitting the UTF-8 text (a line per sentence, tokens split
// on JavaScript's \s), without making a string per token. Reading, splitting and a Map lookup
// per token took about 1 s of one thread for a 3M-token file, the serial part of a two-thread
// run (README, "NCE performance"); here only a new word becomes a string.
import { createReadStream } from 'node:fs';

/**
 * Length of the whitespace character at b[i] (1 to 3 bytes), or 0: JavaScript's \s in UTF-8 —
 * TAB, LF, VT, FF, CR, SPACE, U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F,
 * U+3000, U+FEFF. Each multi-byte one starts with a lead byte, which a UTF-8 decoder reads as
 * the start of a character whatever precedes it, so the split is the decoded text's split.
 */
export function spaceAt(b: Uint8Array, i: number, end: number): number {
  const c = b[i];
  if (c < 0x80) return c === 0x20 || (c >= 0x09 && c <= 0x0d) ? 1 : 0;
  if (c === 0xc2) return i + 1 < end && b[i + 1] === 0xa0 ? 2 : 0;
  if (c < 0xe1 || c > 0xef || i + 2 >= end) return 0;
  const c1 = b[i + 1], c2 = b[i + 2];
  if (c === 0xe2) {
    if (c1 === 0x80) return c2 <= 0x8a && c2 >= 0x80 || c2 === 0xa8 || c2 === 0xa9 || c2 === 0xaf ? 3 : 0;
    return c1 === 0x81 && c2 === 0x9f ? 3 : 0;
  }
  if (c === 0xe1) return c1 === 0x9a && c2 === 0x80 ? 3 : 0;
  if (c === 0xe3) return c1 === 0x80 && c2 === 0x80 ? 3 : 0;
  return c === 0xef && c1 === 0xbb && c2 === 0xbf ? 3 : 0;
}

/**
 * FNV-1a's offset basis; a token's hash is h = Math.imul(h ^ byte, 0x01000193) over its bytes,
 * kept as an int32 throughout (a uint32 above 2³⁰ would be boxed by V8).
 */
export const FNV_SEED = 0x811c9dc5 | 0;

/**
 * Raw token ids by their bytes: an open-addressing table over FNV-1a hashes, the keys' bytes in
 * one growing arena. A new byte sequence is decoded once; two that decode to the same string
 * (possible only with invalid UTF-8, each invalid sequence reading as U+FFFD) share its id, so
 * the ids are those of the decoded text.
 */
export class ByteVocab {
  names: string[] = [];
  counts: number[] = [];
  private slots = new Int32Array(1 << 12).fill(-1); // → key number
  // key number → raw id, its bytes' start and length in the arena, its hash
  private keyId = new Int32Array(1 << 11);
  private keyAt = new Int32Array(1 << 11);
  private keyLen = new Int32Array(1 << 11);
  private keyHash = new Int32Array(1 << 11);
  private keys = 0;
  private arena = new Uint8Array(1 << 16);
  private used = 0;
  private byName = new Map<string, number>();

  /** The raw id of the token b[s..e) (counted once more), made on first sight; h is its FNV-1a hash. */
  add(b: Uint8Array, s: number, e: number, h: number): number {
    const mask = this.slots.length - 1;
    const len = e - s;
    for (let at = h & mask; ; at = (at + 1) & mask) {
      const k = this.slots[at];
      if (k < 0) return this.insert(b, s, e, h, at);
      if (this.keyHash[k] !== h || this.keyLen[k] !== len) continue;
      const p = this.keyAt[k];
      let i = 0;
      while (i < len && this.arena[p + i] === b[s + i]) i++;
      if (i === len) {
        const id = this.keyId[k];
        this.counts[id]++;
        return id;
      }
    }
  }

  private insert(b: Uint8Array, s: number, e: number, h: number, at: number): number {
    const name = Buffer.from(b.buffer, b.byteOffset + s, e - s).toString('utf8');
    let id = this.byName.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.byName.set(name, id);
      this.names.push(name);
      this.counts.push(0);
    }
    this.counts[id]++;
    if (this.used + (e - s) > this.arena.length) {
      const a = new Uint8Array(Math.max(this.arena.length * 2, this.used + (e - s)));
      a.set(this.arena.subarray(0, this.used));
      this.arena = a;
    }
    this.arena.set(b.subarray(s, e), this.used);
    const k = this.keys++;
    this.keyId[k] = id;
    this.keyAt[k] = this.used;
    this.keyLen[k] = e - s;
    this.keyHash[k] = h;
    this.used += e - s;
    this.slots[at] = k;
    if (this.keys === this.keyId.length) this.grow(); // the key arrays are full: slots half full
    return id;
  }

  private grow(): void {
    const n = this.slots.length; // the key arrays' new length (half the new slots)
    const more = (a: Int32Array) => { const x = new Int32Array(n); x.set(a.subarray(0, this.keys)); return x; };
    this.keyId = more(this.keyId);
    this.keyAt = more(this.keyAt);
    this.keyLen = more(this.keyLen);
    this.keyHash = more(this.keyHash);
    const slots = new Int32Array(n * 2).fill(-1), mask = slots.length - 1;
    for (let k = 0; k < this.keys; k++) {
      let at = this.keyHash[k] & mask;
      while (slots[at] >= 0) at = (at + 1) & mask;
      slots[at] = k;
    }
    this.slots = slots;
  }
}

/** A failure to read the file (the caller words it); anything else thrown is not wrapped. */
export class ReadError extends Error {
  constructor(readonly error: unknown) {
    super(String((error as Error)?.message ?? error));
  }
}

/**
 * Streams the file's bytes and calls `sentence(ids, n)` for every line with at least one token
 * (ids[0..n) its raw ids in `vocab`; the array is reused). `chunkBytes` is the read size.
 */
export async function scanFileIds(path: string, vocab: ByteVocab, sentence: (ids: Int32Array, n: number) => void,
  chunkBytes = 1 << 20): Promise<void> {
  let ids = new Int32Array(256);
  const grow = () => { const a = new Int32Array(ids.length * 2); a.set(ids); ids = a; };
  // One pass over a line: the token's hash is formed as its bytes go by (printable ASCII, the
  // common case, needs no call to spaceAt).
  const line = (b: Uint8Array, s: number, e: number) => {
    let n = 0, t = -1, h = FNV_SEED;
    for (let i = s; i < e;) {
      const c = b[i];
      const w = c > 0x20 && c < 0x80 ? 0 : spaceAt(b, i, e);
      if (w === 0) {
        if (t < 0) { t = i; h = FNV_SEED; }
        h = Math.imul(h ^ c, 0x01000193);
        i++;
        continue;
      }
      if (t >= 0) {
        if (n === ids.length) grow();
        ids[n++] = vocab.add(b, t, i, h);
        t = -1;
      }
      i += w;
    }
    if (t >= 0) {
      if (n === ids.length) grow();
      ids[n++] = vocab.add(b, t, e, h);
    }
    if (n > 0) sentence(ids, n);
  };
  // The unfinished line: its pieces, copied once each and joined only when its end arrives (a
  // long line costs linear time, not a copy of everything so far per chunk).
  let pending: Buffer[] = [];
  const chunks = (async function* () {
    try {
      yield* createReadStream(path, { highWaterMark: chunkBytes }) as AsyncIterable<Buffer>;
    } catch (e) {
      throw new ReadError(e);
    }
  })();
  for await (const chunk of chunks) {
    let s = 0, nl = chunk.indexOf(10);
    if (nl < 0) {
      pending.push(Buffer.from(chunk));
      continue;
    }
    if (pending.length) {
      const b = Buffer.concat([...pending, chunk.subarray(0, nl)]);
      pending = [];
      line(b, 0, b.length);
      s = nl + 1;
      nl = chunk.indexOf(10, s);
    }
    for (; nl >= 0; nl = chunk.indexOf(10, s)) {
      line(chunk, s, nl);
      s = nl + 1;
    }
    if (s < chunk.length) pending.push(Buffer.from(chunk.subarray(s)));
  }
  if (pending.length) {
    const b = Buffer.concat(pending);
    line(b, 0, b.length);
  }
}
