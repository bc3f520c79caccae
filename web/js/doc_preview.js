// doc_preview.js - page previews of a document about to be signed: PDF
// pages drawn by pdf.js (vendored under /vendor/pdfjs by the build) on one
// canvas per page, OFD pages as PNG from POST /api/v1/render, and blank
// pages of the right size when neither is available. Every page element
// carries its size in mm (data-width-mm, data-height-mm) so overlays can
// be placed in mm with the origin at the page's top-left corner. Never
// sends the document anywhere but this server.
import { h } from './dom.js';
import { api, route } from './api.js';
import { t } from './i18n.js';

const PT_MM = 25.4 / 72;
const MAX_PAGES = 30;          // previews drawn; larger documents show the first ones
const A4 = { w: 210, h: 297 };

let pdfjs = null;
async function loadPdfjs() {
  if (pdfjs) return pdfjs;
  const base = new URL('../vendor/pdfjs/', import.meta.url);
  const mod = await import(new URL('pdf.min.mjs', base).href);
  mod.GlobalWorkerOptions.workerSrc = new URL('pdf.worker.min.mjs', base).href;
  pdfjs = mod;
  return mod;
}

// One page: a box with the page's aspect ratio; child = canvas, img or nothing.
function pageBox(n, wMm, hMm, child) {
  const box = h('div', {
    class: 'doc-page', 'data-page': n, 'data-width-mm': wMm.toFixed(2), 'data-height-mm': hMm.toFixed(2),
    style: `aspect-ratio: ${wMm} / ${hMm}`, role: 'group', 'aria-label': t('sign.page_n', { n }),
  });
  if (child) box.append(child);
  box.append(h('span', { class: 'doc-page-no', 'aria-hidden': 'true' }, String(n)));
  return box;
}

async function pdfPages(bytes, onPage) {
  const lib = await loadPdfjs();
  // pdf.js takes the buffer over; give it a copy so the caller's stays usable
  const doc = await lib.getDocument({ data: bytes.slice(), isEvalSupported: false }).promise;
  const count = doc.numPages;
  const pages = [];
  for (let n = 1; n <= Math.min(count, MAX_PAGES); n++) {
    const p = await doc.getPage(n);
    const vp1 = p.getViewport({ scale: 1 });
    const scale = Math.min(2, 1400 / vp1.width);
    const vp = p.getViewport({ scale });
    const c = h('canvas', { width: Math.round(vp.width), height: Math.round(vp.height), class: 'doc-canvas', 'aria-hidden': 'true' });
    await p.render({ canvasContext: c.getContext('2d'), viewport: vp }).promise;
    const box = pageBox(n, vp1.width * PT_MM, vp1.height * PT_MM, c);
    pages.push(box);
    onPage?.(box);
  }
  doc.destroy();
  return { count, pages, kind: 'pdf' };
}

async function renderOfdPage(b64, n) {
  const res = await api('POST', '/render', { document: b64, page: n, dpi: 96 }, { raw: true });
  const num = (k) => Number(res.headers.get(k));
  const blob = await res.blob();
  return { count: num('X-Page-Count'), w: num('X-Page-Width-Mm'), h: num('X-Page-Height-Mm'), blob };
}

async function ofdPages(b64, sizes, onPage) {
  const pages = [];
  if (route('POST', '/render')) {
    try {
      const first = await renderOfdPage(b64, 1);
      const count = first.count > 0 ? first.count : 1;
      for (let n = 1; n <= Math.min(count, MAX_PAGES); n++) {
        const r = n === 1 ? first : await renderOfdPage(b64, n);
        const img = h('img', { class: 'doc-img', alt: '', src: URL.createObjectURL(r.blob) });
        const box = pageBox(n, r.w > 0 ? r.w : A4.w, r.h > 0 ? r.h : A4.h, img);
        pages.push(box);
        onPage?.(box);
      }
      return { count, pages, kind: 'ofd' };
    } catch (e) {
      // the route is missing or cannot draw this document: blank pages
      console.warn('OFD page images unavailable:', e && e.message);
    }
  }
  return blankPages(sizes, onPage, 'ofd');
}

// Pages of known sizes (mm) without pictures.
function blankPages(sizes, onPage, kind) {
  const pages = sizes.map((s, i) => {
    const box = pageBox(i + 1, s.w, s.h, null);
    box.classList.add('blank');
    onPage?.(box);
    return box;
  });
  return { count: sizes.length, pages, kind, blank: true };
}

// Previews of a document: bytes (Uint8Array), its base64, its format
// ('pdf' | 'ofd') and page sizes known from elsewhere ([{w, h}] in mm, used
// when nothing can draw the pages). Resolves to {count, pages, kind, blank?}.
export async function previewPages(bytes, b64, format, sizes, onPage) {
  const known = sizes && sizes.length ? sizes : [A4];
  if (format === 'pdf') {
    try {
      return await pdfPages(bytes, onPage);
    } catch (e) {
      console.warn('pdf.js preview unavailable:', e && e.message);
      return blankPages(known, onPage, 'pdf');
    }
  }
  return ofdPages(b64, known, onPage);
}

export const A4_MM = A4;
