// login.js - the sign-in form (POST /api/v1/login). The session token stays
// in the HttpOnly cookie; only the CSRF token is kept, for this tab.
import { h, field } from '../dom.js';
import { api } from '../api.js';
import { t } from '../i18n.js';
import { form } from '../ui.js';

export default {
  id: 'login',
  title: 'nav.login',
  public: true,
  visible: () => false,
  render(ctx) {
    const f = form('login-form', [
      field(t('login.name'), { name: 'name', autocomplete: 'username', required: true, autofocus: true }),
      field(t('login.password'), { name: 'password', type: 'password', autocomplete: 'current-password', required: true }),
    ], t('login.submit'), async (body) => {
      const reply = await api('POST', '/login', body);
      await ctx.signedIn(reply);
    });
    return h('div', { class: 'narrow' }, h('p', {}, t('login.intro')), f,
      h('p', { class: 'aside' }, h('a', { href: '#/status' }, t('login.status_link'))));
  },
};
