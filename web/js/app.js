// app.js - the console's shell: loads the language and the server's route
// list, keeps the signed-in user (GET /api/v1/me), draws the navigation
// with only the pages the user's permissions and the server's routes
// allow, and routes #/page addresses to page modules. A user who must
// change a one-time password sees nothing but the password page.
import { h } from './dom.js';
import { api, setCsrf, loadRoutes, allowed } from './api.js';
import { t, setLang, getLang, translateStatic } from './i18n.js';
import { errorBox } from './ui.js';
import login from './pages/login.js';
import password from './pages/password.js';
import home from './pages/home.js';
import users from './pages/users.js';
import apikeys from './pages/apikeys.js';
import status from './pages/status.js';
import orgs from './pages/orgs.js';
import applications from './pages/applications.js';
import seals from './pages/seals.js';
import audit from './pages/audit.js';
import verify from './pages/verify.js';
import stats from './pages/stats.js';
import sign from './pages/sign.js';

// Navigation order. Each page: id, title key, visible(me), render(ctx).
const PAGES = [home, orgs, users, apikeys, applications, seals, stats, sign, status, verify, audit, password];
const ALL = [login, ...PAGES];

const state = { me: null };

async function refreshMe() {
  try {
    state.me = await api('GET', '/me');
  } catch (e) {
    if (e.status !== 401) throw e;
    state.me = null;
    setCsrf(null);
  }
  return state.me;
}

function visible(page) {
  if (page.public && !state.me) return true;
  if (!state.me) return false;
  if (state.me.must_change_password) return page.id === 'password';
  return page.visible ? page.visible(state.me, allowed) : true;
}

function drawNav(current) {
  const nav = document.getElementById('nav');
  const items = PAGES.filter((p) => p.id !== 'password' || state.me).filter(visible);
  nav.replaceChildren(h('ul', {}, items.map((p) => h('li', {},
    h('a', { href: `#/${p.id}`, 'data-page': p.id, 'aria-current': p.id === current ? 'page' : false }, t(p.title))))));
  const who = document.getElementById('who');
  const out = document.getElementById('logout');
  if (state.me) {
    who.replaceChildren(h('span', { class: 'user-name' }, state.me.name), ' · ',
      h('span', { class: 'user-role' }, t(`role.${state.me.role}`)),
      state.me.org ? h('span', { class: 'user-org' }, ` · ${state.me.org}`) : null);
    out.hidden = false;
  } else {
    who.replaceChildren();
    out.hidden = true;
  }
  document.getElementById('lang').textContent = getLang() === 'zh' ? 'English' : '中文';
  document.getElementById('lang').setAttribute('aria-label', t('shell.switch_lang'));
}

export function go(id) {
  if (location.hash === `#/${id}`) render();
  else location.hash = `#/${id}`;
}

async function render() {
  const main = document.getElementById('main');
  delete main.dataset.ready;
  let id = (location.hash.match(/^#\/([\w-]+)/) || [])[1] || '';
  let page = ALL.find((p) => p.id === id);
  if (!state.me && !(page && page.public)) page = login;
  else if (state.me && state.me.must_change_password) page = password;
  else if (state.me && (!page || page === login || !visible(page))) page = home;
  if (page.id !== id) history.replaceState(null, '', `#/${page.id}`);
  drawNav(page.id);
  translateStatic();
  document.title = `${t(page.title)} - ${t('app.title')}`;
  const ctx = { me: state.me, go, refreshMe: async () => { await refreshMe(); drawNav(page.id); }, signedIn };
  const body = h('div', { class: 'page', 'data-page': page.id });
  main.replaceChildren(h('h1', {}, t(page.title)), body);
  try {
    const node = await page.render(ctx);
    if (node) body.append(node);
  } catch (e) {
    if (e.status === 401) {
      state.me = null;
      setCsrf(null);
      return go('login');
    }
    body.append(errorBox(e));
  }
  main.dataset.ready = page.id;
}

// After login or a password change: remember the CSRF token, reload the user.
async function signedIn(reply) {
  setCsrf(reply.csrf_token);
  await refreshMe();
  go(state.me && state.me.must_change_password ? 'password' : 'home');
}

async function logout() {
  try { await api('POST', '/logout'); } catch (e) { /* the session may be gone already */ }
  setCsrf(null);
  state.me = null;
  go('login');
}

async function start() {
  await setLang(getLang());
  document.getElementById('lang').addEventListener('click', async () => {
    delete document.getElementById('main').dataset.ready;
    await setLang(getLang() === 'zh' ? 'en' : 'zh');
    render();
  });
  document.getElementById('logout').addEventListener('click', logout);
  // phone-sized screens: the menu folds behind a toggle button
  const toggle = document.getElementById('menu-toggle');
  const fold = () => {
    document.querySelector('header.top').classList.remove('nav-open');
    if (toggle) toggle.setAttribute('aria-expanded', 'false');
  };
  if (toggle) toggle.addEventListener('click', () => {
    const open = document.querySelector('header.top').classList.toggle('nav-open');
    toggle.setAttribute('aria-expanded', String(open));
  });
  // choosing a page folds the menu, the current page too
  document.getElementById('nav').addEventListener('click', (ev) => { if (ev.target.closest('a')) fold(); });
  window.addEventListener('hashchange', () => { fold(); render(); });
  try {
    await loadRoutes();
    await refreshMe();
  } catch (e) {
    document.getElementById('main').replaceChildren(errorBox(e));
    return;
  }
  render();
}

start();
