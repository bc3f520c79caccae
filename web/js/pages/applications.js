// applications.js - 申领, 审核 and 制章: apply for a seal (new, change,
// renewal, replacement) with a picture drawn from text, approve or reject
// with a reason, and make the seal of an approved application. Buttons
// appear only for what the user's permissions allow; the server enforces
// the rest (e.g. nobody reviews their own application).
import { h, field } from '../dom.js';
import { api, allowed } from '../api.js';
import { t } from '../i18n.js';
import { form, section, table, timeCol, show, errorBox, notice, dialog, download, details } from '../ui.js';
import { sealPreview, drawSeal } from '../seal_picture.js';

const KINDS = ['new', 'change', 'renew', 'replace'];
const TYPES = ['official', 'finance', 'invoice', 'contract', 'personal', 'business', 'other'];
const SHAPES = ['round', 'oval', 'square'];

function applyForm(me, onDone) {
  const q = new URLSearchParams(location.hash.split('?')[1] || '');
  const canvas = sealPreview();
  const f = form('apply-form', [
    field(t('field.kind'), { name: 'kind', type: 'select', options: KINDS.map((k) => [k, t(`kind.${k}`)]) }),
    field(t('field.seal'), { name: 'seal', maxlength: 32, pattern: '[A-Za-z0-9]+', autocomplete: 'off' }, t('apply.seal_hint')),
    field(t('field.seal_name'), { name: 'name', maxlength: 128 }),
    field(t('field.type'), { name: 'type', type: 'select', options: TYPES.map((k) => [k, t(`sealtype.${k}`)]) }),
    field(t('field.validity_days'), { name: 'validity_days', type: 'number', min: 1, max: 3650, value: 730, dataset: { jtype: 'integer' } }),
    field(t('field.uses_limit'), { name: 'uses_limit', type: 'number', min: 0, value: 0, dataset: { jtype: 'integer' } }, t('apply.uses_hint')),
    field(t('field.allowed_users'), { name: 'allowed_users', autocomplete: 'off' }, t('apply.users_hint')),
    h('fieldset', { class: 'picture' }, h('legend', {}, t('apply.picture')),
      field(t('apply.shape'), { name: 'p_shape', type: 'select', options: SHAPES.map((s) => [s, t(`shape.${s}`)]) }),
      field(t('apply.p_org'), { name: 'p_org', maxlength: 60, autocomplete: 'organization' }),
      field(t('apply.p_title'), { name: 'p_title', maxlength: 30 }),
      field(t('apply.p_code'), { name: 'p_code', maxlength: 30 }),
      canvas),
    field(t('field.note'), { name: 'note', type: 'textarea', maxlength: 1000, rows: 2 }),
  ], t('apply.submit'), async (b, el) => {
    const body = { kind: b.kind };
    if (b.kind !== 'new') body.seal = b.seal;
    for (const k of ['name', 'type', 'note']) if (b[k]) body[k] = b[k];
    for (const k of ['validity_days', 'uses_limit']) if (Number.isFinite(b[k])) body[k] = b[k];
    if (b.allowed_users) body.allowed_users = b.allowed_users.split(/[,，\s]+/).filter(Boolean);
    if (b.p_org || b.p_title) {
      body.picture = { shape: b.p_shape, org: b.p_org || '', title: b.p_title || '' };
      if (b.p_code) body.picture.code = b.p_code;
    }
    const a = await api('POST', '/seal-applications', body);
    el.reset();
    redraw();
    await onDone();
    return notice(t('apply.done', { id: a.id }));
  });
  const redraw = () => drawSeal(canvas, {
    shape: f.elements.p_shape.value, org: f.elements.p_org.value,
    title: f.elements.p_title.value || f.elements.name.value, code: f.elements.p_code.value,
  });
  f.addEventListener('input', redraw);
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
        dialog(t('apply.detail', { id: a.id }), [details(full)], t('common.close'), async () => null);
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
