// The word2vec vocabulary pass over bytes (lib/cli/tokens.ts) against the text path it replaces
// (fileSentences: the file decoded as UTF-8, a sentence per line, tokens split on \s): the same
// words in the same first-sight order, the same counts and the same id sequences, on text with
// every whitespace JavaScript's \s knows, look-alikes it does not, invalid UTF-8, CRLF, a BOM,
// and read sizes that cut characters and lines anywhere.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { fileSentences } from '../lib/cli/word2vec.js';
import { ByteVocab, scanFileIds, spaceAt } from '../lib/cli/tokens.js';

const dir = mkdtempSync(join(tmpdir(), 'lk-tokens-'));
const u = (s: string) => Buffer.from(s, 'utf8');
const SPACES = [' ', '\t', '\v', '\f', '\r', '\u00a0', '\u1680', ...Array.from({ length: 11 }, (_, i) => String.fromCharCode(0x2000 + i)),
  '\u2028', '\u2029', '\u202f', '\u205f', '\u3000', '\ufeff'];
const NOT_SPACES = ['\u0085', '\u180e', '\u200b', '\u2060', '\u00ad', '\u2030'];
const WORDS = ['the', 'cat', 'café', 'naïve', '中文', '😀', 'x', 'Straße', 'a-b'].map(u);
const BAD = [[0xff], [0xc3], [0xe2, 0x80], [0xed, 0xa0, 0x80], [0xf0, 0x9f], [0xe2, 0xe2, 0x80, 0x80], [0xc2], [0x80, 0x80]].map((b) => Buffer.from(b));

function corpus(seed: number, lines: number): Buffer {
  let s = seed >>> 0 || 1;
  const r = (n: number) => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s % n; };
  const parts: Buffer[] = [u('\ufeff')];
  for (let l = 0; l < lines; l++) {
    const len = r(9);
    for (let t = 0; t < len; t++) {
      const k = r(10);
      // a token: words, invalid bytes or look-alike characters glued together
      const tok = [k < 6 ? WORDS[r(WORDS.length)] : k < 8 ? BAD[r(BAD.length)] : u(NOT_SPACES[r(NOT_SPACES.length)])];
      if (r(3) === 0) tok.push(WORDS[r(WORDS.length)]);
      parts.push(...tok, u(Array.from({ length: 1 + r(2) }, () => SPACES[r(SPACES.length)]).join('')));
    }
    parts.push(u(r(4) === 0 ? '\r\n' : '\n'));
  }
  parts.push(WORDS[0], BAD[0]); // no final line break
  return Buffer.concat(parts);
}

async function viaText(f: string) {
  const index = new Map<string, number>(), names: string[] = [], counts: number[] = [], ids: number[] = [], lens: number[] = [];
  for await (const sent of fileSentences(f, false)) {
    for (const w of sent) {
      let i = index.get(w);
      if (i === undefined) { i = names.length; index.set(w, i); names.push(w); counts.push(0); }
      counts[i]++;
      ids.push(i);
    }
    lens.push(sent.length);
  }
  return { names, counts, ids, lens };
}

async function viaBytes(f: string, chunk: number) {
  const v = new ByteVocab(), ids: number[] = [], lens: number[] = [];
  await scanFileIds(f, v, (a, n) => { for (let i = 0; i < n; i++) ids.push(a[i]); lens.push(n); }, chunk);
  return { names: v.names, counts: v.counts, ids, lens, keys: (v as unknown as { keys: number }).keys };
}

describe('word2vec vocabulary pass over bytes', () => {
  test('spaceAt reads exactly the characters of \\s', () => {
    for (let c = 0; c <= 0xffff; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue;
      const b = u(String.fromCharCode(c));
      expect(spaceAt(b, 0, b.length) === b.length, `U+${c.toString(16)}`).toBe(/\s/.test(String.fromCharCode(c)));
    }
  });
  test.each([1, 2, 3, 7, 64, 4096, 1 << 20])('the same words, counts and ids as the text path (read size %i)', async (chunk) => {
    const f = join(dir, `c${chunk}.txt`);
    writeFileSync(f, corpus(chunk, chunk < 8 ? 300 : 3000));
    const [a, b] = [await viaText(f), await viaBytes(f, chunk)];
    expect(b.names).toEqual(a.names);
    expect(b.counts).toEqual(a.counts);
    expect(b.lens).toEqual(a.lens);
    expect(b.ids).toEqual(a.ids);
    expect(a.names.some((w) => w.includes('\ufffd'))).toBe(true); // the invalid bytes were there
  });
  test('many distinct words (the table grows, every key kept), long tokens and lines', async () => {
    const f = join(dir, 'many.txt');
    const words = Array.from({ length: 20000 }, (_, i) => `w${i}${'é'.repeat(i % 7)}`);
    writeFileSync(f, [words.join(' '), words.slice().reverse().join('\t'), 'y'.repeat(100000)].join('\n'));
    const [a, b] = [await viaText(f), await viaBytes(f, 1000)];
    expect(b.names).toEqual(a.names);
    expect(b.counts).toEqual(a.counts);
    expect(b.ids).toEqual(a.ids);
    // Valid UTF-8: one key per word. A key lost when the table grew would be stored again on
    // its next sight (the ids stay right through the decoded name, so only this shows it).
    expect(b.keys).toBe(b.names.length);
  });
});
