// audit.js - the audit log for the audit administrator (read only): the
// current tree head (size, root, the latest signed head), entries with
// filters on actor, action, object and time, paging, and a CSV export of
// the filtered entries (GET /api/v1/audit?format=csv, recorded by the
// server as an audit.export entry). Never changes anything else.
import { h, field, fmtTime } from '../dom.js';
import { api, allowed } from '../api.js';
import { t } from '../i18n.js';
import { form, section, table, timeCol, show, errorBox, details } from '../ui.js';

const PAGE = 100;

// datetime-local (the browser's local time) -> seconds since the epoch
const secs = (v) => (v ? String(Math.floor(new Date(v).getTime() / 1000)) : '');

function query(body, extra = {}) {
  const q = { actor: body.actor, action: body.action, object: body.object, from: secs(body.from), to: secs(body.to), ...extra };
  return new URLSearchParams(Object.entries(q).filter(([, v]) => v !== '' && v !== undefined)).toString();
}

async function headCard(area) {
  try {
    const hd = await api('GET', '/audit/head');
    const sh = hd.signed_head;
    show(area, details({ tree_size: hd.tree_size, root_hash: hd.root_hash }),
      sh ? h('div', { class: 'signed-head' }, h('h3', {}, t('audit.signed_head')),
        details({ tree_size: sh.tree_size, root_hash: sh.root_hash, signed_at: fmtTime(sh.timestamp), key_id: sh.key_id }))
        : h('p', { class: 'aside no-signed-head' }, t('audit.no_signed_head')));
  } catch (e) {
    show(area, errorBox(e));
  }
}

export default {
  id: 'audit',
  title: 'nav.audit',
  visible: (me, ok) => ok(me, 'GET', '/audit'),
  async render(ctx) {
    const headArea = h('div', { class: 'audit-head' });
    const listArea = h('div', { class: 'audit-list' });
    const more = h('div', { class: 'buttons' });
    const csv = h('a', { class: 'button act-csv', href: 'api/v1/audit?format=csv', download: 'audit.csv' }, t('audit.csv'));
    let rows = [];
    let current = {};
    const cols = [
      { key: 'seq', label: t('field.seq') },
      { key: 'time', label: t('field.time'), fmt: timeCol },
      { key: 'actor', label: t('field.actor') },
      { key: 'role', label: t('field.role'), fmt: (v) => (v && t(`role.${v}`) !== `role.${v}` ? t(`role.${v}`) : v) },
      { key: 'action', label: t('field.action'), fmt: (v) => h('code', {}, v) },
      { key: 'object', label: t('field.object') },
      { key: 'details', label: t('field.details'), fmt: (v) => (v === null || v === undefined ? '' : h('small', {}, JSON.stringify(v))) },
    ];
    const load = async (body, after) => {
      const reply = await api('GET', `/audit?${query(body, { limit: String(PAGE), after })}`);
      rows = after === undefined ? reply.entries : rows.concat(reply.entries);
      show(listArea, table(cols, rows));
      show(more, reply.next_after !== undefined && reply.next_after !== null
        ? h('button', { type: 'button', class: 'act-more', onclick: () => load(body, String(reply.next_after)).catch((e) => show(listArea, errorBox(e))) }, t('audit.more'))
        : null);
    };
    const f = form('audit-form', [
      field(t('field.actor'), { name: 'actor', autocomplete: 'off', maxlength: 127 }, t('audit.prefix_hint')),
      field(t('audit.action'), { name: 'action', autocomplete: 'off', maxlength: 127 }),
      field(t('field.object'), { name: 'object', autocomplete: 'off', maxlength: 255 }),
      field(t('audit.from'), { name: 'from', type: 'datetime-local' }),
      field(t('audit.to'), { name: 'to', type: 'datetime-local' }),
    ], t('audit.search'), async (body) => {
      current = body;
      csv.setAttribute('href', `api/v1/audit?${query(current, { format: 'csv' })}`);
      await load(current);
      return null;
    });
    try { await load(current); } catch (e) { show(listArea, errorBox(e)); }
    await headCard(headArea);
    // the export is audited: the head moves on, so show it again
    csv.addEventListener('click', () => setTimeout(() => headCard(headArea), 500));
    return h('div', {},
      section(t('audit.head'), h('p', { class: 'aside' }, t('audit.head_intro')), headArea),
      section(t('audit.entries'), f, h('p', { class: 'aside' }, allowed(ctx.me, 'GET', '/audit') ? csv : null, ' ', t('audit.csv_note')), listArea, more));
  },
};
