// seal_picture.js - a preview of the seal picture the server will draw
// from text (organisation around the rim, a star, the seal's title below).
// Only a preview: the picture in the seal is drawn by the server.
import { h } from './dom.js';

export function sealPreview() {
  const c = h('canvas', { width: 200, height: 200, class: 'seal-preview', role: 'img', 'aria-label': '' });
  return c;
}

export function drawSeal(c, { shape = 'round', org = '', title = '', code = '' }) {
  const g = c.getContext('2d');
  const W = c.width, H = c.height, red = '#d0021b';
  g.clearRect(0, 0, W, H);
  g.strokeStyle = red;
  g.fillStyle = red;
  g.lineWidth = 5;
  g.beginPath();
  if (shape === 'square') g.rect(12, 12, W - 24, H - 24);
  else if (shape === 'oval') g.ellipse(W / 2, H / 2, W / 2 - 8, H / 2 - 30, 0, 0, Math.PI * 2);
  else g.arc(W / 2, H / 2, W / 2 - 8, 0, Math.PI * 2);
  g.stroke();
  if (shape === 'round' || shape === 'oval') {
    star(g, W / 2, H / 2, 28, 11);
    const chars = [...org];
    const span = Math.min(Math.PI * 1.4, chars.length * 0.32);
    g.font = 'bold 20px sans-serif';
    g.textAlign = 'center';
    g.textBaseline = 'middle';
    chars.forEach((ch, i) => {
      const a = -Math.PI / 2 - span / 2 + (chars.length > 1 ? (span * i) / (chars.length - 1) : span / 2);
      g.save();
      g.translate(W / 2 + Math.cos(a) * (W / 2 - 30), H / 2 + Math.sin(a) * (shape === 'oval' ? H / 2 - 50 : H / 2 - 30));
      g.rotate(a + Math.PI / 2);
      g.fillText(ch, 0, 0);
      g.restore();
    });
    g.font = 'bold 17px sans-serif';
    g.fillText(title, W / 2, H / 2 + 50);
    g.font = '11px sans-serif';
    g.fillText(code, W / 2, H / 2 + 72);
  } else {
    g.font = 'bold 22px sans-serif';
    g.textAlign = 'center';
    g.textBaseline = 'middle';
    g.fillText(org.slice(0, 8), W / 2, H / 2 - 22);
    g.fillText(title.slice(0, 8), W / 2, H / 2 + 16);
    g.font = '11px sans-serif';
    g.fillText(code, W / 2, H - 30);
  }
  c.setAttribute('aria-label', `${org} ${title}`.trim());
}

function star(g, x, y, R, r) {
  g.beginPath();
  for (let i = 0; i < 10; i++) {
    const a = -Math.PI / 2 + (i * Math.PI) / 5, rad = i % 2 ? r : R;
    g.lineTo(x + Math.cos(a) * rad, y + Math.sin(a) * rad);
  }
  g.closePath();
  g.fill();
}
