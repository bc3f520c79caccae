// users.js - the organisation's users (GET /api/v1/users) and, for those
// who may manage users, a form to create one with a role. Offers only the
// roles the caller may grant; the server decides in the end.
import { h, field } from '../dom.js';
import { api, allowed } from '../api.js';
import { t } from '../i18n.js';
import { form, table, timeCol, section, notice, show, errorBox } from '../ui.js';

const GRANTS = {
  system_admin: ['system_admin', 'business_admin', 'reviewer', 'seal_keeper', 'applicant', 'audit_admin'],
  business_admin: ['business_admin', 'reviewer', 'seal_keeper', 'applicant'],
};

export default {
  id: 'users',
  title: 'nav.users',
  visible: (me, ok) => ok(me, 'GET', '/users'),
  async render(ctx) {
    const me = ctx.me;
    const listArea = h('div', { class: 'user-list' });
    const load = async () => {
      try {
        const { users } = await api('GET', '/users');
        show(listArea, table([
          { key: 'name', label: t('field.name') },
          { key: 'org', label: t('field.org') },
          { key: 'role', label: t('field.role'), fmt: (v) => t(`role.${v}`) },
          { key: 'must_change_password', label: t('field.must_change_password') },
          { key: 'disabled', label: t('field.disabled') },
          { key: 'created', label: t('field.created'), fmt: timeCol },
        ], users, null, t('users.caption')));
      } catch (e) {
        show(listArea, errorBox(e));
      }
    };
    const out = h('div', {}, section(t('users.list'), listArea));
    if (allowed(me, 'POST', '/users')) {
      const roles = GRANTS[me.role] || [];
      const f = form('user-form', [
        field(t('field.name'), { name: 'name', required: true, pattern: '[a-z0-9._\\-]+', maxlength: 63, autocomplete: 'off' }, t('users.name_hint')),
        field(t('users.initial_password'), { name: 'password', type: 'password', required: true, autocomplete: 'new-password' }, t('password.rule')),
        field(t('field.role'), { name: 'role', type: 'select', required: true, options: roles.map((r) => [r, t(`role.${r}`)]) }),
        me.role === 'system_admin' ? field(t('field.org'), { name: 'org', maxlength: 63 }, t('users.org_hint')) : null,
        field(t('field.must_change_password'), { name: 'must_change_password', type: 'checkbox', checked: true, dataset: { jtype: 'boolean' } }),
      ], t('users.create'), async (body, el) => {
        const u = await api('POST', '/users', body);
        el.reset();
        await load();
        return notice(t('users.created', { name: u.name, role: t(`role.${u.role}`) }));
      });
      out.append(section(t('users.new'), f));
    }
    await load();
    return out;
  },
};
