// status.js - 验章 help for anyone: the published status of a seal by its
// code (GET /api/v1/status/{esid}, public). Shows the state in words and
// every field the server returned, with links to the signed answer and
// the seal revocation list (GET /api/v1/srl) for offline checks.
import { h, field } from '../dom.js';
import { api, route } from '../api.js';
import { t, has } from '../i18n.js';
import { form, details } from '../ui.js';

export default {
  id: 'status',
  title: 'nav.status',
  public: true,
  visible: (me, ok) => ok(me, 'GET', '/status/{esid}'),
  render() {
    const result = h('div', { class: 'status-result', 'aria-live': 'polite' });
    const f = form('status-form', [
      field(t('status.esid'), { name: 'esid', required: true, maxlength: 64, pattern: '[A-Za-z0-9]+', autocomplete: 'off', inputmode: 'latin' }, t('status.esid_hint')),
    ], t('status.submit'), async (body) => {
      result.replaceChildren();
      const esid = encodeURIComponent(body.esid.trim());
      const st = await api('GET', `/status/${esid}?format=json`);
      if (!st || typeof st !== 'object') throw new Error(t('status.bad_answer'));
      const state = st.status || st.state;
      result.append(h('section', { class: 'card' },
        h('h2', {}, t('status.of', { esid: st.esid || body.esid })),
        state ? h('p', { class: `state state-${state}` }, has(`state.${state}`) ? t(`state.${state}`) : state) : null,
        details(st),
        h('p', { class: 'aside' }, h('a', { href: `api/v1/status/${esid}`, download: `${body.esid.trim()}.status` }, t('status.signed')))));
      return null;
    });
    const q = new URLSearchParams(location.hash.split('?')[1] || '').get('esid');
    if (q) setTimeout(() => { f.elements.esid.value = q; f.requestSubmit(); });
    return h('div', {}, h('p', {}, t('status.intro')), f, result,
      route('GET', '/srl') ? h('p', { class: 'aside' }, h('a', { href: 'api/v1/srl', download: 'eseal.srl' }, t('status.srl'))) : null);
  },
};
