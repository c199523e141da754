// A tiny dependency-free SVG chart writer for the examples: points, error bars and lines on
// linear axes. Writes a standalone SVG document string.

export interface Series {
  name: string;
  color: string;
  /** x, y pairs; with `err`, an error bar of ± err[i] around y[i]. */
  x: number[];
  y: number[];
  err?: number[];
  /** Draw a polyline through the points instead of markers. */
  line?: boolean;
  /** Horizontal offset of the markers, in pixels (side-by-side series). */
  dx?: number;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const r2 = (v: number) => (Math.round(v * 100) / 100).toString();

function ticks(lo: number, hi: number, n = 5): number[] {
  const span = hi - lo || 1;
  const step0 = span / n, mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= step0) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-12 * span; v += step) out.push(Math.abs(v) < 1e-12 * span ? 0 : v);
  return out;
}

export function chart(title: string, xLabel: string, yLabel: string, series: Series[], size = { width: 640, height: 400 }): string {
  const { width: W, height: H } = size;
  const L = 70, R = 150, T = 34, B = 48, pw = W - L - R, ph = H - T - B;
  let xlo = Infinity, xhi = -Infinity, ylo = Infinity, yhi = -Infinity;
  for (const s of series) {
    s.x.forEach((x, i) => {
      const e = s.err ? s.err[i] : 0;
      if (!Number.isFinite(s.y[i])) return;
      xlo = Math.min(xlo, x); xhi = Math.max(xhi, x);
      ylo = Math.min(ylo, s.y[i] - e); yhi = Math.max(yhi, s.y[i] + e);
    });
  }
  const xpad = (xhi - xlo || 1) * 0.06, ypad = (yhi - ylo || 1) * 0.06;
  xlo -= xpad; xhi += xpad; ylo -= ypad; yhi += ypad;
  const X = (v: number) => L + ((v - xlo) / (xhi - xlo)) * pw;
  const Y = (v: number) => T + (1 - (v - ylo) / (yhi - ylo)) * ph;
  const p: string[] = [];
  p.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`);
  p.push(`<title>${esc(title)}</title>`);
  p.push(`<rect x="0" y="0" width="${W}" height="${H}" fill="white"/>`);
  p.push(`<text x="${r2(L + pw / 2)}" y="20" text-anchor="middle" font-size="13">${esc(title)}</text>`);
  for (const t of ticks(xlo, xhi)) {
    p.push(`<line x1="${r2(X(t))}" y1="${T}" x2="${r2(X(t))}" y2="${T + ph}" stroke="#eee"/>`);
    p.push(`<text x="${r2(X(t))}" y="${T + ph + 14}" text-anchor="middle">${esc(String(+t.toPrecision(6)))}</text>`);
  }
  for (const t of ticks(ylo, yhi)) {
    p.push(`<line x1="${L}" y1="${r2(Y(t))}" x2="${L + pw}" y2="${r2(Y(t))}" stroke="#eee"/>`);
    p.push(`<text x="${L - 4}" y="${r2(Y(t) + 4)}" text-anchor="end">${esc(String(+t.toPrecision(6)))}</text>`);
  }
  p.push(`<rect x="${L}" y="${T}" width="${pw}" height="${ph}" fill="none" stroke="black"/>`);
  series.forEach((s, k) => {
    const dx = s.dx ?? 0;
    if (s.line) {
      const pts = s.x.map((x, i) => `${r2(X(x) + dx)},${r2(Y(s.y[i]))}`).filter((_, i) => Number.isFinite(s.y[i])).join(' ');
      p.push(`<polyline points="${pts}" fill="none" stroke="${s.color}" stroke-width="1.5"/>`);
    } else {
      s.x.forEach((x, i) => {
        if (!Number.isFinite(s.y[i])) return;
        const cx = X(x) + dx;
        if (s.err) {
          const e = s.err[i];
          p.push(`<line x1="${r2(cx)}" y1="${r2(Y(s.y[i] - e))}" x2="${r2(cx)}" y2="${r2(Y(s.y[i] + e))}" stroke="${s.color}" stroke-width="2"/>`);
          p.push(`<line x1="${r2(cx - 4)}" y1="${r2(Y(s.y[i] - e))}" x2="${r2(cx + 4)}" y2="${r2(Y(s.y[i] - e))}" stroke="${s.color}"/>`);
          p.push(`<line x1="${r2(cx - 4)}" y1="${r2(Y(s.y[i] + e))}" x2="${r2(cx + 4)}" y2="${r2(Y(s.y[i] + e))}" stroke="${s.color}"/>`);
        }
        p.push(`<circle cx="${r2(cx)}" cy="${r2(Y(s.y[i]))}" r="3" fill="${s.color}"/>`);
      });
    }
    const ly = T + 12 + 16 * k;
    p.push(`<rect x="${L + pw + 10}" y="${ly - 8}" width="10" height="10" fill="${s.color}"/>`);
    p.push(`<text x="${L + pw + 24}" y="${ly + 1}">${esc(s.name)}</text>`);
  });
  p.push(`<text x="${r2(L + pw / 2)}" y="${H - 10}" text-anchor="middle">${esc(xLabel)}</text>`);
  p.push(`<text transform="translate(14 ${r2(T + ph / 2)}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`);
  p.push('</svg>');
  return p.join('\n') + '\n';
}

/** Fixed-width table rows for the console. */
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? fmtNum(c) : c)))];
  const w = header.map((_, j) => Math.max(...cells.map((r) => String(r[j]).length)));
  const line = (r: (string | number)[]) => r.map((c, j) => String(c).padStart(w[j])).join('  ');
  return [line(cells[0]), w.map((n) => '-'.repeat(n)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

export function fmtNum(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e5 || a < 1e-3 ? v.toExponential(3) : v.toFixed(a >= 100 ? 1 : 4);
}
