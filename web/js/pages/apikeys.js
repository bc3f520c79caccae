// apikeys.js - API keys for business systems (POST /api/v1/api-keys). The
// secret is shown once, right after creation, and never kept by the page.
import { h, field } from '../dom.js';
import { api, allowed } from '../api.js';
import { t } from '../i18n.js';
import { form, section, table, timeCol, show, errorBox } from '../ui.js';

export default {
  id: 'api-keys',
  title: 'nav.apikeys',
  visible: (me, ok) => ok(me, 'POST', '/api-keys'),
  async render(ctx) {
    const me = ctx.me;
    const once = h('div', { class: 'secret-area', 'aria-live': 'polite' });
    const f = form('apikey-form', [
      field(t('apikeys.name'), { name: 'name', required: true, maxlength: 63, autocomplete: 'off' }, t('apikeys.name_hint')),
      me.role === 'system_admin' ? field(t('field.org'), { name: 'org', maxlength: 63 }, t('users.org_hint')) : null,
    ], t('apikeys.create'), async (body, el) => {
      const k = await api('POST', '/api-keys', body);
      el.reset();
      show(once, h('div', { class: 'alert warn secret-once', role: 'status' },
        h('p', {}, h('strong', {}, t('apikeys.shown_once'))),
        h('dl', { class: 'details' },
          h('dt', {}, t('apikeys.id')), h('dd', {}, h('code', { class: 'key-id' }, k.id)),
          h('dt', {}, t('apikeys.secret')), h('dd', {}, h('code', { class: 'key-secret' }, k.secret)),
          h('dt', {}, t('field.org')), h('dd', {}, k.org)),
        h('button', { type: 'button', onclick: () => navigator.clipboard?.writeText(k.secret) }, t('apikeys.copy')),
        h('button', { type: 'button', onclick: () => show(once) }, t('apikeys.hide'))));
      if (listArea) await load();
      return null;
    });
    let listArea = null;
    const load = async () => {
      try {
        const reply = await api('GET', '/api-keys');
        const keys = reply.api_keys || reply.keys || [];
        show(listArea, table([
          { key: 'id', label: t('apikeys.id') }, { key: 'name', label: t('apikeys.name') },
          { key: 'org', label: t('field.org') }, { key: 'created', label: t('field.created'), fmt: timeCol },
        ], keys));
      } catch (e) {
        show(listArea, errorBox(e));
      }
    };
    const out = h('div', {}, section(t('apikeys.new'), h('p', {}, t('apikeys.intro')), f, once));
    if (allowed(me, 'GET', '/api-keys')) {
      listArea = h('div');
      out.append(section(t('apikeys.list'), listArea));
      await load();
    }
    return out;
  },
};
