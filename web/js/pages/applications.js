// applications.js - 申领, 审核 and 制章: apply for a seal (new, change,
// renewal, replacement) with supporting materials (营业执照 ...) and a
// picture drawn from text or lifted from a scan of the physical seal,
// review it (materials with their SM3 digests, the picture) and approve or
// reject with a reason, and make the seal of an approved application. Buttons
// appear only for what the user's permissions allow; the server enforces
// the rest (e.g. nobody reviews their own application).
import { h, field } from '../dom.js';
import { api, allowed } from '../api.js';
import { t } from '../i18n.js';
import { form, section, table, timeCol, show, errorBox, notice, dialog, download, details } from '../ui.js';
import { sealPreview, drawSeal } from '../seal_picture.js';
import { scanPreview, extractRed, drawPng, loadImage, importScan, MAX_SCAN_BYTES } from '../seal_scan.js';

const KINDS = ['new', 'change', 'renew', 'replace'];
const TYPES = ['official', 'finance', 'invoice', 'contract', 'personal', 'business', 'other'];
const SHAPES = ['round', 'oval', 'square'];
// the server takes materials of up to 512 KiB each in a JSON body of 1 MiB
const MAX_MATERIAL = 512 << 10;
const MAX_MATERIALS_TOTAL = 640 << 10;

const fileB64 = (file) => new Promise((resolve, reject) => {
  const rd = new FileReader();
  rd.onload = () => resolve(String(rd.result).replace(/^data:[^,]*,/, ''));
  rd.onerror = () => reject(rd.error);
  rd.readAsDataURL(file);
});
const kib = (n) => `${Math.max(1, Math.round(n / 1024))} KiB`;

// Supporting materials: chosen files listed with their sizes; too large
// ones are refused here with the reason, before anything is sent.
function materialsField() {
  const list = h('ul', { class: 'material-list', 'aria-live': 'polite' });
  const f = field(t('apply.materials'), { name: 'materials_files', type: 'file', multiple: true,
    accept: '.pdf,.ofd,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg' }, t('apply.materials_hint'));
  const input = f.querySelector('input');
  input.addEventListener('change', () => {
    list.replaceChildren(...[...input.files].map((x) => h('li', { class: x.size > MAX_MATERIAL ? 'too-big' : null },
      x.name, ' ', h('small', {}, `(${kib(x.size)})`))));
  });
  f.append(list);
  return { node: f, async value() {
    const files = [...input.files];
    const big = files.find((x) => x.size > MAX_MATERIAL || !x.size);
    if (big) throw new Error(t('apply.material_too_big', { name: big.name, max: kib(MAX_MATERIAL) }));
    if (files.reduce((n, x) => n + x.size, 0) > MAX_MATERIALS_TOTAL) throw new Error(t('apply.materials_too_big', { max: kib(MAX_MATERIALS_TOTAL) }));
    return Promise.all(files.map(async (x) => ({ name: x.name, data: await fileB64(x) })));
  }, reset() { input.value = ''; list.replaceChildren(); } };
}

// Picture from a scan: the browser's red-ink preview at once, then the
// server's import (the PNG the application carries).
function scanField(onPicked) {
  const canvas = scanPreview();
  const note = h('p', { class: 'scan-note hint', 'aria-live': 'polite' }, t('apply.scan_none'));
  const file = field(t('apply.scan_file'), { name: 'scan_file', type: 'file', accept: 'image/png,image/jpeg' }, t('apply.scan_hint'));
  const size = field(t('apply.scan_size'), { name: 'scan_size', type: 'number', min: 10, max: 100, step: 1, value: 42 });
  const input = file.querySelector('input'), sizeIn = size.querySelector('input');
  const st = { png: null, busy: null };
  const run = async () => {
    const x = input.files[0];
    st.png = null;
    canvas.dataset.state = 'empty';
    if (!x) { note.textContent = t('apply.scan_none'); return; }
    if (x.size > MAX_SCAN_BYTES) { note.textContent = t('apply.scan_too_big', { max: kib(MAX_SCAN_BYTES) }); return; }
    onPicked();
    let ink = 0;
    try { ink = extractRed(canvas, await loadImage(x)); } catch (e) { note.textContent = t('apply.scan_not_image'); return; }
    canvas.dataset.state = ink ? 'preview' : 'empty';
    note.textContent = ink ? t('apply.scan_working') : t('apply.scan_no_red');
    const job = st.busy = importScan(x, Number(sizeIn.value) || 0);
    try {
      const r = await job;
      if (st.busy !== job) return; // a newer file or size won
      await drawPng(canvas, r.png);
      st.png = r.png;
      canvas.dataset.state = 'imported';
      canvas.setAttribute('aria-label', t('apply.scan_done', { w: r.width_px, h: r.height_px, dpi: Math.round(r.dpi) }));
      note.textContent = t('apply.scan_done', { w: r.width_px, h: r.height_px, dpi: Math.round(r.dpi) });
    } catch (e) {
      if (st.busy !== job) return;
      note.textContent = `${t('apply.scan_failed')} ${e.detail || e.message || ''}`.trim();
    }
  };
  input.addEventListener('change', run);
  sizeIn.addEventListener('change', () => { if (input.files[0]) run(); });
  return { file, size, canvas, note, get png() { return st.png; }, get pending() { return !!input.files[0] && !st.png; },
    reset() {
      input.value = ''; st.png = null; st.busy = null; canvas.dataset.state = 'empty';
      canvas.getContext('2d').clearRect(0, 0, canvas.width, canvas.height);
      note.textContent = t('apply.scan_none');
    } };
}

function applyForm(me, onDone) {
  const q = new URLSearchParams(location.hash.split('?')[1] || '');
  const canvas = sealPreview();
  const mats = materialsField();
  const scan = scanField(() => { f.elements.p_source.value = 'scan'; f.elements.p_source.dispatchEvent(new Event('change')); });
  const f = form('apply-form', [
    field(t('field.kind'), { name: 'kind', type: 'select', options: KINDS.map((k) => [k, t(`kind.${k}`)]) }),
    field(t('field.seal'), { name: 'seal', maxlength: 32, pattern: '[A-Za-z0-9]+', autocomplete: 'off' }, t('apply.seal_hint')),
    field(t('field.seal_name'), { name: 'name', maxlength: 128 }),
    field(t('field.type'), { name: 'type', type: 'select', options: TYPES.map((k) => [k, t(`sealtype.${k}`)]) }),
    field(t('field.validity_days'), { name: 'validity_days', type: 'number', min: 1, max: 3650, value: 730, dataset: { jtype: 'integer' } }),
    field(t('field.uses_limit'), { name: 'uses_limit', type: 'number', min: 0, value: 0, dataset: { jtype: 'integer' } }, t('apply.uses_hint')),
    field(t('field.allowed_users'), { name: 'allowed_users', autocomplete: 'off' }, t('apply.users_hint')),
    h('fieldset', { class: 'picture' }, h('legend', {}, t('apply.picture_any')),
      field(t('apply.p_source'), { name: 'p_source', type: 'select', options: [['draw', t('apply.source_draw')], ['scan', t('apply.source_scan')]] }),
      h('div', { class: 'picture-cols' },
        h('div', { class: 'picture-col picture-draw' }, h('h3', {}, t('apply.picture')),
          field(t('apply.shape'), { name: 'p_shape', type: 'select', options: SHAPES.map((s) => [s, t(`shape.${s}`)]) }),
          field(t('apply.p_org'), { name: 'p_org', maxlength: 60, autocomplete: 'organization' }),
          field(t('apply.p_title'), { name: 'p_title', maxlength: 30 }),
          field(t('apply.p_code'), { name: 'p_code', maxlength: 30 }),
          canvas),
        h('div', { class: 'picture-col picture-scan' }, h('h3', {}, t('apply.scan')),
          scan.file, scan.size, scan.canvas, scan.note))),
    mats.node,
    field(t('field.note'), { name: 'note', type: 'textarea', maxlength: 1000, rows: 2 }),
  ], t('apply.submit'), async (b, el) => {
    const body = { kind: b.kind };
    if (b.kind !== 'new') body.seal = b.seal;
    for (const k of ['name', 'type', 'note']) if (b[k]) body[k] = b[k];
    for (const k of ['validity_days', 'uses_limit']) if (Number.isFinite(b[k])) body[k] = b[k];
    if (b.allowed_users) body.allowed_users = b.allowed_users.split(/[,，\s]+/).filter(Boolean);
    if (b.p_source === 'scan') {
      if (!scan.png) throw new Error(t(scan.pending ? 'apply.scan_wait' : 'apply.scan_missing'));
      body.picture_png = scan.png;
    } else if (b.p_org || b.p_title) {
      body.picture = { shape: b.p_shape, org: b.p_org || '', title: b.p_title || '' };
      if (b.p_code) body.picture.code = b.p_code;
    }
    const materials = await mats.value();
    if (materials.length) body.materials = materials;
    const a = await api('POST', '/seal-applications', body);
    el.reset();
    mats.reset();
    scan.reset();
    redraw();
    await onDone();
    return notice(t('apply.done', { id: a.id }));
  });
  const redraw = () => drawSeal(canvas, {
    shape: f.elements.p_shape.value, org: f.elements.p_org.value,
    title: f.elements.p_title.value || f.elements.name.value, code: f.elements.p_code.value,
  });
  f.addEventListener('input', redraw);
  // the picture the application will carry stands out, the other is dimmed
  const pictureSet = f.querySelector('fieldset.picture');
  const source = () => { pictureSet.dataset.source = f.elements.p_source.value; };
  f.elements.p_source.addEventListener('change', source);
  f.addEventListener('reset', () => setTimeout(source));
  source();
  if (q.get('kind')) f.elements.kind.value = q.get('kind');
  if (q.get('seal')) f.elements.seal.value = q.get('seal');
  redraw();
  return f;
}

export default {
  id: 'applications',
  title: 'nav.applications',
  visible: (me, ok) => ok(me, 'GET', '/seal-applications') || ok(me, 'POST', '/seal-applications'),
  async render(ctx) {
    const me = ctx.me;
    const listArea = h('div', { class: 'app-list' });
    const made = h('div', { class: 'made', 'aria-live': 'polite' });
    const filter = field(t('field.status'), { name: 'status', type: 'select',
      options: [['', t('common.all')], ...['submitted', 'approved', 'rejected', 'made'].map((s) => [s, t(`appstate.${s}`)])] });
    const sel = filter.querySelector('select');
    const canReview = allowed(me, 'POST', '/seal-applications/{id}/approve');
    const canMake = allowed(me, 'POST', '/seal-applications/{id}/make');
    const load = async () => {
      if (!allowed(me, 'GET', '/seal-applications')) return;
      try {
        const { applications } = await api('GET', `/seal-applications${sel.value ? `?status=${sel.value}` : ''}`);
        show(listArea, table([
          { key: 'id', label: t('field.id') },
          { key: 'kind', label: t('field.kind'), fmt: (v) => t(`kind.${v}`) },
          { key: 'name', label: t('field.seal_name') },
          { key: 'status', label: t('field.status'), fmt: (v) => h('span', { class: `state state-${v}` }, t(`appstate.${v}`)) },
          { key: 'seal', label: t('field.seal') },
          { key: 'created', label: t('field.created'), fmt: timeCol },
        ], applications || [], (a) => actions(a)));
      } catch (e) {
        show(listArea, errorBox(e));
      }
    };
    const actions = (a) => [
      h('button', { type: 'button', class: 'act-view', onclick: () => view(a) }, t('common.view')),
      canReview && a.status === 'submitted' ? h('button', { type: 'button', class: 'act-approve', onclick: () => review(a, true) }, t('review.approve')) : null,
      canReview && a.status === 'submitted' ? h('button', { type: 'button', class: 'act-reject', onclick: () => review(a, false) }, t('review.reject')) : null,
      canMake && a.status === 'approved' ? h('button', { type: 'button', class: 'act-make primary', onclick: () => make(a) }, t('make.make')) : null,
    ];
    const view = async (a) => {
      try {
        const full = await api('GET', `/seal-applications/${a.id}`);
        const { materials, has_picture: pic, ...rest } = full;
        dialog(t('apply.detail', { id: a.id }), [details(rest),
          h('h3', {}, t('review.picture')),
          pic ? h('img', { class: 'app-picture', src: `api/v1/seal-applications/${a.id}/picture`, alt: t('review.picture_alt', { name: full.name || a.id }), width: 160, height: 160 })
            : h('p', { class: 'empty' }, t('review.no_picture')),
          h('h3', {}, t('review.materials')),
          h('div', { class: 'materials' }, table([
            { key: 'name', label: t('field.name') },
            { key: 'size', label: t('field.size'), fmt: (v) => kib(v) },
            { key: 'sm3', label: t('field.sm3'), fmt: (v) => h('code', { class: 'sm3' }, v) },
          ], materials || [], (m) => [h('a', { class: 'button act-material', href: `api/v1/seal-applications/${a.id}/materials/${m.id}`, download: m.name }, t('common.download'))]))],
        t('common.close'), async () => null);
      } catch (e) {
        show(listArea, errorBox(e));
      }
    };
    const review = (a, approve) => dialog(t(approve ? 'review.approve_title' : 'review.reject_title', { name: a.name || a.id }),
      [field(t('field.reason'), { name: 'reason', type: 'textarea', maxlength: 1000, rows: 3, required: !approve })],
      t(approve ? 'review.approve' : 'review.reject'), async (b) => {
        await api('POST', `/seal-applications/${a.id}/${approve ? 'approve' : 'reject'}`, b.reason ? { reason: b.reason } : {});
        await load();
      });
    const make = (a) => dialog(t('make.title', { name: a.name || a.id }), [
      field(t('make.key_mode'), { name: 'key_mode', type: 'select', options: [['server', t('make.server')], ['package', t('make.package')]] }),
      field(t('make.passphrase'), { name: 'passphrase', type: 'password', autocomplete: 'new-password', minlength: 8 }, t('make.passphrase_hint')),
    ], t('make.make'), async (b) => {
      const s = await api('POST', `/seal-applications/${a.id}/make`, b.key_mode === 'package' ? b : { key_mode: 'server' });
      if (s.package) download(`${s.esid}.pem`, s.package, 'application/x-pem-file');
      await load();
      show(made, notice(t('make.done', { esid: s.esid })));
    });
    sel.addEventListener('change', load);
    const out = h('div', {});
    if (allowed(me, 'POST', '/seal-applications')) out.append(section(t('apply.new'), applyForm(me, load)));
    if (allowed(me, 'GET', '/seal-applications')) {
      out.append(section(t('apply.list'), made, filter, listArea));
      await load();
    }
    return out;
  },
};
