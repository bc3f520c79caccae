// stats.js - the dashboard (统计): seals by state, signings per day over the
// last 30 days and per organisation, applications by state, from
// GET /api/v1/stats (the user's organisation; every organisation for the
// system administrator, who may narrow it to one). Read only; charts come
// with their tables.
import { h, field } from '../dom.js';
import { api, allowed } from '../api.js';
import { t, has } from '../i18n.js';
import { section, table, errorBox } from '../ui.js';
import { chart } from '../charts.js';

const SEAL_STATES = ['valid', 'lost', 'expired', 'cancelled'];
const APP_STATES = ['submitted', 'approved', 'rejected', 'made'];

const label = (prefix, k) => (has(`${prefix}.${k}`) ? t(`${prefix}.${k}`) : k);

export default {
  id: 'stats',
  title: 'nav.stats',
  visible: (me, ok) => ok(me, 'GET', '/stats'),
  async render(ctx) {
    const area = h('div', { class: 'stats-body', 'aria-live': 'polite' });
    const load = async (org) => area.replaceChildren(await body(org));
    const out = h('div', { class: 'stats' });
    // the system administrator sees every organisation, or picks one
    if (ctx.me.role === 'system_admin' && allowed(ctx.me, 'GET', '/orgs')) {
      const { organisations: orgs } = await api('GET', '/orgs');
      const pick = field(t('field.org'), { name: 'org', type: 'select',
        options: [['', t('common.all')], ...(orgs || []).map((o) => [o.credit_code, `${o.name} (${o.credit_code})`])] });
      const sel = pick.querySelector('select');
      sel.addEventListener('change', () => load(sel.value).catch((e) => area.replaceChildren(errorBox(e))));
      out.append(pick);
    }
    await load('');
    out.append(area);
    return out;
  },
};

async function body(org) {
  const st = await api('GET', `/stats${org ? `?org=${encodeURIComponent(org)}` : ''}`);
  const seals = st.seals_by_status || {};
  const apps = st.applications_by_state || {};
  const sealKeys = [...SEAL_STATES, ...Object.keys(seals).filter((k) => !SEAL_STATES.includes(k))];
  const appKeys = [...APP_STATES, ...Object.keys(apps).filter((k) => !APP_STATES.includes(k))];
  const days = st.signings_per_day || [];
  // drawings about as wide as they will be shown, so their text stays readable
  const vw = document.documentElement.clientWidth;
  const wide = Math.max(320, Math.min(900, vw - 80)), half = vw < 720 ? wide : Math.min(440, (wide - 40) / 2);
  const total30 = days.reduce((n, d) => n + d.count, 0);
  const totalSeals = sealKeys.reduce((n, k) => n + (seals[k] || 0), 0);
  const tiles = h('ul', { class: 'tiles' },
    h('li', { class: 'tile', 'data-key': 'seals' }, h('span', { class: 'tile-num' }, String(totalSeals)), h('span', {}, t('stats.seals_total'))),
    SEAL_STATES.map((k) => h('li', { class: `tile tile-${k}`, 'data-key': k },
      h('span', { class: `tile-num state-${k}` }, String(seals[k] || 0)), h('span', {}, label('state', k)))),
    h('li', { class: 'tile', 'data-key': 'signings' }, h('span', { class: 'tile-num' }, String(total30)), h('span', {}, t('stats.signings_30'))));
  return h('div', {},
    h('p', { class: 'aside stats-scope' }, st.org ? t('stats.scope_org', { org: st.org }) : t('stats.scope_all'),
      ' ', t('stats.tz', { tz: st.utc_offset || '' })),
    tiles,
    h('div', { class: 'chart-grid' },
      section(t('stats.seals_by_status'), chart(sealKeys.map((k) => ({ key: k, label: label('state', k), value: seals[k] || 0 })),
        { title: t('stats.seals_by_status'), kind: 'bar', width: half, labelHead: t('field.status'), cls: 'chart-seals' })),
      section(t('stats.applications_by_state'), chart(appKeys.map((k) => ({ key: k, label: label('appstate', k), value: apps[k] || 0 })),
        { title: t('stats.applications_by_state'), kind: 'bar', width: half, labelHead: t('field.status'), cls: 'chart-apps' }))),
    section(t('stats.signings_per_day'), chart(days.map((d) => ({ key: d.day, label: d.day, value: d.count })),
      { title: t('stats.signings_per_day'), kind: 'line', width: wide, labelHead: t('stats.day'), short: (l) => l.slice(5), cls: 'chart-days' })),
    section(t('stats.signings_per_org'), h('div', { class: 'org-table' }, table([
      { key: 'org', label: t('field.org') },
      { key: 'name', label: t('field.name') },
      { key: 'count', label: t('stats.count') },
    ], st.signings_per_org || []))));
}
