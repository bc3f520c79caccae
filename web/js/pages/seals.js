// seals.js - the organisation's seals, each with a thumbnail of its
// picture, and their lifecycle actions: 挂失,
// 解挂, 注销 (with a reason), 续期/更换/变更 (through a new application),
// download and the event history. Buttons follow the seal's state and the
// user's permissions; the server checks both again.
import { h, field, fmtTime } from '../dom.js';
import { api, allowed } from '../api.js';
import { t } from '../i18n.js';
import { section, table, timeCol, show, errorBox, notice, dialog } from '../ui.js';

const STATES = ['valid', 'lost', 'cancelled', 'expired'];

export default {
  id: 'seals',
  title: 'nav.seals',
  visible: (me, ok) => ok(me, 'GET', '/seals'),
  async render(ctx) {
    const me = ctx.me;
    const msg = h('div', { class: 'msg', 'aria-live': 'polite' });
    const listArea = h('div', { class: 'seal-list' });
    const filter = field(t('field.status'), { name: 'status', type: 'select',
      options: [['', t('common.all')], ...STATES.map((s) => [s, t(`state.${s}`)])] });
    const sel = filter.querySelector('select');
    const may = (m, p) => allowed(me, m, p);
    const load = async () => {
      try {
        const { seals } = await api('GET', `/seals${sel.value ? `?status=${sel.value}` : ''}`);
        show(listArea, table([
          { key: 'picture', label: t('field.picture'), fmt: (v, r) => h('img', { class: 'seal-thumb', src: `api/v1/seals/${encodeURIComponent(r.esid)}/picture`,
            alt: t('seal.picture_alt', { name: r.name, esid: r.esid }), width: 56, height: 56, loading: 'lazy',
            onerror: (ev) => { ev.target.replaceWith(h('span', { class: 'no-thumb' }, t('seal.no_picture'))); } }) },
          { key: 'esid', label: t('field.esid'), fmt: (v) => h('code', {}, v) },
          { key: 'name', label: t('field.seal_name') },
          { key: 'type', label: t('field.type'), fmt: (v) => t(`sealtype.${v}`) },
          { key: 'status', label: t('field.status'), fmt: (v) => h('span', { class: `state state-${v}` }, t(`state.${v}`)) },
          { key: 'valid_to', label: t('field.valid_to'), fmt: timeCol },
          { key: 'uses_count', label: t('field.uses_count'), fmt: (v, r) => (r.uses_limit ? `${v}/${r.uses_limit}` : String(v)) },
        ], seals || [], actions));
      } catch (e) {
        show(listArea, errorBox(e));
      }
    };
    const transition = (s, op, titleKey) => dialog(t(titleKey, { esid: s.esid }),
      [field(t('field.reason'), { name: 'reason', type: 'textarea', required: true, maxlength: 1000, rows: 3 })],
      t('common.confirm'), async (b) => {
        await api('POST', `/seals/${s.esid}/${op}`, b);
        show(msg, notice(t('seal.done', { esid: s.esid })));
        await load();
      });
    const events = async (s) => {
      try {
        const { events: ev } = await api('GET', `/seals/${s.esid}/events`);
        dialog(t('seal.events', { esid: s.esid }), [table([
          { key: 'at', label: t('field.at'), fmt: fmtTime },
          { key: 'from', label: t('field.from'), fmt: (v) => (v ? t(`state.${v}`) : '') },
          { key: 'to', label: t('field.to'), fmt: (v) => t(`state.${v}`) },
          { key: 'actor', label: t('field.actor') },
          { key: 'reason', label: t('field.reason') },
        ], ev || [])], t('common.close'), async () => null);
      } catch (e) {
        show(msg, errorBox(e));
      }
    };
    const reapply = (s, kind) => ctx.go(`applications?kind=${kind}&seal=${s.esid}`);
    const actions = (s) => {
      const st = s.status;
      const b = (cls, label, fn) => h('button', { type: 'button', class: cls, onclick: fn }, label);
      return [
        b('act-events', t('seal.history'), () => events(s)),
        may('GET', '/seals/{esid}/seal.esl') ? h('a', { class: 'button act-download', href: `api/v1/seals/${s.esid}/seal.esl`, download: `${s.esid}.esl` }, t('seal.download')) : null,
        may('POST', '/seals/{esid}/report-loss') && st === 'valid' ? b('act-loss', t('seal.report_loss'), () => transition(s, 'report-loss', 'seal.report_loss_title')) : null,
        may('POST', '/seals/{esid}/lift-loss') && st === 'lost' ? b('act-lift', t('seal.lift_loss'), () => transition(s, 'lift-loss', 'seal.lift_loss_title')) : null,
        may('POST', '/seal-applications') && (st === 'valid' || st === 'expired') ? b('act-renew', t('kind.renew'), () => reapply(s, 'renew')) : null,
        may('POST', '/seal-applications') && st !== 'cancelled' ? b('act-replace', t('kind.replace'), () => reapply(s, 'replace')) : null,
        may('POST', '/seal-applications') && st === 'valid' ? b('act-change', t('kind.change'), () => reapply(s, 'change')) : null,
        may('POST', '/seals/{esid}/cancel') && st !== 'cancelled' ? b('act-cancel danger', t('seal.cancel'), () => transition(s, 'cancel', 'seal.cancel_title')) : null,
      ];
    };
    sel.addEventListener('change', load);
    await load();
    return h('div', {}, section(t('seal.list'), msg, filter, listArea));
  },
};
