// Report writer for `npm run bench -- --report <dir>`: one SVG bar chart per workload and a
// results.json with the raw medians. Pure string generation, no dependencies, so a test can
// import `renderSvg` and parse its output (it is well-formed XML: one <svg> root, every bar a
// <rect class="bar" data-label=… data-ms=…>).

import fs from 'node:fs';
import path from 'node:path';

const COLORS = {
  logitkit: '#e8590c', // native logitkit: highlighted
  reference: '#f59f00', // logitkit's pure-TS reference
  peer: '#4263eb', // other libraries
  baseline: '#868e96', // plain JS
};

export function escapeXml(s) {
  return String(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const fmt = (v, d = 3) => {
  if (!Number.isFinite(v)) return String(v);
  if (v >= 100) return v.toFixed(0);
  if (v >= 10) return v.toFixed(1);
  return v.toPrecision(d);
};

/**
 * Render one workload as an SVG bar chart (log-scale time axis: peers span 1000×).
 * @param {{id: string, title: string, bytes?: number, bytesNote?: string,
 *          bandwidthGBs?: number|null, machine?: string,
 *          rows: {label: string, family: string, status: string, medianMs?: number,
 *                 gbps?: number|null, fracBw?: number|null, reason?: string}[]}} w
 * @returns {string} the SVG document
 */
export function renderSvg(w) {
  const ok = w.rows.filter((r) => r.status === 'ok' && Number.isFinite(r.medianMs) && r.medianMs > 0);
  const other = w.rows.filter((r) => !ok.includes(r));
  const rowH = 22;
  const top = 80;
  // label column sized to the longest label (≈ 6.8 px per character at 12 px bold)
  const longest = Math.max(0, ...w.rows.map((r) => String(r.label).length));
  const labelW = Math.min(520, Math.max(220, Math.ceil(longest * 6.8) + 12));
  const x0 = labelW + 10;
  const x1 = x0 + 390;
  const W = x1 + 260;
  const floorMs = w.bytes && w.bandwidthGBs ? w.bytes / (w.bandwidthGBs * 1e9) * 1e3 : null;

  const all = ok.map((r) => r.medianMs).concat(floorMs ? [floorMs] : []);
  let lo = all.length ? Math.floor(Math.log10(Math.min(...all) * 0.999)) : 0;
  let hi = all.length ? Math.ceil(Math.log10(Math.max(...all) * 1.001)) : 1;
  if (hi <= lo) hi = lo + 1;
  const xOf = (ms) => x0 + ((Math.log10(ms) - lo) / (hi - lo)) * (x1 - x0);

  const chartH = Math.max(1, ok.length) * rowH;
  const otherH = other.length * 16;
  const H = top + chartH + 40 + otherH + 56;
  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeXml(w.title)}" font-family="Helvetica, Arial, sans-serif" font-size="12">`);
  out.push(`<title>${escapeXml(w.title)}</title>`);
  out.push(`<rect x="0" y="0" width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(`<text x="12" y="22" font-size="16" font-weight="bold">${escapeXml(w.title)}</text>`);
  const sub = [
    'median ms per call, log scale (shorter is faster)',
    w.bytes ? `traffic ${escapeXml(w.bytesNote ?? `${w.bytes} bytes`)} = ${fmt(w.bytes / 1e6)} MB` : null,
    w.bandwidthGBs ? `measured 1-thread copy bandwidth ${fmt(w.bandwidthGBs)} GB/s` : null,
  ].filter(Boolean).join(' · ');
  out.push(`<text x="12" y="42" fill="#495057">${sub}</text>`);

  // decade grid
  for (let d = lo; d <= hi; d++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** d;
      if (Math.log10(v) > hi + 1e-9) continue;
      const x = xOf(v).toFixed(1);
      out.push(`<line x1="${x}" y1="${top - 6}" x2="${x}" y2="${top + chartH}" stroke="${m === 1 ? '#ced4da' : '#f1f3f5'}"/>`);
      if (m === 1 || hi - lo <= 2) {
        out.push(`<text x="${x}" y="${top + chartH + 14}" text-anchor="middle" fill="#495057">${+v.toPrecision(2)} ms</text>`);
      }
    }
  }

  ok.forEach((r, i) => {
    const y = top + i * rowH;
    const color = COLORS[r.family] ?? COLORS.peer;
    const bold = r.family === 'logitkit' ? ' font-weight="bold"' : '';
    const xe = xOf(r.medianMs);
    out.push(`<text x="${labelW}" y="${y + 14}" text-anchor="end"${bold}>${escapeXml(r.label)}</text>`);
    out.push(`<rect class="bar" data-label="${escapeXml(r.label)}" data-family="${escapeXml(r.family)}" data-ms="${r.medianMs}" x="${x0}" y="${y + 3}" width="${Math.max(1, xe - x0).toFixed(1)}" height="${rowH - 8}" fill="${color}"${r.family === 'logitkit' ? ' stroke="#862e00" stroke-width="1.5"' : ''}><title>${escapeXml(`${r.label}: ${fmt(r.medianMs)} ms`)}</title></rect>`);
    const ann = [`${fmt(r.medianMs)} ms`];
    if (Number.isFinite(r.gbps)) ann.push(`${fmt(r.gbps)} GB/s`);
    if (Number.isFinite(r.fracBw)) ann.push(`${Math.round(r.fracBw * 100)}% of bw`);
    out.push(`<text x="${x1 + 8}" y="${y + 14}"${bold}>${escapeXml(ann.join(' · '))}</text>`);
  });

  if (floorMs) {
    const x = xOf(floorMs).toFixed(1);
    out.push(`<line class="bandwidth-floor" data-ms="${floorMs}" x1="${x}" y1="${top - 10}" x2="${x}" y2="${top + chartH}" stroke="#c92a2a" stroke-width="1.5" stroke-dasharray="5,3"/>`);
    out.push(`<text x="${x}" y="${top - 14}" text-anchor="middle" fill="#c92a2a">memory-bandwidth floor ${fmt(floorMs)} ms</text>`);
  }

  let y = top + chartH + 36;
  for (const r of other) {
    const why = r.status === 'unavailable' ? `unavailable: ${r.reason ?? ''}` : `${r.status}: ${r.reason ?? ''}`;
    out.push(`<text class="not-measured" x="${labelW}" y="${y}" text-anchor="end" fill="#868e96">${escapeXml(r.label)}</text>`);
    out.push(`<text x="${x0}" y="${y}" fill="#868e96">${escapeXml(why.slice(0, 110))}</text>`);
    y += 16;
  }

  // legend
  y += 10;
  let lx = 12;
  for (const [fam, name] of [['logitkit', 'logitkit native'], ['reference', 'logitkit TS reference'], ['peer', 'other libraries'], ['baseline', 'plain JS']]) {
    out.push(`<rect x="${lx}" y="${y - 10}" width="12" height="12" fill="${COLORS[fam]}"/>`);
    out.push(`<text x="${lx + 17}" y="${y}">${name}</text>`);
    lx += 30 + name.length * 7;
  }
  if (w.machine) out.push(`<text x="12" y="${y + 20}" fill="#868e96" font-size="11">${escapeXml(w.machine)}</text>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** Markdown table of one workload (for README performance tables). */
export function renderMarkdown(w) {
  const lines = [`### ${w.title}`, '', '| implementation | median ms | GB/s | % of bw | vs best peer |', '|---|---:|---:|---:|---:|'];
  for (const r of w.rows) {
    if (r.status !== 'ok') {
      lines.push(`| ${r.label} | ${r.status}: ${String(r.reason ?? '').replace(/\|/g, '/')} | | | |`);
      continue;
    }
    lines.push(`| ${r.label} | ${fmt(r.medianMs)} | ${Number.isFinite(r.gbps) ? fmt(r.gbps) : ''} | ${Number.isFinite(r.fracBw) ? Math.round(r.fracBw * 100) + '%' : ''} | ${Number.isFinite(r.vsBestPeer) ? r.vsBestPeer.toFixed(2) + '×' : ''} |`);
  }
  return lines.join('\n') + '\n';
}

/** Write results.json, one SVG per workload and summary.md into `dir`. */
export function writeReport(dir, results) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'results.json'), JSON.stringify(results, null, 2) + '\n');
  const files = ['results.json'];
  const machine = results.machine
    ? `${results.machine.cpu} · ${results.machine.cores} cores · Node ${results.machine.node} · ${results.date}`
    : undefined;
  const md = [`# logitkit benchmark`, '', machine ?? '', ''];
  for (const w of results.workloads) {
    const name = `${w.id}.svg`;
    fs.writeFileSync(path.join(dir, name), renderSvg({ ...w, bandwidthGBs: w.bandwidthGBs ?? results.bandwidthGBs, machine }));
    files.push(name);
    md.push(renderMarkdown(w));
  }
  fs.writeFileSync(path.join(dir, 'summary.md'), md.join('\n'));
  files.push('summary.md');
  return files;
}
