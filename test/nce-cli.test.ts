// `logitkit word2vec`: trains on a file and on the synthetic corpus, round-trips its text and
// binary formats, answers queries, and turns bad input into one line and a non-zero status.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { main, readVectors, topicScore } from '../lib/cli/word2vec.js';

const dir = mkdtempSync(join(tmpdir(), 'lk-w2v-'));

async function run(args: string[], tty = false): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const io = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s), isTTY: tty } };
  const code = await main(args, io);
  return { code, out, err };
}

describe('word2vec command', () => {
  test('synthetic corpus: trains, writes text and binary, both read back equal, queries answer', async () => {
    const txt = join(dir, 'v.txt'), bin = join(dir, 'v.bin');
    const common = ['--synthetic', '120000', '--topics', '8', '--vocab', '400', '--size', '24', '--iter', '2', '--min-count', '2', '--threads', '1', '--seed', '3'];
    const a = await run([...common, '--output', txt, '--score']);
    expect(a.code, a.err).toBe(0);
    expect(a.err).toMatch(/100\.0%\s+[\d.]+k words\/s\s+loss [\d.]+\s+alpha [\d.]+\s+ETA 00:00/);
    expect(a.err).toMatch(/trained \d+ words × 24/);
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

  const bad: [string, string[], RegExp][] = [
    ['a missing file', ['--train', join(dir, 'nope.txt')], /nope\.txt: no such file/],
    ['a directory', ['--train', dir], /not a regular file/],
    ['an empty corpus', ['--train', join(dir, 'empty.txt')], /corpus is empty/],
    ['min-count empties the vocabulary', ['--train', join(dir, 'small.txt'), '--min-count', '100'], /no word occurs at least --min-count 100 times/],
    ['an unknown option', ['--frobnicate', '3'], /unknown option '--frobnicate'/],
    ['a bad number', ['--synthetic', '1000', '--size', 'big'], /--size big: expected an integer/],
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
