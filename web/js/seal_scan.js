// seal_scan.js - a seal picture from a scan of the physical seal: the
// browser keeps the red pixels of the scan (red channel well above green
// and blue) on a transparent canvas at once, as a live preview; the server
// then lifts the impression properly (POST
// /api/v1/seal-applications/picture-import: paper tint, grey print and
// cropping handled by the library) and that PNG is what the application
// carries. Never sends the scan anywhere else.
import { h } from './dom.js';
import { ApiError } from './api.js';

export const MAX_SCAN_BYTES = 8 << 20;

export function scanPreview() {
  return h('canvas', { width: 200, height: 200, class: 'seal-preview scan-preview', role: 'img', 'aria-label': '' });
}

// Keeps the red ink of img on canvas c, cropped to the ink and centred.
export function extractRed(c, img) {
  const max = 480;
  const k = Math.min(1, max / Math.max(img.width, img.height));
  const w = Math.max(1, Math.round(img.width * k)), hh = Math.max(1, Math.round(img.height * k));
  const work = document.createElement('canvas');
  work.width = w;
  work.height = hh;
  const g = work.getContext('2d', { willReadFrequently: true });
  g.drawImage(img, 0, 0, w, hh);
  const d = g.getImageData(0, 0, w, hh);
  const p = d.data;
  let x0 = w, y0 = hh, x1 = -1, y1 = -1, ink = 0;
  for (let y = 0; y < hh; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 4;
      const r = p[i], gr = p[i + 1], b = p[i + 2];
      const red = r - Math.max(gr, b);
      // red ink: strong red, well above the other channels; paper, black
      // and grey print have the channels close together
      const a = r > 90 && red > 40 ? Math.min(255, (red - 40) * 3) : 0;
      p[i] = 0xd0; p[i + 1] = 0x02; p[i + 2] = 0x1b; p[i + 3] = a;
      if (a > 64) {
        ink++;
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  g.putImageData(d, 0, 0);
  const out = c.getContext('2d');
  out.clearRect(0, 0, c.width, c.height);
  if (!ink) return 0;
  const bw = x1 - x0 + 1, bh = y1 - y0 + 1, s = Math.min((c.width - 8) / bw, (c.height - 8) / bh);
  out.drawImage(work, x0, y0, bw, bh, (c.width - bw * s) / 2, (c.height - bh * s) / 2, bw * s, bh * s);
  return ink;
}

// Draws a PNG (base64) centred on canvas c.
export async function drawPng(c, b64) {
  const img = await loadImage(new Blob([Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0))], { type: 'image/png' }));
  const g = c.getContext('2d');
  g.clearRect(0, 0, c.width, c.height);
  const s = Math.min((c.width - 8) / img.width, (c.height - 8) / img.height);
  g.drawImage(img, (c.width - img.width * s) / 2, (c.height - img.height * s) / 2, img.width * s, img.height * s);
}

export function loadImage(blob) {
  return new Promise((resolve, reject) => {
    const url = URL.createObjectURL(blob);
    const img = new Image();
    img.onload = () => { URL.revokeObjectURL(url); resolve(img); };
    img.onerror = () => { URL.revokeObjectURL(url); reject(new Error('not an image')); };
    img.src = url;
  });
}

// The server's import of file (PNG or JPEG): {png (base64), width_px, ...}.
export async function importScan(file, sizeMm) {
  const headers = { Accept: 'application/json, application/problem+json', 'X-Requested-With': 'XMLHttpRequest',
    'Content-Type': file.type === 'image/jpeg' ? 'image/jpeg' : 'image/png' };
  const csrf = sessionStorage.getItem('eseal.csrf');
  if (csrf) headers['X-CSRF-Token'] = csrf;
  const q = sizeMm ? `?size_mm=${encodeURIComponent(sizeMm)}` : '';
  let res;
  try {
    res = await fetch(`api/v1/seal-applications/picture-import${q}`, { method: 'POST', headers, body: file, credentials: 'same-origin' });
  } catch (e) {
    throw new ApiError(0, { type: 'network', title: 'Network error', detail: String(e.message || e) });
  }
  const j = await res.json().catch(() => ({ title: res.statusText }));
  if (!res.ok) throw new ApiError(res.status, j);
  return j;
}
