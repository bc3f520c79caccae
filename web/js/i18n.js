// i18n.js - the console's words in Chinese (default) and English, one
// dictionary per language in i18n/<lang>.json; the choice is remembered in
// localStorage. Never build sentences by concatenating translated pieces:
// use one key with {placeholders}.

const KEY = 'eseal.lang';
export const LANGS = ['zh', 'en'];
const dicts = {};
let lang = LANGS.includes(localStorage.getItem(KEY)) ? localStorage.getItem(KEY) : 'zh';

async function fetchDict(l) {
  if (!dicts[l]) {
    const res = await fetch(`i18n/${l}.json`, { cache: 'no-cache' });
    dicts[l] = res.ok ? await res.json() : {};
  }
  return dicts[l];
}

export async function setLang(l) {
  if (!LANGS.includes(l)) l = 'zh';
  await fetchDict(l);
  if (l !== 'zh') await fetchDict('zh');
  lang = l;
  localStorage.setItem(KEY, l);
  document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en';
}

export function getLang() {
  return lang;
}

export function has(key) {
  return key in (dicts[lang] || {});
}

// t('users.created', {name: 'bob'})
export function t(key, vars) {
  let s = dicts[lang]?.[key] ?? dicts.zh?.[key] ?? key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
  return s;
}

// Fills [data-i18n] elements of static markup.
export function translateStatic(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
}
