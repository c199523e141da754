// `logitkit word2vec`: trains on a file and on the synthetic corpus, round-trips its text and
// binary formats, answers queries, and turns bad input into one line and a non-zero status.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { addressMod64 } from '../lib/backend.js';
import { backend } from '../lib/index.js';
import { main, parseArgs, readVectors, topicScore, train, type TrainHooks } from '../lib/cli/word2vec.js';

const dir = mkdtempSync(join(tmpdir(), 'lk-w2v-'));

async function run(args: string[], tty = false, hooks: TrainHooks = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const io = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s), isTTY: tty } };
  const code = await main(args, io, hooks);
  return { code, out, err };
}

describe('word2vec command', () => {
  test('the trained tables start on a 64-byte boundary (whole cache lines per row), pipelined or not', async () => {
    const io = { stdout: { write: () => true }, stderr: { write: () => true, isTTY: false } };
    for (const pipeline of ['0', '1']) {
      const o = parseArgs(['--synthetic', '3000', '--topics', '4', '--vocab', '60', '--size', '16', '--min-count', '1', '--threads', '2', '--pipeline', pipeline, '--quiet']);
      const r = await train(o, io);
      expect(r.vectors.length).toBe(r.words.length * 16);
      if (backend().name === 'native') expect(addressMod64(r.vectors)).toBe(0);
      else expect(addressMod64(r.vectors)).toBe(-1);
    }
  });
  test('synthetic corpus: trains, writes text and binary, both read back equal, queries answer', async () => {
    const txt = join(dir, 'v.txt'), bin = join(dir, 'v.bin');
    const common = ['--synthetic', '120000', '--topics', '8', '--vocab', '400', '--size', '24', '--iter', '2', '--min-count', '2', '--threads', '1', '--seed', '3'];
    const a = await run([...common, '--output', txt, '--score']);
    expect(a.code, a.err).toBe(0);
    expect(a.err).toMatch(/100\.0%\s+[\d.]+k words\/s\s+loss [\d.]+\s+alpha [\d.]+\s+ETA 00:00/);
    expect(a.err).toMatch(/trained \d+ words × 24/);
    // not a TTY: periodic lines every 10 s of training and the final one, none at the start
    expect(a.err.match(/% +[\d.]+k words\/s/g)?.length, a.err).toBeGreaterThanOrEqual(1);
    const score = Number(/topic score ([\d.]+)/.exec(a.out)![1]);
    expect(score).toBeGreaterThan(0.8); // chance is 1/8
    const b = await run([...common, '--output', bin, '-binary', '1', '--quiet']);
    expect(b.code).toBe(0);
    expect(b.err).toBe('');
    const t = readVectors(txt), u = readVectors(bin);
    expect(readFileSync(txt, 'utf8').split('\n')[0]).toBe(`${t.words.length} 24`);
    expect(u.words).toEqual(t.words);
    // Hogwild on one thread is sequential: the same run twice gives the same vectors; the
    // text format keeps 6 decimals.
    for (let i = 0; i < t.vectors.length; i++) expect(Math.abs(t.vectors[i] - u.vectors[i])).toBeLessThanOrEqual(6e-7);
    expect(topicScore(u.words, u.vectors, 24)).toBeCloseTo(score, 3);
    const q = await run(['--query', bin, t.words[0], t.words[5], '--top', '3']);
    expect(q.code).toBe(0);
    const lines = q.out.trim().split('\n');
    expect(lines).toHaveLength(8);
    expect(lines[0]).toBe(t.words[0]);
    expect(lines[1]).toMatch(/^ {2}t\d+w\d+\t-?[01]\.\d{4}$/);
    const missing = await run(['--query', txt, 'nosuchword']);
    expect(missing.code).toBe(1);
    expect(missing.err.trim().split('\n')).toHaveLength(1);
  });

  test('a text file: lowercase, min-count, NCE objective, deterministic mode', async () => {
    const f = join(dir, 'corpus.txt');
    const sent = ['The cat sat on the mat', 'the dog sat on the log', 'A cat and a dog'];
    writeFileSync(f, Array.from({ length: 300 }, (_, i) => sent[i % 3]).join('\n'));
    const out = join(dir, 'f.txt');
    const r = await run(['--train', f, '--output', out, '--lowercase', '--min-count', '150', '--size', '8', '--iter', '1', '--nce', '--deterministic', '--quiet']);
    expect(r.code, r.err).toBe(0);
    const v = readVectors(out);
    expect(v.words[0]).toBe('the');
    expect(v.words).not.toContain('The');
    expect(v.words).toContain('cat');
    expect(v.words).not.toContain('mat'); // 100 occurrences < --min-count 150
    expect(v.words).toHaveLength(6);
  });

  // --pipeline 1 prepares batch n + 1 while batch n's step runs off the JS thread; the steps
  // are the same calls in the same order, so the vectors are the same bytes. With
  // --deterministic that holds for any --threads; without it (hogwild) only on one thread:
  // several threads race on the tables in either loop.
  const synth = ['--synthetic', '60000', '--topics', '8', '--vocab', '300', '--size', '16', '--batch', '500', '--seed', '5', '--quiet', '-binary', '1'];
  test.each([
    ['--deterministic, 2 threads', ['--deterministic', '--threads', '2']],
    ['--deterministic, NCE, 1 thread', ['--deterministic', '--nce', '--threads', '1']],
    ['hogwild, 1 thread', ['--threads', '1', '--iter', '2']],
  ])('pipelined and synchronous loops write identical vectors: %s', async (_what, extra) => {
    const outs: Buffer[] = [];
    let batches = -1;
    for (const p of ['0', '1']) {
      const f = join(dir, `pipe${p}.bin`);
      let n = 0;
      const r = await run([...synth, ...extra, '--pipeline', p, '--output', f], false, { onBatch: (i) => { expect(i).toBe(n); n = i + 1; } });
      expect(r.code, r.err).toBe(0);
      outs.push(readFileSync(f));
      if (batches < 0) batches = n; else expect(n).toBe(batches);
    }
    expect(batches).toBeGreaterThan(20);
    expect(outs[1].equals(outs[0])).toBe(true);
  });

  test('pipelined on a text file (long lines too): identical to --pipeline 0 and to the default', async () => {
    const f = join(dir, 'pipe.txt');
    const sent = ['the cat sat on the mat', 'the dog sat on the log', 'a cat and a dog ran'];
    // Long lines too: a sentence is paired 1000 subsampled words at a time, and a batch may fill
    // in the middle of one.
    const long = Array.from({ length: 2600 }, (_, i) => sent[i % 3].split(' ')[i % 5]).join(' ');
    writeFileSync(f, [...Array.from({ length: 3000 }, (_, i) => sent[(i * 7) % 3]), long, long].join('\n'));
    const outs: string[] = [];
    for (const extra of [['--pipeline', '0', '--threads', '2'], ['--pipeline', '1', '--threads', '1'], ['--threads', '2'], ['--pipeline', '--threads', '2']]) {
      const out = join(dir, 'pipe-f.txt');
      const r = await run(['--train', f, '--output', out, '--size', '8', '--batch', '300', '--sample', '0', '--deterministic', '--quiet', ...extra]);
      expect(r.code, r.err).toBe(0);
      outs.push(readFileSync(out, 'utf8'));
    }
    expect(outs.every((o) => o === outs[0])).toBe(true);
  });

  test('the vocabulary pass\'s token ids (--cache-mb) train the same vectors as reading the file again, and a cache that overflows reads it again', async () => {
    const f = join(dir, 'cache.txt');
    const sent = ['the cat sat on the mat', 'the dog sat on the log', 'a cat and a dog ran', 'one two three four five six seven'];
    const long = Array.from({ length: 2600 }, (_, i) => sent[i % 4].split(' ')[i % 5]).join(' ');
    writeFileSync(f, [...Array.from({ length: 3000 }, (_, i) => sent[(i * 7) % 4]), long, '', '   ', long].join('\n'));
    for (const extra of [['--threads', '1'], ['--threads', '2', '--deterministic']]) {
      const outs: Buffer[] = [];
      // default (256 MB: cached), re-read, and 0.02 MB: the cache outgrows it mid-pass and is dropped
      for (const cache of [[], ['--cache-mb', '0'], ['--cache-mb', '0.02']]) {
        const out = join(dir, 'cache-v.bin');
        const r = await run(['--train', f, '--output', out, '--binary', '--size', '8', '--iter', '2', '--batch', '300', '--sample', '1e-2', '--quiet', ...extra, ...cache]);
        expect(r.code, r.err).toBe(0);
        outs.push(readFileSync(out));
      }
      expect(outs[1].equals(outs[0]), extra.join(' ')).toBe(true);
      expect(outs[2].equals(outs[0]), extra.join(' ')).toBe(true);
    }
    // Cached, the file is read once: it may go once the vocabulary pass is over. Its 6000 ids
    // and 2000 lengths (32 KB) fit 0.035 MB (the last growth takes what the cap leaves) and
    // overflow 0.02 MB, which then reads the file again and fails without it.
    for (const [cache, code] of [[[], 0], [['--cache-mb', '0.035'], 0], [['--cache-mb', '0.02'], 1]] as const) {
      const g = join(dir, 'cache-gone.txt');
      writeFileSync(g, Array.from({ length: 2000 }, (_, i) => `w${i % 17} w${i % 5} w${i % 11}`).join('\n'));
      const r = await run(['--train', g, '--iter', '2', '--size', '8', '--batch', '200', '--threads', '2', '--quiet', ...cache],
        false, { onBatch: (i) => { if (i === 0) unlinkSync(g); } });
      expect(r.code, r.err).toBe(code);
    }
  });

  test.each(['0', '1'])('--pipeline %s: a file that vanishes between passes (no --cache-mb) → one line, non-zero status', async (p) => {
    const f = join(dir, `gone${p}.txt`);
    writeFileSync(f, Array.from({ length: 2000 }, (_, i) => `w${i % 17} w${i % 5} w${i % 11}`).join('\n'));
    const r = await run(['--train', f, '--iter', '2', '--size', '8', '--batch', '200', '--threads', '2', '--pipeline', p, '--cache-mb', '0'],
      false, { onBatch: (i) => { if (i === 0) unlinkSync(f); } });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^logitkit word2vec: [^\n]*gone\d\.txt: cannot read it \(ENOENT[^\n]*\n$/);
  });

  const bad: [string, string[], RegExp][] = [
    ['a missing file', ['--train', join(dir, 'nope.txt')], /nope\.txt: no such file/],
    ['a missing file, pipelined', ['--train', join(dir, 'nope.txt'), '--threads', '2', '--pipeline', '1'], /nope\.txt: no such file/],
    ['a directory, not pipelined', ['--train', dir, '--threads', '2', '--pipeline', '0'], /not a regular file/],
    ['--pipeline 2', ['--synthetic', '1000', '--pipeline', '2'], /unexpected argument '2'/],
    ['a directory', ['--train', dir], /not a regular file/],
    ['an empty corpus', ['--train', join(dir, 'empty.txt')], /corpus is empty/],
    ['min-count empties the vocabulary', ['--train', join(dir, 'small.txt'), '--min-count', '100'], /no word occurs at least --min-count 100 times/],
    ['an unknown option', ['--frobnicate', '3'], /unknown option '--frobnicate'/],
    ['a bad number', ['--synthetic', '1000', '--size', 'big'], /--size big: expected an integer/],
    ['a negative --cache-mb', ['--synthetic', '1000', '--cache-mb', '-1'], /--cache-mb -1: expected a number in \[0, /],
    ['no corpus', [], /give --train FILE/],
    ['an output that cannot be written', ['--synthetic', '1000', '--output', join(dir, 'no', 'such', 'dir', 'v.txt')], /v\.txt: ENOENT/],
    ['cbow', ['--cbow', '1', '--synthetic', '10'], /--cbow 1 is not available/],
    ['a query file that is not vectors', ['--query', join(dir, 'small.txt'), 'a'], /not a word2vec vectors file/],
  ];
  writeFileSync(join(dir, 'empty.txt'), '  \n\n ');
  writeFileSync(join(dir, 'small.txt'), 'a b c a b a\n');
  for (const [what, args, msg] of bad) {
    test(`bad input: ${what} → one line, non-zero status`, async () => {
      const r = await run(args);
      expect(r.code).not.toBe(0);
      expect(r.err).toMatch(/^logitkit word2vec: [^\n]+\n$/);
      expect(r.err).toMatch(msg);
    });
  }

  test.skipIf(!existsSync(join(__dirname, '..', 'dist', 'cli.js')))('the bin (dist/cli.js): help, errors, exit status', () => {
    const cli = join(__dirname, '..', 'dist', 'cli.js');
    const h = spawnSync(process.execPath, [cli, 'word2vec', '--help'], { encoding: 'utf8' });
    expect(h.status).toBe(0);
    expect(h.stdout).toMatch(/--negative K/);
    const e = spawnSync(process.execPath, [cli, 'word2vec', '--train', join(dir, 'nope.txt')], { encoding: 'utf8' });
    expect(e.status).toBe(1);
    expect(e.stderr).toMatch(/^logitkit word2vec: [^\n]+\n$/);
    const u = spawnSync(process.execPath, [cli, 'frobnicate'], { encoding: 'utf8' });
    expect(u.status).toBe(2);
  });
});
