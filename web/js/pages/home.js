// home.js - the start page: who is signed in, the role's duties, and links
// to the pages the role may use.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { section } from '../ui.js';

export default {
  id: 'home',
  title: 'nav.home',
  render(ctx) {
    const me = ctx.me;
    const links = [...document.querySelectorAll('#nav a')].filter((a) => a.dataset.page !== 'home');
    return h('div', {},
      section(t('home.welcome', { name: me.name }),
        h('p', { class: 'role-duty' }, t(`duty.${me.role}`)),
        h('p', {}, t('home.role'), ' ', h('strong', { class: 'me-role' }, t(`role.${me.role}`)),
          me.org ? ` · ${t('field.org')}: ${me.org}` : ''),
        h('ul', { class: 'quick' }, links.map((a) => h('li', {}, h('a', { href: a.getAttribute('href') }, a.textContent))))),
      section(t('home.permissions'),
        h('ul', { class: 'perms' }, (me.permissions || []).map((p) => h('li', { 'data-perm': p }, t(`perm.${p}`))))));
  },
};
