// verify.js - 验章: upload a signed PDF or OFD and show the server's
// verification report (POST /api/v1/verify): the overall result, the
// summary in the console's language and one row per signature. The
// document goes to the server only; the page keeps nothing.
import { h, field } from '../dom.js';
import { api } from '../api.js';
import { t, has, getLang } from '../i18n.js';
import { form, table, show } from '../ui.js';

const MAX = 12 * 1024 * 1024 * 3 / 4; // the route takes 12 MiB of base64

function base64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

const ind = (v) => h('span', { class: `indication indication-${v}` }, has(`indication.${v}`) ? t(`indication.${v}`) : v);

export default {
  id: 'verify',
  title: 'nav.verify',
  visible: (me, ok) => ok(me, 'POST', '/verify'),
  render() {
    const result = h('div', { class: 'verify-result', 'aria-live': 'polite' });
    const f = form('verify-form', [
      field(t('verify.file'), { name: 'file', type: 'file', required: true, accept: '.pdf,.ofd,application/pdf' }, t('verify.file_hint')),
    ], t('verify.submit'), async (body, el) => {
      show(result);
      const file = el.elements.file.files[0];
      if (!file) throw new Error(t('verify.no_file'));
      if (file.size > MAX) throw new Error(t('verify.too_large'));
      const doc = base64(new Uint8Array(await file.arrayBuffer()));
      const rep = await api('POST', '/verify', { document: doc, lang: getLang() === 'zh' ? 'zh' : 'en' });
      show(result, h('section', { class: 'card' },
        h('h2', {}, t('verify.result', { name: file.name })),
        (rep.signatures || []).length ? h('p', { class: 'verify-overall' }, ind(rep.indication))
          : h('p', { class: 'verify-none' }, t('verify.none')),
        h('pre', { class: 'verify-summary' }, rep.summary || ''),
        (rep.signatures || []).length ? table([
          { key: 'id', label: t('verify.signature') },
          { key: 'indication', label: t('verify.indication'), fmt: ind },
          { key: 'subindication', label: t('verify.subindication') },
        ], rep.signatures) : null,
        h('p', { class: 'aside' }, t(rep.status_checked ? 'verify.status_checked' : 'verify.status_unchecked'))));
      return null;
    });
    return h('div', {}, h('p', {}, t('verify.intro')), f, result);
  },
};
