// The published API pages are built from lib/'s comments: they must not point at documents
// that are not in the package, and every destructured function export must carry the
// @function tag that lists it under Functions (scripts/check-docs.mjs checks the built pages).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';

const root = join(__dirname, '..');
const files = (dir: string): string[] =>
  readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []);

test('lib/ cites papers, the README or the CHANGELOG, never documents outside the package', () => {
  const outside = /\b(API\.md|DESIGN\.md|FEATURE-ANCHORS|STYLE-ANCHORS|issue\s*#?\d+)\b/i;
  const hits = files('lib').flatMap((f) =>
    readFileSync(join(root, f), 'utf8').split('\n').flatMap((line, i) => (outside.test(line) ? [`${f}:${i + 1}: ${line.trim()}`] : [])));
  expect(hits).toEqual([]);
});

test('every destructured export of the entry points is tagged @function or @namespace', () => {
  for (const f of ['lib/index.ts', 'lib/reference/index.ts']) {
    const src = readFileSync(join(root, f), 'utf8');
    for (const [, body] of src.matchAll(/export const \{([^}]*)\} =/g)) {
      const untagged = body.split('\n').map((l) => l.trim()).filter((l) => l && !/^\/\*\* @(function|namespace) \*\/ \w+,?$/.test(l));
      expect(untagged, f).toEqual([]);
    }
  }
});
