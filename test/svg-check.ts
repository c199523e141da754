// A small XML well-formedness check for the SVG documents logitkit and its examples write.
import { expect } from 'vitest';

/** A small XML well-formedness check: balanced tags, quoted attributes, one svg root. */
export function expectWellFormedSvg(svg: string): void {
  expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  const stack: string[] = [];
  const re = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/g;
  let m: RegExpExecArray | null, pos = 0, roots = 0;
  while ((m = re.exec(svg))) {
    expect(m.index, `unparsed text at ${pos}: ${svg.slice(pos, pos + 40)}`).toBe(pos);
    pos = re.lastIndex;
    if (m[5] !== undefined) {
      expect(/&(?!amp;|lt;|gt;|quot;|#\d+;)/.test(m[5]), `bare & in text`).toBe(false);
      continue;
    }
    if (m[1]) expect(stack.pop(), `closing </${m[2]}>`).toBe(m[2]);
    else if (!m[4]) {
      if (stack.length === 0) roots++;
      stack.push(m[2]);
    }
  }
  expect(pos).toBe(svg.length);
  expect(stack).toEqual([]);
  expect(roots).toBe(1);
}
