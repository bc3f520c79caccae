// password.js - changes the caller's password (POST /api/v1/me/password);
// forced after a login with a one-time password. The change ends every
// other session and returns a new one.
import { h, field } from '../dom.js';
import { api, ApiError } from '../api.js';
import { t } from '../i18n.js';
import { form, notice } from '../ui.js';

export default {
  id: 'password',
  title: 'nav.password',
  visible: (me, allowed) => allowed(me, 'POST', '/me/password'),
  render(ctx) {
    const forced = ctx.me && ctx.me.must_change_password;
    const f = form('password-form', [
      field(t('password.old'), { name: 'old_password', type: 'password', autocomplete: 'current-password', required: true }),
      field(t('password.new'), { name: 'new_password', type: 'password', autocomplete: 'new-password', required: true, minlength: 12 }, t('password.rule')),
      field(t('password.confirm'), { name: 'confirm', type: 'password', autocomplete: 'new-password', required: true }),
    ], t('password.submit'), async (body) => {
      if (body.new_password !== body.confirm)
        throw new ApiError(400, { type: 'mismatch', title: t('password.mismatch') });
      const reply = await api('POST', '/me/password', { old_password: body.old_password, new_password: body.new_password });
      await ctx.signedIn(reply);
    });
    return h('div', { class: 'narrow' }, forced ? notice(t('password.forced'), 'warn') : null, f);
  },
};
