// orgs.js - organisations (GET/POST /api/v1/orgs) for the system
// administrator: name, unified social credit code and region code.
import { h } from '../dom.js';
import { api, allowed } from '../api.js';
import { t } from '../i18n.js';
import { form, section, table, timeCol, show, errorBox, schemaFields, notice } from '../ui.js';

export default {
  id: 'orgs',
  title: 'nav.orgs',
  visible: (me, ok) => ok(me, 'GET', '/orgs'),
  async render(ctx) {
    const listArea = h('div');
    const load = async () => {
      try {
        const { organisations } = await api('GET', '/orgs');
        show(listArea, table([
          { key: 'name', label: t('field.name') },
          { key: 'credit_code', label: t('field.credit_code') },
          { key: 'region_code', label: t('field.region_code') },
          { key: 'created', label: t('field.created'), fmt: timeCol },
        ], organisations || []));
      } catch (e) {
        show(listArea, errorBox(e));
      }
    };
    const out = h('div', {}, section(t('orgs.list'), listArea));
    if (allowed(ctx.me, 'POST', '/orgs')) {
      out.append(section(t('orgs.new'), form('org-form', schemaFields('POST', '/orgs', {
        credit_code: { pattern: '[0-9A-HJ-NPQRTUWXY]{18}', autocomplete: 'off' },
        region_code: { pattern: '[0-9]{6}', inputmode: 'numeric', autocomplete: 'off' },
      }), t('orgs.create'), async (body, el) => {
        const o = await api('POST', '/orgs', body);
        el.reset();
        await load();
        return notice(t('orgs.created', { name: o.name }));
      })));
    }
    await load();
    return out;
  },
};
