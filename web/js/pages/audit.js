// audit.js - the audit log for the audit administrator (read only): the
// newest records first, with a filter on the action.
import { h, field } from '../dom.js';
import { api, route } from '../api.js';
import { t } from '../i18n.js';
import { form, table, timeCol, show, errorBox } from '../ui.js';

// The audit route's path, whichever of the usual names the server has.
const PATHS = ['/audit', '/audit/records', '/audit/log', '/audit-log'];
const auditPath = () => PATHS.find((p) => route('GET', p));

export default {
  id: 'audit',
  title: 'nav.audit',
  visible: (me, ok) => { const p = auditPath(); return !!p && ok(me, 'GET', p); },
  async render() {
    const listArea = h('div');
    const load = async (q = {}) => {
      const qs = new URLSearchParams(Object.entries(q).filter(([, v]) => v !== '' && v !== undefined)).toString();
      const reply = await api('GET', `${auditPath()}${qs ? `?${qs}` : ''}`);
      const rows = reply.records || reply.entries || reply.audit || (Array.isArray(reply) ? reply : []);
      const cols = rows.length ? Object.keys(rows[0]) : ['seq', 'time', 'actor', 'action', 'object'];
      show(listArea, table(cols.map((k) => ({
        key: k, label: t(`field.${k}`) === `field.${k}` ? k : t(`field.${k}`),
        fmt: /^(time|at|created|ts)$/.test(k) ? timeCol : undefined,
      })), rows));
    };
    const f = form('audit-form', [
      field(t('audit.action'), { name: 'action', autocomplete: 'off' }),
    ], t('audit.search'), async (body) => { await load(body); return null; });
    try { await load(); } catch (e) { show(listArea, errorBox(e)); }
    return h('div', {}, f, listArea);
  },
};
