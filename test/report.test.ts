// The benchmark report's charts (bench/report.mjs, `npm run bench -- --report <dir>`): render
// one from a small synthetic workload and parse the SVG with a strict little XML reader — no
// browser. Skipped when the bench harness is not in this checkout.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, test } from 'vitest';

const reportPath = join(__dirname, '..', 'bench', 'report.mjs');
const hasReport = existsSync(reportPath);
const report = hasReport ? await import(pathToFileURL(reportPath).href) : null;

// ---------------------------------------------------------------------------------------------
// A strict, tiny XML reader: elements, attributes, text, comments, the five predefined entities
// and numeric character references. Throws on anything not well-formed.
interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string; // the element's own text, entities decoded
}

const NAME = /^[A-Za-z_:][\w:.-]*$/;

function decodeEntities(s: string, where: string): string {
  if (s.includes('<')) throw new Error(`raw "<" in ${where}: ${JSON.stringify(s.slice(0, 60))}`);
  return s.replace(/&([^;\s]*);?/g, (m, body: string) => {
    if (!m.endsWith(';')) throw new Error(`unterminated entity in ${where}: ${JSON.stringify(m)}`);
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (body in named) return named[body];
    const num = /^#(x[0-9a-fA-F]+|[0-9]+)$/.exec(body);
    if (num) return String.fromCodePoint(num[1][0] === 'x' ? parseInt(num[1].slice(1), 16) : Number(num[1]));
    throw new Error(`unknown entity &${body}; in ${where}`);
  });
}

export function parseXml(src: string): XmlElement {
  let i = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  const text = (s: string) => {
    if (!stack.length) {
      if (s.trim()) throw new Error(`text outside the root element: ${JSON.stringify(s.trim().slice(0, 40))}`);
      return;
    }
    stack[stack.length - 1].text += decodeEntities(s, `<${stack[stack.length - 1].name}> text`);
  };
  while (i < src.length) {
    const lt = src.indexOf('<', i);
    if (lt < 0) {
      text(src.slice(i));
      break;
    }
    text(src.slice(i, lt));
    if (src.startsWith('<!--', lt)) {
      const end = src.indexOf('-->', lt + 4);
      if (end < 0) throw new Error('unterminated comment');
      i = end + 3;
      continue;
    }
    if (src.startsWith('<?', lt)) {
      if (root || stack.length) throw new Error('processing instruction after the root started');
      const end = src.indexOf('?>', lt + 2);
      if (end < 0) throw new Error('unterminated processing instruction');
      i = end + 2;
      continue;
    }
    if (src.startsWith('<!', lt)) throw new Error('DOCTYPE/CDATA not expected in a generated SVG');
    const gt = findTagEnd(src, lt);
    const body = src.slice(lt + 1, gt);
    i = gt + 1;
    if (body.startsWith('/')) {
      const name = body.slice(1).trim();
      const open = stack.pop();
      if (!open) throw new Error(`</${name}> with no open element`);
      if (open.name !== name) throw new Error(`</${name}> closes <${open.name}>`);
      continue;
    }
    const selfClosing = body.endsWith('/');
    const inner = selfClosing ? body.slice(0, -1) : body;
    const m = /^([^\s/>]+)([\s\S]*)$/.exec(inner);
    if (!m || !NAME.test(m[1])) throw new Error(`bad tag <${body.slice(0, 40)}>`);
    const el: XmlElement = { name: m[1], attrs: parseAttrs(m[2], m[1]), children: [], text: '' };
    if (stack.length) stack[stack.length - 1].children.push(el);
    else if (root) throw new Error(`second root element <${el.name}>`);
    else root = el;
    if (!selfClosing) stack.push(el);
  }
  if (stack.length) throw new Error(`unclosed <${stack.map((e) => e.name).join('> <')}>`);
  if (!root) throw new Error('no root element');
  return root;
}

function findTagEnd(src: string, lt: number): number {
  let quote = '';
  for (let j = lt + 1; j < src.length; j++) {
    const c = src[j];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '<') throw new Error(`"<" inside a tag at ${j}`);
    else if (c === '>') return j;
  }
  throw new Error('unterminated tag');
}

function parseAttrs(s: string, tag: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  const re = /\s+([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/y;
  let pos = 0;
  while (s.slice(pos).trim() !== '') {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) throw new Error(`bad attributes in <${tag}> near ${JSON.stringify(s.slice(pos, pos + 30))}`);
    const name = m[1];
    if (!NAME.test(name)) throw new Error(`bad attribute name ${name} in <${tag}>`);
    if (name in attrs) throw new Error(`duplicate attribute ${name} in <${tag}>`);
    attrs[name] = decodeEntities(m[2] ?? m[3], `<${tag} ${name}>`);
    pos = re.lastIndex;
  }
  return attrs;
}

function* walk(el: XmlElement): Generator<XmlElement> {
  yield el;
  for (const c of el.children) yield* walk(c);
}

describe('the XML reader itself', () => {
  test('accepts well-formed input and decodes entities', () => {
    const doc = parseXml('<?xml version="1.0"?><a x="1 &amp; 2"><b/><c y=\'&lt;\'>t&#62;&#x3c;</c></a>\n');
    expect(doc.name).toBe('a');
    expect(doc.attrs.x).toBe('1 & 2');
    expect(doc.children.map((c) => c.name)).toEqual(['b', 'c']);
    expect(doc.children[1].attrs.y).toBe('<');
    expect(doc.children[1].text).toBe('t><');
  });
  test.each([
    ['<a><b></a></b>', /closes/],
    ['<a>', /unclosed/],
    ['<a></a><b/>', /second root/],
    ['<a x="1" x="2"/>', /duplicate/],
    ['<a>AT&T</a>', /entity/],
    ['<a>&nbsp;</a>', /unknown entity/],
    ['<a x=1/>', /bad attributes/],
    ['<a>1 < 2</a>', /"<" inside a tag|bad tag|unterminated/],
  ])('rejects %s', (src, msg) => {
    expect(() => parseXml(src)).toThrow(msg);
  });
});

// ---------------------------------------------------------------------------------------------
describe.skipIf(!hasReport)('bench/report.mjs renderSvg', () => {
  const workload = {
    id: 'logsoftmax-4096x32000',
    title: 'logSoftmax 4096 × 32000 <float32> & "friends"',
    bytes: 2 * 4096 * 32000 * 4,
    bytesNote: 'read x + write y',
    bandwidthGBs: 12.5,
    machine: 'test machine · 2 cores · Node 20 · 2026-01-01',
    rows: [
      { label: 'logitkit (native, avx512)', family: 'logitkit', status: 'ok', medianMs: 95.2, gbps: 11.0, fracBw: 0.88 },
      { label: 'logitkit reference (TS)', family: 'reference', status: 'ok', medianMs: 2400 },
      { label: 'onnxruntime-node <LogSoftmax>', family: 'peer', status: 'ok', medianMs: 180.5, gbps: 5.8, fracBw: 0.46 },
      { label: 'tfjs-wasm', family: 'peer', status: 'ok', medianMs: 640 },
      { label: 'plain JS loop', family: 'baseline', status: 'ok', medianMs: 1210 },
      { label: 'torch (python)', family: 'peer', status: 'unavailable', reason: 'python3 has no torch & "no" <wheel>' },
    ],
  };
  const ok = workload.rows.filter((r) => r.status === 'ok');

  test('renders well-formed SVG', () => {
    const svg: string = report.renderSvg(workload);
    const doc = parseXml(svg);
    expect(doc.name).toBe('svg');
    expect(doc.attrs.xmlns).toBe('http://www.w3.org/2000/svg');
    expect(Number(doc.attrs.width)).toBeGreaterThan(0);
    expect(Number(doc.attrs.height)).toBeGreaterThan(0);
  });

  test('one bar per measured implementation, labelled, widths ordered like the medians', () => {
    const doc = parseXml(report.renderSvg(workload));
    const bars = [...walk(doc)].filter((e) => e.name === 'rect' && /(^|\s)bar(\s|$)/.test(e.attrs.class ?? ''));
    expect(bars.map((b) => b.attrs['data-label'])).toEqual(ok.map((r) => r.label)); // escaping round-trips
    for (const [i, b] of bars.entries()) {
      expect(Number(b.attrs['data-ms'])).toBeCloseTo(ok[i].medianMs!, 6);
      expect(Number(b.attrs.width)).toBeGreaterThan(0);
    }
    const byMs = [...bars].sort((a, b) => Number(a.attrs['data-ms']) - Number(b.attrs['data-ms']));
    const widths = byMs.map((b) => Number(b.attrs.width));
    expect(widths).toEqual([...widths].sort((a, b) => a - b));
    // every peer shows up: as a bar, or as a not-measured line with its reason
    const texts = [...walk(doc)].map((e) => e.text).join('\n');
    expect(texts).toContain('torch (python)');
    expect(texts).toContain('python3 has no torch & "no" <wheel>');
    expect(texts).toContain(workload.title);
  });

  test('the logitkit bar is highlighted', () => {
    const doc = parseXml(report.renderSvg(workload));
    const bars = [...walk(doc)].filter((e) => e.name === 'rect' && (e.attrs.class ?? '').split(/\s+/).includes('bar'));
    const mine = bars.filter((b) => b.attrs['data-family'] === 'logitkit');
    const others = bars.filter((b) => b.attrs['data-family'] !== 'logitkit');
    expect(mine).toHaveLength(1);
    expect(others.length).toBe(ok.length - 1);
    for (const o of others) expect(o.attrs.fill).not.toBe(mine[0].attrs.fill);
    expect(mine[0].attrs.stroke).toBeDefined(); // outlined; the others are not
    for (const o of others) expect(o.attrs.stroke).toBeUndefined();
  });

  test('the memory-bandwidth floor is drawn where bytes / bandwidth puts it', () => {
    const doc = parseXml(report.renderSvg(workload));
    const floor = [...walk(doc)].find((e) => (e.attrs.class ?? '').split(/\s+/).includes('bandwidth-floor'));
    expect(floor).toBeDefined();
    expect(Number(floor!.attrs['data-ms'])).toBeCloseTo((workload.bytes / (workload.bandwidthGBs * 1e9)) * 1e3, 6);
  });

  test('edge cases stay well-formed: no bars at all, one bar, no bandwidth', () => {
    const none = { id: 'x', title: 'nothing ran', rows: [{ label: 'a', family: 'peer', status: 'error', reason: 'boom' }] };
    expect(parseXml(report.renderSvg(none)).name).toBe('svg');
    const one = { id: 'y', title: 'one', rows: [{ label: 'logitkit', family: 'logitkit', status: 'ok', medianMs: 0.004 }] };
    const doc = parseXml(report.renderSvg(one));
    expect([...walk(doc)].filter((e) => e.name === 'rect' && e.attrs.class === 'bar')).toHaveLength(1);
  });

  test.skipIf(typeof report?.writeReport !== 'function')('writeReport writes results.json and one SVG per workload', () => {
    const dir = mkdtempSync(join(tmpdir(), 'logitkit-report-'));
    try {
      const results = {
        date: '2026-01-01',
        machine: { cpu: 'test cpu', cores: 2, node: '20.20.2' },
        bandwidthGBs: 12.5,
        workloads: [workload, { ...workload, id: 'second', title: 'second' }],
      };
      const files: string[] = report.writeReport(dir, results);
      expect(files).toEqual(expect.arrayContaining(['results.json', `${workload.id}.svg`, 'second.svg']));
      expect(JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')).workloads[0].rows[0].medianMs).toBe(95.2);
      for (const f of files.filter((f) => f.endsWith('.svg'))) expect(parseXml(readFileSync(join(dir, f), 'utf8')).name).toBe('svg');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
