// Checks the TypeDoc model (docs/api/api.json, written by `npm run docs`) for what a reader of
// the API pages needs: every callable export is listed under Functions (not Variables), every
// public function, sampler, class and method has a summary, a description of each parameter
// and an @example, and no page points at documents that are not in the package.
// Usage: node scripts/check-docs.mjs [path/to/api.json]
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'docs/api/api.json';
const project = JSON.parse(readFileSync(file, 'utf8'));

// TypeDoc ReflectionKind values
const K = { Module: 2, Namespace: 4, Variable: 32, Function: 64, Class: 128, Constructor: 512, Method: 2048 };
// Exports that are values, not functions.
const VARIABLES = new Set(['version', 'kernels', 'CUDA_AUTO_MIN_ELEMENTS']);
// Documents a published page must not point at (they are not in the package).
const OUTSIDE = /\b(API\.md|DESIGN(\.md)?|FEATURE-ANCHORS|STYLE-ANCHORS|issue\s*#?\d+)\b/i;

const problems = [];
const text = (parts = []) => parts.map((p) => p.text).join('');
const commentText = (c) => (c ? text(c.summary) + (c.blockTags ?? []).map((t) => text(t.content)).join(' ') : '');

function checkSignature(where, sig, { example = true } = {}) {
  const c = sig.comment;
  if (!c || !text(c.summary).trim()) problems.push(`${where}: no description`);
  if (example && !(c?.blockTags ?? []).some((t) => t.tag === '@example')) problems.push(`${where}: no @example`);
  for (const p of sig.parameters ?? []) {
    if (!p.comment || !text(p.comment.summary).trim()) problems.push(`${where}: parameter ${p.name} is not described`);
  }
  if (OUTSIDE.test(commentText(c))) problems.push(`${where}: cites a document outside the package (${commentText(c).match(OUTSIDE)[0]})`);
}

function checkFunction(where, fn) {
  // Overloads: the first signature carries the documentation readers see first; every
  // signature must describe its parameters.
  (fn.signatures ?? []).forEach((sig, i) => checkSignature(`${where}${fn.signatures.length > 1 ? ` (signature ${i + 1})` : ''}`, sig, { example: i === 0 }));
}

let functions = 0;
function walk(container, prefix) {
  for (const c of container.children ?? []) {
    const where = `${prefix}${c.name}`;
    if (OUTSIDE.test(commentText(c.comment))) problems.push(`${where}: cites a document outside the package`);
    if (c.kind === K.Variable) {
      if (!VARIABLES.has(c.name)) problems.push(`${where}: listed under Variables; mark it /** @function */ (or @namespace) in the export`);
    } else if (c.kind === K.Function) {
      functions++;
      checkFunction(where, c);
    } else if (c.kind === K.Namespace) {
      walk(c, `${where}.`);
    } else if (c.kind === K.Class) {
      if (!(c.comment?.blockTags ?? []).some((t) => t.tag === '@example')) problems.push(`${where}: class has no @example`);
      for (const m of c.children ?? []) {
        if (m.flags?.isPrivate || m.flags?.isProtected) continue;
        if (m.kind === K.Method) checkFunction(`${where}.${m.name}`, m);
        if (m.kind === K.Constructor) for (const sig of m.signatures ?? []) checkSignature(`${where} constructor`, sig, { example: false });
      }
    }
    // interfaces and type aliases: their members' comments are checked for outside citations only
    for (const m of c.kind === K.Class ? [] : c.children ?? []) {
      if (OUTSIDE.test(commentText(m.comment))) problems.push(`${where}.${m.name}: cites a document outside the package`);
    }
  }
}

for (const mod of project.children ?? []) walk(mod, `${mod.name}.`);

if (functions === 0) problems.push('no functions found: is this the TypeDoc JSON of logitkit?');
if (problems.length) {
  console.error(`check-docs: ${problems.length} problem(s) in ${file}:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`check-docs: ${functions} functions, each under Functions with described parameters and an example`);
