// charts.js - small bar and line charts drawn as SVG by hand, for the
// statistics page: no library, nothing fetched. Every chart comes with its
// numbers as a table (the accessible text, and what a screen reader or a
// printout uses). Never put data into markup: text nodes only.
import { h } from './dom.js';
import { t } from './i18n.js';

const NS = 'http://www.w3.org/2000/svg';

function s(tag, attrs, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined && v !== null) el.setAttribute(k, String(v));
  for (const c of children.flat(Infinity)) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : String(c));
  return el;
}

// A round upper bound for the y axis and its tick step.
function scale(max) {
  if (max <= 4) return { top: Math.max(max, 1), step: 1 };
  const mag = 10 ** Math.floor(Math.log10(max));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((st) => max / st <= 5) || mag * 10;
  return { top: Math.ceil(max / step) * step, step };
}

// rows: [{label, value, key?}]; opts: {title, kind: 'bar'|'line', width
// (of the drawing, about its width on screen so text keeps its size),
// short(label), labelHead, cls}
export function chart(rows, opts) {
  const W = Math.round(opts.width || 640), H = Math.round(Math.min(240, Math.max(170, W * 0.55))), L = 40, R = 22, T = 16, B = 36;
  const max = Math.max(0, ...rows.map((r) => r.value));
  const { top, step } = scale(max);
  const pw = W - L - R, ph = H - T - B;
  const y = (v) => T + ph - (v / top) * ph;
  const slot = rows.length ? pw / rows.length : pw;
  const x = (i) => L + slot * i + slot / 2;
  const titleId = `chart-${Math.random().toString(36).slice(2, 9)}`;
  const grid = [];
  for (let v = 0; v <= top; v += step)
    grid.push(s('line', { x1: L, x2: W - R, y1: y(v), y2: y(v), class: 'grid' }),
      s('text', { x: L - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'tick' }, String(v)));
  const every = Math.max(1, Math.ceil(rows.length / Math.max(1, Math.floor(pw / 52))));
  // counted back from the last label, which is always shown
  const labels = rows.map((r, i) => ((rows.length - 1 - i) % every === 0
    ? s('text', { x: x(i), y: H - B + 16, 'text-anchor': 'middle', class: 'tick' }, opts.short ? opts.short(r.label) : r.label) : null));
  let marks;
  if (opts.kind === 'line') {
    const pts = rows.map((r, i) => `${x(i).toFixed(1)},${y(r.value).toFixed(1)}`).join(' ');
    marks = [s('polyline', { points: pts, class: 'line' }),
      rows.map((r, i) => s('circle', { cx: x(i), cy: y(r.value), r: r.value ? 3.5 : 2, class: r.value ? 'dot' : 'dot zero' },
        s('title', {}, `${r.label}: ${r.value}`)))];
  } else {
    const bw = Math.min(56, slot * 0.6);
    marks = rows.map((r, i) => [
      s('rect', { x: x(i) - bw / 2, y: y(r.value), width: bw, height: Math.max(0, T + ph - y(r.value)),
        class: `bar ${r.key ? `bar-${r.key}` : ''}`.trim(), 'data-key': r.key || r.label },
      s('title', {}, `${r.label}: ${r.value}`)),
      s('text', { x: x(i), y: y(r.value) - 4, 'text-anchor': 'middle', class: 'value' }, String(r.value)),
    ]);
  }
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': titleId, class: `chart chart-${opts.kind || 'bar'}`,
    preserveAspectRatio: 'xMidYMid meet' },
  s('title', { id: titleId }, opts.title), grid,
  s('line', { x1: L, x2: W - R, y1: T + ph, y2: T + ph, class: 'axis' }), marks, labels);
  const tbl = h('table', { class: 'chart-table' },
    h('caption', {}, opts.title),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, opts.labelHead || ''), h('th', { scope: 'col' }, t('stats.count')))),
    h('tbody', {}, rows.map((r) => h('tr', { 'data-key': r.key || r.label }, h('th', { scope: 'row' }, r.label), h('td', {}, String(r.value))))));
  return h('figure', { class: `chart-box ${opts.cls || ''}`.trim() },
    h('figcaption', {}, opts.title), svg,
    h('details', { class: 'chart-data' }, h('summary', {}, t('stats.as_table')), h('div', { class: 'table-wrap' }, tbl)));
}
