// sign.js - 签章: an applicant picks one of the organisation's seals, uploads
// a PDF or OFD, sees its pages with the proposed seal position (POST
// /api/v1/place), drags the seal or moves it with the keyboard (or signs by
// keyword or as a cross-page seal) and sends a sign request; where the seal
// was put goes back as placement history (POST /api/v1/place/feedback) so
// the next proposal for the same template follows. Reviewers approve or
// reject pending requests; signed documents are downloaded from the list.
// The server checks every permission again; the page never signs itself.
import { h, field, nextId } from '../dom.js';
import { api, allowed, route } from '../api.js';
import { t, getLang } from '../i18n.js';
import { section, table, timeCol, show, errorBox, notice, dialog, details } from '../ui.js';
import { drawSeal } from '../seal_picture.js';
import { previewPages, A4_MM } from '../doc_preview.js';
import { sealOverlay, dragHelp } from '../seal_drag.js';

const MAX = 12 * 1024 * 1024 * 3 / 4; // the routes take 12 MiB of base64
const STATES = ['pending', 'signed', 'rejected', 'failed'];
// seal sizes in mm by type (the picture's usual size)
const SIZES = { official: [42, 42], contract: [42, 42], finance: [40, 30], invoice: [40, 30], personal: [20, 20] };
const PLACE_TYPES = ['official', 'contract', 'finance', 'invoice', 'personal'];

function base64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function docFormat(b) {
  if (b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 3 && b[3] === 4) return 'ofd';
  const head = new TextDecoder('latin1').decode(b.subarray(0, 1024));
  return head.includes('%PDF') ? 'pdf' : null;
}

const sealSize = (type) => { const s = SIZES[type] || SIZES.official; return { w: s[0], h: s[1] }; };
const placeType = (type) => (PLACE_TYPES.includes(type) ? type : 'official');

// The seal's picture: the server's PNG when it publishes one, else a
// drawing from the seal's name and type.
function sealPicture(s) {
  for (const p of ['/seals/{esid}/picture', '/seals/{esid}/picture.png'])
    if (route('GET', p))
      return h('img', { class: 'seal-pic', alt: s.name || s.esid, draggable: 'false',
        src: `api/v1${p.replace('{esid}', encodeURIComponent(s.esid))}` });
  const c = h('canvas', { width: 200, height: 200, class: 'seal-pic' });
  const shape = s.type === 'finance' || s.type === 'invoice' ? 'oval' : s.type === 'personal' ? 'square' : 'round';
  drawSeal(c, { shape, org: '', title: s.name || '', code: s.esid });
  return c;
}

const stateTag = (v) => h('span', { class: `state state-${v}` }, t(`signstate.${v}`));

function docLinks(q) {
  if (q.status !== 'signed') return '';
  return (q.documents || []).map((d) => h('a', {
    class: 'button act-download', href: `api/v1/sign-requests/${q.id}/documents/${d.n}`,
    download: `signed-${q.id}-${d.n}.${d.format || 'pdf'}`,
  }, t('sign.download_n', { n: d.n })));
}

// ---- the new sign request ----
function signForm(me, seals, onSent) {
  const may = (m, p) => allowed(me, m, p);
  const msg = h('div', { class: 'msg', 'aria-live': 'polite' });
  const proposal = h('div', { class: 'sign-proposal', 'aria-live': 'polite' });
  const preview = h('div', { class: 'doc-preview' });
  const where = h('p', { class: 'seal-where', 'aria-live': 'polite' });
  const state = { bytes: null, b64: '', format: null, pages: [], overlay: null, proposed: null, moved: false, name: '' };
  const usable = seals.filter((s) => s.status === 'valid' && s.key_mode === 'server');
  const radios = usable.map((s, i) => {
    const id = nextId('seal');
    return h('label', { class: 'seal-choice', for: id },
      h('input', { type: 'radio', name: 'esid', value: s.esid, id, checked: i === 0, required: true }),
      sealPicture(s),
      h('span', { class: 'seal-choice-text' }, h('strong', {}, s.name || s.esid), h('small', {}, `${t(`sealtype.${s.type}`)} · ${s.esid}`)));
  });
  const chosen = () => usable.find((s) => s.esid === f.querySelector('input[name=esid]:checked')?.value) || usable[0];

  const modeName = nextId('mode');
  const modes = h('fieldset', { class: 'sign-mode' }, h('legend', {}, t('sign.mode')),
    ['at', 'keyword', 'perforation'].map((m, i) => {
      const id = `${modeName}-${m}`;
      return h('div', { class: 'field check' }, h('input', { type: 'radio', name: 'mode', value: m, id, checked: i === 0 }),
        h('label', { for: id }, t(`sign.mode_${m}`)));
    }),
    h('div', { class: 'mode-keyword', hidden: true },
      field(t('sign.keyword'), { name: 'keyword', maxlength: 200, autocomplete: 'off' }, t('sign.keyword_hint')),
      field(t('sign.occurrence'), { name: 'occurrence', type: 'number', min: 0, value: 1 }, t('sign.occurrence_hint'))),
    h('div', { class: 'mode-perforation', hidden: true },
      field(t('sign.side'), { name: 'side', type: 'select', options: [['right', t('sign.side_right')], ['left', t('sign.side_left')]] })));

  const mode = () => f.querySelector('input[name=mode]:checked')?.value || 'at';
  // the cross-page seal as it will look: one slice of the picture on the
  // chosen edge of every page, at the pages' middle
  const drawPerforation = () => {
    for (const el of preview.querySelectorAll('.perf-mark')) el.remove();
    if (mode() !== 'perforation' || !state.pages.length) return;
    const s = chosen(), size = sealSize(s.type), n = state.pages.length;
    const left = f.elements.side.value === 'left';
    state.pages.forEach((p, i) => {
      const w = Number(p.dataset.widthMm), hh = Number(p.dataset.heightMm);
      const k = left ? n - 1 - i : i; // slices run towards the binding edge
      const pic = sealPicture(s);
      Object.assign(pic.style, { width: `${n * 100}%`, left: `${-k * 100}%` });
      p.append(h('div', {
        class: 'perf-mark', 'aria-hidden': 'true',
        style: `${left ? 'left' : 'right'}: 0; top: ${((hh / 2 - size.h / 2) / hh) * 100}%; ` +
          `width: ${(size.w / n / w) * 100}%; height: ${(size.h / hh) * 100}%`,
      }, pic));
    });
  };
  const showMode = () => {
    const m = mode();
    modes.querySelector('.mode-keyword').hidden = m !== 'keyword';
    modes.querySelector('.mode-perforation').hidden = m !== 'perforation';
    if (state.overlay) state.overlay.el.hidden = m !== 'at';
    where.hidden = m !== 'at';
    help.hidden = m !== 'at';
    drawPerforation();
  };

  const help = dragHelp();
  const sayWhere = (at) => where.replaceChildren(t('sign.seal_at', at));

  // the overlay at the proposal (or a default place) on the current previews
  const placeSeal = () => {
    state.overlay?.remove();
    state.overlay = null;
    if (!state.pages.length) return;
    const s = chosen();
    const size = sealSize(s.type);
    let at = state.proposed;
    if (!at) {
      const p1 = state.pages[0].dataset;
      at = { page: 1, x: Number(p1.widthMm) - 30 - size.w / 2, y: Number(p1.heightMm) - 40 - size.h / 2 };
    }
    state.overlay = sealOverlay(state.pages, sealPicture(s), size, at, (pos) => { state.moved = true; sayWhere(pos); });
    sayWhere(state.overlay.get());
    showMode();
  };

  const load = async (file) => {
    const token = (state.token = (state.token || 0) + 1); // a newer file wins
    show(msg);
    show(proposal);
    preview.replaceChildren();
    state.overlay = null;
    state.pages = [];
    state.bytes = null;
    state.proposed = null;
    state.moved = false;
    if (!file) return;
    if (file.size > MAX) throw new Error(t('verify.too_large'));
    const bytes = new Uint8Array(await file.arrayBuffer());
    if (token !== state.token) return;
    const format = docFormat(bytes);
    if (!format) throw new Error(t('sign.not_document'));
    Object.assign(state, { bytes, b64: base64(bytes), format, name: file.name });
    preview.append(h('p', { class: 'loading' }, t('sign.loading')));
    let answer = null;
    if (may('POST', '/place')) {
      try {
        answer = await api('POST', '/place', { document: state.b64, seals: [placeType(chosen().type)] });
      } catch (e) {
        show(proposal, errorBox(e));
      }
    }
    if (token !== state.token) return;
    const normal = (answer?.placements || []).filter((p) => p.kind !== 'perforation');
    const perf = (answer?.placements || []).find((p) => p.kind === 'perforation');
    const best = normal.find((p) => p.seal_type === placeType(chosen().type)) || normal[0];
    if (best) state.proposed = { page: best.page, x: best.x, y: best.y };
    if (answer) {
      const reason = getLang() === 'zh' ? (best?.reason_zh || answer.reason_zh) : (best?.reason || answer.reason);
      show(proposal, h('div', { class: `alert ${best ? 'ok' : 'warn'} place-answer` },
        h('strong', {}, best ? t('sign.proposed', { page: best.page, x: best.x, y: best.y }) : t('sign.no_proposal')),
        reason ? h('span', {}, reason) : null,
        answer.history_used ? h('small', {}, t('sign.history_used', { n: answer.history_used })) : null,
        perf ? h('small', { class: 'perf-hint' }, t('sign.perforation_hint')) : null));
    }
    // page sizes for blank previews: the answer's when it gives them, else A4
    const pageCount = Math.max(1, ...(answer?.placements || []).map((p) => p.page || 1), answer?.page_count || 0);
    const sizes = Array.isArray(answer?.pages)
      ? answer.pages.map((p) => ({ w: p.width_mm || p.width || A4_MM.w, h: p.height_mm || p.height || A4_MM.h }))
      : Array.from({ length: pageCount }, () => A4_MM);
    const pv = await previewPages(bytes, state.b64, format, sizes);
    if (token !== state.token) return;
    state.pages = pv.pages;
    show(preview,
      pv.blank ? h('p', { class: 'hint preview-blank' }, t('sign.preview_blank')) : null,
      pv.count > pv.pages.length ? h('p', { class: 'hint' }, t('sign.preview_first', { n: pv.pages.length, count: pv.count })) : null,
      h('div', { class: 'doc-pages', dataset: { kind: pv.kind, count: pv.count } }, pv.pages));
    placeSeal();
    // a proposal further down the document: bring it into view
    if (state.overlay && state.proposed && state.proposed.page > 1) state.overlay.el.scrollIntoView({ block: 'center' });
    f.dataset.ready = '1';
  };

  const fileField = field(t('sign.file'), { name: 'file', type: 'file', accept: '.pdf,.ofd,application/pdf,application/ofd' }, t('sign.file_hint'));
  const submit = h('button', { type: 'submit', class: 'primary' }, t('sign.submit'));
  const f = h('form', { class: 'sign-form' },
    usable.length ? h('fieldset', { class: 'seal-choices' }, h('legend', {}, t('sign.choose_seal')), radios)
      : h('p', { class: 'empty no-seal' }, t('sign.no_seal')),
    fileField, proposal, modes,
    h('div', { class: 'doc-area' }, help, where, preview),
    field(t('field.note'), { name: 'note', type: 'textarea', maxlength: 1000, rows: 2 }),
    h('div', { class: 'buttons' }, submit), msg);

  fileField.querySelector('input').addEventListener('change', async (ev) => {
    delete f.dataset.ready;
    try {
      await load(ev.target.files[0]);
    } catch (e) {
      preview.replaceChildren();
      show(msg, errorBox(e));
    }
  });
  f.addEventListener('change', (ev) => {
    if (ev.target.name === 'mode') showMode();
    if (ev.target.name === 'side') drawPerforation();
    if (ev.target.name === 'esid' && state.pages.length) placeSeal();
  });
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    show(msg);
    const s = chosen();
    if (!s) return show(msg, errorBox(new Error(t('sign.no_seal'))));
    if (!state.bytes) return show(msg, errorBox(new Error(t('sign.no_file'))));
    const m = mode();
    let placement;
    if (m === 'keyword') {
      const kw = f.elements.keyword.value.trim();
      if (!kw) return show(msg, errorBox(new Error(t('sign.no_keyword'))));
      placement = { keyword: kw, occurrence: Number(f.elements.occurrence.value || 1) };
    } else if (m === 'perforation') {
      placement = { perforation: f.elements.side.value };
    } else {
      if (!state.overlay) return show(msg, errorBox(new Error(t('sign.no_file'))));
      placement = { at: state.overlay.get() };
    }
    const body = { esid: s.esid, document: state.b64, placement };
    const note = f.elements.note.value.trim();
    if (note) body.note = note;
    submit.disabled = true;
    try {
      const q = await api('POST', '/sign-requests', body);
      const out = [notice(t('sign.sent', { id: q.id })), h('dl', { class: 'details sent-state' }, h('dt', {}, t('field.status')), h('dd', {}, stateTag(q.status))), docLinks(q)];
      // where the seal went becomes history when it was moved or confirmed
      if (m === 'at' && may('POST', '/place/feedback') && (state.moved || state.proposed)) {
        const at = placement.at;
        try {
          await api('POST', '/place/feedback', {
            document: state.b64, action: state.moved ? 'moved' : 'accepted',
            placements: [{ page: at.page, x: at.x, y: at.y, seal_type: placeType(s.type), kind: 'normal' }],
          });
          out.push(h('small', { class: 'feedback-ok' }, t('sign.feedback_saved')));
        } catch (e) {
          out.push(errorBox(e));
        }
      }
      show(msg, h('div', { class: 'sent', dataset: { id: q.id, status: q.status } }, out));
      await onSent();
    } catch (e) {
      show(msg, errorBox(e));
    } finally {
      submit.disabled = false;
    }
    return null;
  });
  return f;
}

export default {
  id: 'sign',
  title: 'nav.sign',
  visible: (me, ok) => ok(me, 'POST', '/sign-requests') || ok(me, 'POST', '/sign-requests/{id}/approve'),
  async render(ctx) {
    const me = ctx.me;
    const may = (m, p) => allowed(me, m, p);
    const canReview = may('POST', '/sign-requests/{id}/approve');
    const queue = h('div', { class: 'sign-queue' });
    const listArea = h('div', { class: 'sign-list' });
    const msg = h('div', { class: 'msg', 'aria-live': 'polite' });
    const filter = field(t('field.status'), { name: 'status', type: 'select',
      options: [['', t('common.all')], ...STATES.map((s) => [s, t(`signstate.${s}`)])] });
    const sel = filter.querySelector('select');
    const cols = [
      { key: 'id', label: t('field.id') },
      { key: 'esid', label: t('field.esid'), fmt: (v) => h('code', {}, v) },
      { key: 'requester', label: t('sign.requester') },
      { key: 'status', label: t('field.status'), fmt: stateTag },
      { key: 'note', label: t('sign.note') },
      { key: 'created', label: t('field.created'), fmt: timeCol },
    ];
    const review = (q, approve) => dialog(t(approve ? 'sign.approve_title' : 'sign.reject_title', { id: q.id }),
      [h('p', {}, t('sign.review_what', { id: q.id, esid: q.esid, requester: q.requester })),
        field(t('field.reason'), { name: 'reason', type: 'textarea', maxlength: 1000, rows: 3, required: !approve })],
      t(approve ? 'review.approve' : 'review.reject'), async (b) => {
        const r = await api('POST', `/sign-requests/${q.id}/${approve ? 'approve' : 'reject'}`, b.reason ? { reason: b.reason } : {});
        show(msg, notice(t('sign.reviewed', { id: q.id, state: t(`signstate.${r.status}`) })));
        await reload();
      });
    const view = (q) => {
      const { documents, ...rest } = q;
      dialog(t('sign.detail', { id: q.id }), [details(rest), table([
        { key: 'n', label: t('sign.doc_n') },
        { key: 'format', label: t('sign.format') },
        { key: 'size', label: t('sign.size') },
        { key: 'sm3', label: 'SM3', fmt: (v) => h('code', {}, v) },
        { key: 'n', label: t('sign.original'), fmt: (n, d) => (String(d.format || '').startsWith('hash-') ? ''
          : h('a', { class: 'act-original', href: `api/v1/sign-requests/${q.id}/documents/${n}?original=1`,
            download: `original-${q.id}-${n}.${d.format || 'pdf'}` }, t('sign.original_n', { n }))) },
      ], documents || [])], t('common.close'), async () => null);
    };
    const reviewActions = (q) => (q.status === 'pending' && q.requester !== me.name ? [
      h('button', { type: 'button', class: 'act-view', onclick: () => view(q) }, t('common.view')),
      h('button', { type: 'button', class: 'act-approve primary', onclick: () => review(q, true) }, t('review.approve')),
      h('button', { type: 'button', class: 'act-reject danger', onclick: () => review(q, false) }, t('review.reject')),
    ] : []);
    const loadQueue = async () => {
      if (!canReview) return;
      try {
        const { sign_requests: rows } = await api('GET', '/sign-requests?status=pending');
        show(queue, table(cols, (rows || []).filter((q) => q.requester !== me.name), reviewActions));
      } catch (e) {
        show(queue, errorBox(e));
      }
    };
    const loadList = async () => {
      if (!may('GET', '/sign-requests')) return;
      try {
        const { sign_requests: rows } = await api('GET', `/sign-requests${sel.value ? `?status=${sel.value}` : ''}`);
        show(listArea, table([...cols, { key: 'reviewer', label: t('sign.reviewer') }], rows || [],
          (q) => docLinks(q)));
      } catch (e) {
        show(listArea, errorBox(e));
      }
    };
    const reload = () => Promise.all([loadQueue(), loadList()]);
    sel.addEventListener('change', loadList);

    const out = h('div', {}, msg);
    if (canReview) out.append(section(t('sign.queue'), queue));
    if (may('POST', '/sign-requests')) {
      let seals = [];
      try {
        seals = (await api('GET', '/seals?status=valid')).seals || [];
      } catch (e) {
        out.append(errorBox(e));
      }
      out.append(section(t('sign.new'), signForm(me, seals, reload)));
    }
    const refresh = h('button', { type: 'button', class: 'act-refresh', onclick: () => reload() }, t('sign.refresh'));
    if (may('GET', '/sign-requests')) out.append(section(t('sign.list'), h('div', { class: 'sign-list-tools' }, filter, refresh), listArea));
    await reload();
    return out;
  },
};
