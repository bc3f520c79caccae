// seal_drag.js - a seal picture laid over page previews that the user moves
// with the mouse, a finger or a pen (pointer events) or with the keyboard
// (arrow keys: 1 mm, with Shift 10 mm; Page Up / Page Down: previous / next
// page). The position is kept in mm, the seal's centre, origin at the top-
// left corner of the page, and drawn in percent of the page so it follows
// any change of the preview's size. Never lets the centre leave the page.
import { h } from './dom.js';
import { t } from './i18n.js';

const round1 = (v) => Math.round(v * 10) / 10;

// pages: the .doc-page elements (data-width-mm, data-height-mm); picture: an
// element drawn inside; size: {w, h} in mm; at: {page, x, y};
// onMove(at, how) after each finished move (how: 'pointer' | 'key').
export function sealOverlay(pages, picture, size, at, onMove) {
  const el = h('div', {
    class: 'seal-drag', tabindex: 0, role: 'button', 'aria-roledescription': t('sign.drag_role'),
    'aria-describedby': 'seal-drag-help',
  }, picture);
  const pos = { page: at.page, x: at.x, y: at.y };
  const pageEl = (n) => pages.find((p) => Number(p.dataset.page) === n) || pages[0];
  const dims = (p) => ({ w: Number(p.dataset.widthMm), h: Number(p.dataset.heightMm) });

  function clamp() {
    if (pos.page < 1) pos.page = 1;
    if (pos.page > pages.length) pos.page = pages.length;
    const d = dims(pageEl(pos.page));
    pos.x = Math.min(Math.max(pos.x, 0), d.w);
    pos.y = Math.min(Math.max(pos.y, 0), d.h);
  }

  function draw() {
    clamp();
    const p = pageEl(pos.page);
    const d = dims(p);
    if (el.parentNode !== p) p.append(el);
    Object.assign(el.style, {
      left: `${((pos.x - size.w / 2) / d.w) * 100}%`, top: `${((pos.y - size.h / 2) / d.h) * 100}%`,
      width: `${(size.w / d.w) * 100}%`, height: `${(size.h / d.h) * 100}%`, transform: '',
    });
    el.dataset.page = pos.page;
    el.dataset.x = round1(pos.x);
    el.dataset.y = round1(pos.y);
    el.setAttribute('aria-label', t('sign.seal_at', { page: pos.page, x: round1(pos.x), y: round1(pos.y) }));
  }

  function done(how) {
    draw();
    onMove?.({ page: pos.page, x: round1(pos.x), y: round1(pos.y) }, how);
  }

  // pointer: follow the pointer, then drop onto whichever page holds the centre
  let drag = null;
  el.addEventListener('pointerdown', (ev) => {
    if (ev.button !== 0) return;
    ev.preventDefault();
    el.focus();
    el.setPointerCapture(ev.pointerId);
    drag = { id: ev.pointerId, x0: ev.clientX, y0: ev.clientY };
    el.classList.add('dragging');
  });
  el.addEventListener('pointermove', (ev) => {
    if (!drag || ev.pointerId !== drag.id) return;
    el.style.transform = `translate(${ev.clientX - drag.x0}px, ${ev.clientY - drag.y0}px)`;
  });
  const drop = (ev) => {
    if (!drag || ev.pointerId !== drag.id) return;
    const moved = ev.clientX !== drag.x0 || ev.clientY !== drag.y0;
    const r = el.getBoundingClientRect(); // includes the drag's translation
    const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
    drag = null;
    el.classList.remove('dragging');
    if (!moved || ev.type === 'pointercancel') { draw(); return; }
    // the page under the centre, else the nearest one
    let best = null, bestD = Infinity;
    for (const p of pages) {
      const b = p.getBoundingClientRect();
      const dx = cx < b.left ? b.left - cx : cx > b.right ? cx - b.right : 0;
      const dy = cy < b.top ? b.top - cy : cy > b.bottom ? cy - b.bottom : 0;
      const dist = Math.hypot(dx, dy);
      if (dist < bestD) { bestD = dist; best = p; }
    }
    const b = best.getBoundingClientRect(), d = dims(best);
    pos.page = Number(best.dataset.page);
    pos.x = ((cx - b.left) / b.width) * d.w;
    pos.y = ((cy - b.top) / b.height) * d.h;
    done('pointer');
  };
  el.addEventListener('pointerup', drop);
  el.addEventListener('pointercancel', drop);

  el.addEventListener('keydown', (ev) => {
    const step = ev.shiftKey ? 10 : 1;
    const k = ev.key;
    if (k === 'ArrowLeft') pos.x -= step;
    else if (k === 'ArrowRight') pos.x += step;
    else if (k === 'ArrowUp') pos.y -= step;
    else if (k === 'ArrowDown') pos.y += step;
    else if (k === 'PageUp' && pos.page > 1) pos.page -= 1;
    else if (k === 'PageDown' && pos.page < pages.length) pos.page += 1;
    else return;
    ev.preventDefault();
    done('key');
    el.focus();
    el.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  });

  draw();
  return {
    el,
    get: () => ({ page: pos.page, x: round1(pos.x), y: round1(pos.y) }),
    remove: () => el.remove(),
  };
}

// The keyboard help the overlay refers to (once per page).
export function dragHelp() {
  return h('p', { id: 'seal-drag-help', class: 'hint' }, t('sign.drag_help'));
}
