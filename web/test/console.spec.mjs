// console.spec.mjs - drives the web console in a real browser (the
// system's Chromium through playwright-core): starts `eseal serve` on a free
// port with a fresh data directory, signs in with the one-time admin
// password, changes it, switches the language, registers an organisation,
// creates users and an API key, checks each role's menus, runs a seal
// through 申领 → 审核 → 制章 → 挂失, has the applicant verify documents
// (验章), signs documents on the signing page (签章: drag the proposed seal
// with the mouse and the keyboard, the reviewer approves or rejects, the
// signed download verifies, and the places dragged to make the next
// proposal for the same template), has the audit admin filter the audit
// log and download it as CSV, and looks up the seal's status. Screenshots of
// every page go to the test's temporary directory (kept when a step fails
// or ESEAL_KEEP is set).
// Usage: ESEAL_BIN=path/to/eseal node console.spec.mjs
import { mkdtempSync, rmSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { preflight, startServer, launch } from './lib.mjs';

preflight();

const T = mkdtempSync(join(tmpdir(), 'eseal-web-'));
let pass = 0, fail = 0, shot = 0;
const t0 = Date.now();
const ok = (name) => { pass++; console.log(`ok   ${name}${process.env.ESEAL_TIMING ? ` (${((Date.now() - t0) / 1000).toFixed(1)} s)` : ''}`); };
const bad = (name, why) => { fail++; console.log(`FAIL ${name}${why ? `: ${why}` : ''}`); };
async function expect(name, fn) {
  try {
    const r = await fn();
    if (r === false) bad(name); else ok(name);
  } catch (e) {
    bad(name, String(e.message || e).split('\n')[0]);
  }
}

const srv = await startServer(T);
const browser = await launch();
const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1200, height: 860 } });
const page = await context.newPage();
const consoleErrors = [];
page.on('pageerror', (e) => consoleErrors.push(String(e)));
page.setDefaultTimeout(15000);

const ready = (id) => page.waitForSelector(`main[data-ready="${id}"]`);
const snap = async (name) => { shot++; await page.screenshot({ path: join(T, `${String(shot).padStart(2, '0')}-${name}.png`), fullPage: true }); };
const navIds = () => page.$$eval('#nav a', (as) => as.map((a) => a.dataset.page));
const go = async (id) => { await page.click(`#nav a[data-page="${id}"]`); await ready(id); };
async function login(name, pw) {
  await page.fill('.login-form input[name=name]', name);
  await page.fill('.login-form input[name=password]', pw);
  await page.click('.login-form button[type=submit]');
}
async function logout() {
  await page.click('#logout');
  await ready('login');
}
async function signIn(name, pw) {
  await login(name, pw);
  await ready('home');
}
const same = (a, b) => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());

const ADMIN_PW = 'Console-Admin-Pass-1';
const USER_PW = 'Console-User-Pass-2';
const ORG = '91110108MA01AB2C3D';
// documents of one template with the places its organisation stamped them
const PLACE_CASE = join(process.env.ESEAL_SHARED || '/nonexistent', 'placement/dev/002');
let signedAudit = false;
// a one-page PDF without text or signatures
const BLANK_PDF = 'JVBERi0xLjcKMSAwIG9iago8PCAvVHlwZSAvQ2F0YWxvZyAvUGFnZXMgMiAwIFIgPj4KZW5kb2JqCjIgMCBvYmoKPDwgL1R5cGUgL1BhZ2VzIC9LaWRzIFszIDAgUl0gL0NvdW50IDEgPj4KZW5kb2JqCjMgMCBvYmoKPDwgL1R5cGUgL1BhZ2UgL1BhcmVudCAyIDAgUiAvTWVkaWFCb3ggWzAgMCA1OTUgODQyXSA+PgplbmRvYmoKeHJlZgowIDQKMDAwMDAwMDAwMCA2NTUzNSBmIAowMDAwMDAwMDA5IDAwMDAwIG4gCjAwMDAwMDAwNTggMDAwMDAgbiAKMDAwMDAwMDExNSAwMDAwMCBuIAp0cmFpbGVyCjw8IC9TaXplIDQgL1Jvb3QgMSAwIFIgPj4Kc3RhcnR4cmVmCjE4NgolJUVPRgo=';

try {
  await expect('both languages have the same keys', async () => {
    const keys = (l) => Object.keys(JSON.parse(readFileSync(new URL(`../i18n/${l}.json`, import.meta.url), 'utf8'))).sort();
    const zh = keys('zh'), en = keys('en');
    const diff = [...zh.filter((k) => !en.includes(k)), ...en.filter((k) => !zh.includes(k))];
    return diff.length === 0 || (console.log('  only in one language:', diff), false);
  });
  // pdf.js, vendored by the build when npm could fetch it
  const pdfjs = await fetch(new URL('vendor/pdfjs/pdf.min.mjs', srv.url));
  const havePdfjs = pdfjs.status === 200;
  if (havePdfjs) {
    await expect('vendored pdf.js served as JavaScript', async () => /javascript/.test(pdfjs.headers.get('content-type')));
    await expect('nothing outside the vendor directory', async () =>
      (await fetch(new URL('vendor/package.json', srv.url))).status === 404 &&
      (await fetch(new URL('vendor/pdfjs%2f..%2f..%2findex.html', srv.url))).status === 404);
  } else {
    console.log('pdf.js not vendored in this build (no npm?): PDF previews are blank pages');
  }
  await page.goto(srv.url);
  await expect('login page first', async () => { await ready('login'); });
  await expect('page is Chinese by default', async () => (await page.textContent('h1')) === '登录');
  await expect('signed out: no logout button, only public pages', async () => !(await page.isVisible('#logout')) && same(await navIds(), ['status']));
  await snap('login');

  await login('admin', 'wrong-password');
  await expect('wrong password: problem title and detail shown', async () => {
    await page.waitForSelector('.login-form .alert.error');
    const t = await page.textContent('.login-form .alert.error .problem-title');
    const d = await page.textContent('.login-form .alert.error .problem-detail');
    return t === '登录失败' && /wrong user name or password/.test(d);
  });

  await login('admin', srv.pw);
  await expect('one-time password forces a change', async () => { await ready('password'); return same(await navIds(), ['password']); });
  await snap('password-forced');
  await page.fill('.password-form input[name=old_password]', srv.pw);
  await page.fill('.password-form input[name=new_password]', 'onlylowercaseletters');
  await page.fill('.password-form input[name=confirm]', 'onlylowercaseletters');
  await page.click('.password-form button[type=submit]');
  await expect('weak password refused with the server reason', async () => {
    await page.waitForSelector('.password-form .alert.error');
    return (await page.textContent('.password-form .alert.error .problem-title')) === '密码不符合要求';
  });
  await page.fill('.password-form input[name=new_password]', ADMIN_PW);
  await page.fill('.password-form input[name=confirm]', ADMIN_PW);
  await page.click('.password-form button[type=submit]');
  await expect('password changed: home', async () => { await ready('home'); });
  await expect('system admin menus', async () => {
    const ids = await navIds();
    return same(ids, ['home', 'orgs', 'users', 'api-keys', 'applications', 'seals', 'stats', 'status', 'password']) || (console.log('  nav:', ids), false);
  });
  await snap('home-admin');

  // language switch, remembered across a reload
  await page.click('#lang');
  await expect('English after the switch', async () => {
    await page.waitForFunction(() => document.querySelector('#nav a[data-page="users"]')?.textContent === 'Users');
    await ready('home');
    return (await page.textContent('h1')) === 'Home';
  });
  await page.reload();
  await expect('English remembered after reload', async () => { await ready('home'); return (await page.textContent('#nav a[data-page="users"]')) === 'Users' && (await page.getAttribute('html', 'lang')) === 'en'; });
  await snap('home-en');
  await page.click('#lang');
  await expect('back to Chinese', async () => { await ready('home'); return (await page.textContent('#nav a[data-page="users"]')) === '用户'; });

  // organisation
  await go('orgs');
  await page.fill('.org-form input[name=name]', '北京测试科技有限公司');
  await page.fill('.org-form input[name=credit_code]', ORG);
  await page.fill('.org-form input[name=region_code]', '110108');
  await page.click('.org-form button[type=submit]');
  // the seal routes answer 503 while the instance has no making system
  const orgReply = await page.waitForSelector('.org-form .alert');
  const making = !(await orgReply.textContent()).includes('no making system');
  if (making) {
    await expect('organisation registered and listed', async () => {
      await page.waitForSelector('.org-form .alert.ok');
      return (await page.textContent('main table')).includes(ORG);
    });
  } else {
    console.log('skip organisation and seal lifecycle steps: this eseal serve has no making system');
  }
  await snap('orgs');

  // users, one per role
  await go('users');
  const roles = { biz: 'business_admin', rev: 'reviewer', app: 'applicant', keeper: 'seal_keeper', auditor: 'audit_admin' };
  for (const [name, role] of Object.entries(roles)) {
    await page.fill('.user-form input[name=name]', name);
    await page.fill('.user-form input[name=password]', USER_PW);
    await page.selectOption('.user-form select[name=role]', role);
    await page.fill('.user-form input[name=org]', ORG);
    await page.uncheck('.user-form input[name=must_change_password]');
    await page.click('.user-form button[type=submit]');
    await page.waitForSelector('.user-form .alert.ok');
  }
  await expect('users created and listed', async () => {
    const cells = await page.$$eval('.user-list td[data-key=name]', (tds) => tds.map((td) => td.textContent));
    return Object.keys(roles).every((n) => cells.includes(n));
  });
  await page.fill('.user-form input[name=name]', 'biz');
  await page.fill('.user-form input[name=password]', USER_PW);
  await page.click('.user-form button[type=submit]');
  await expect('duplicate user: conflict shown', async () => {
    await page.waitForSelector('.user-form .alert.error');
    return (await page.textContent('.user-form .alert.error .problem-title')) === '已存在';
  });
  await snap('users');

  // API key: the secret is shown once
  await go('api-keys');
  await page.fill('.apikey-form input[name=name]', 'erp');
  await page.click('.apikey-form button[type=submit]');
  await expect('API key secret shown once (64 hex digits)', async () => {
    await page.waitForSelector('.secret-once');
    return /^[0-9a-f]{64}$/.test(await page.textContent('.key-secret'));
  });
  await snap('api-keys');
  await go('home');
  await expect('secret gone after leaving the page', async () => (await page.$('.key-secret')) === null);
  await logout();

  // role-aware menus
  const menus = {
    biz: ['home', 'users', 'api-keys', 'applications', 'seals', 'stats', 'status', 'password'],
    rev: ['home', 'applications', 'seals', 'stats', 'sign', 'status', 'password'],
    keeper: ['home', 'applications', 'seals', 'stats', 'status', 'password'],
    auditor: ['home', 'status', 'audit', 'password'],
    app: ['home', 'applications', 'seals', 'stats', 'sign', 'status', 'verify', 'password'],
  };
  for (const [name, want] of Object.entries(menus)) {
    await signIn(name, USER_PW);
    await expect(`menus of ${roles[name]}`, async () => {
      const ids = await navIds();
      return same(ids, want) || (console.log('  nav:', ids), false);
    });
    await snap(`home-${name}`);
    if (name !== 'app' || !making) await logout(); // the applicant stays to apply
  }

  let esid = '';
  if (making) {

  // 申领: the applicant applies with a picture drawn from text
  await go('applications');
  await page.fill('.apply-form input[name=name]', '合同专用章');
  await page.selectOption('.apply-form select[name=type]', 'contract');
  await page.fill('.apply-form input[name=p_org]', '北京测试科技有限公司');
  await page.fill('.apply-form input[name=p_title]', '合同专用章');
  await page.fill('.apply-form textarea[name=note]', '签订销售合同');
  await page.click('.apply-form button[type=submit]');
  await expect('application submitted', async () => {
    await page.waitForSelector('.apply-form .alert.ok');
    await page.waitForSelector('.app-list td[data-key=status] .state-submitted');
  });
  await expect('applicant cannot review', async () => (await page.$('.act-approve')) === null);
  await snap('applications-applicant');

  // 验章: the applicant uploads a document and reads the report
  await go('verify');
  const signedOfd = join(process.env.ESEAL_SHARED || '/nonexistent', 'fixtures/ofd/v4signed.ofd');
  if (existsSync(signedOfd)) {
    await page.setInputFiles('.verify-form input[name=file]', signedOfd);
    await page.click('.verify-form button[type=submit]');
    await expect('verify: report of a signed OFD', async () => {
      await page.waitForSelector('.verify-result .verify-overall .indication');
      const rows = await page.$$('.verify-result td[data-key=indication]');
      return rows.length >= 1 && (await page.textContent('.verify-summary')).length > 0;
    });
  }
  await page.setInputFiles('.verify-form input[name=file]', { name: 'blank.pdf', mimeType: 'application/pdf', buffer: Buffer.from(BLANK_PDF, 'base64') });
  await page.click('.verify-form button[type=submit]');
  await expect('verify: a PDF without signatures', async () => {
    await page.waitForSelector('.verify-result .verify-none');
    return /签章数：0/.test(await page.textContent('.verify-summary'));
  });
  await snap('verify');
  await logout();

  // 审核: the reviewer approves
  await signIn('rev', USER_PW);
  await go('applications');
  await page.click('.app-list .act-approve');
  await page.fill('dialog textarea[name=reason]', '材料齐全');
  await snap('review-dialog');
  await page.click('dialog button[type=submit]');
  await expect('application approved', async () => { await page.waitForSelector('.app-list td[data-key=status] .state-approved'); });
  await logout();

  // 制章: the business administrator makes the seal
  await signIn('biz', USER_PW);
  await go('applications');
  await page.click('.app-list .act-make');
  await page.click('dialog button[type=submit]');
  await expect('seal made', async () => {
    await page.waitForSelector('.made .alert.ok', { timeout: 15000 });
    await page.waitForFunction(() => document.querySelector('.app-list td[data-key=seal]')?.textContent.trim());
    esid = (await page.textContent('.app-list td[data-key=seal]')).trim();
    return /^110108\d+$/.test(esid) || (console.log('  esid:', esid), false);
  });
  await snap('applications-made');
  await go('seals');
  await expect('seal listed as valid', async () => (await page.textContent('.seal-list td[data-key=status]')).includes('有效'));
  await snap('seals');
  await logout();

  // 签章: the applicant signs documents of one template (the habit cases of
  // the placement benchmark), dragging the seal with the mouse; where it
  // went becomes history, so the third document's proposal follows it
  if (existsSync(join(PLACE_CASE, 'case.json'))) {
    const kase = JSON.parse(readFileSync(join(PLACE_CASE, 'case.json'), 'utf8'));
    const [h1, h2] = kase.history;
    await signIn('app', USER_PW);
    await go('sign');
    await expect('signing page: the seal to choose shows its picture', async () => {
      await page.waitForFunction(() => {
        const e = document.querySelector('.seal-choice .seal-pic');
        return e && (e.tagName === 'IMG' ? e.complete && e.naturalWidth > 0 : e.width > 0);
      });
      return (await page.$$('.seal-choice')).length === 1;
    });
    await page.click('#lang');
    await expect('signing page in English after the switch', async () => {
      await ready('sign');
      return ((await page.textContent('h1')) === 'Sign' && (await page.textContent('.seal-choices legend')) === 'Choose a seal') ||
        (console.log('  ', await page.textContent('h1')), false);
    });
    await snap('sign-en');
    await page.click('#lang');
    await ready('sign');
    const upload = async (file) => {
      await page.$eval('.sign-form', (f) => { delete f.dataset.ready; });
      await page.setInputFiles('.sign-form input[name=file]', file);
      await page.waitForSelector('.sign-form[data-ready] .seal-drag');
    };
    const sealAt = () => page.$eval('.seal-drag', (e) => ({ page: Number(e.dataset.page), x: Number(e.dataset.x), y: Number(e.dataset.y) }));
    const near = (a, b, mm) => a.page === b.page && Math.hypot(a.x - b.x, a.y - b.y) <= mm;
    // drags the seal with the mouse so that its centre lands on `at` (mm)
    const dragSeal = async (at) => {
      const pg = await page.$(`.doc-page[data-page="${at.page}"]`);
      await pg.evaluate((e) => e.scrollIntoView({ block: 'start' }));
      const b = await pg.boundingBox();
      const w = Number(await pg.getAttribute('data-width-mm')), hmm = Number(await pg.getAttribute('data-height-mm'));
      const s = await (await page.$('.seal-drag')).boundingBox();
      await page.mouse.move(s.x + s.width / 2, s.y + s.height / 2);
      await page.mouse.down();
      await page.mouse.move(b.x + (at.x * b.width) / w, b.y + (at.y * b.height) / hmm, { steps: 12 });
      await page.mouse.up();
    };
    const submitSign = async () => {
      await page.$$eval('.sign-form .sent', (els) => els.forEach((e) => e.remove()));
      await page.click('.sign-form button[type=submit]');
      await page.waitForSelector('.sign-form .sent, .sign-form .msg .alert.error');
      return page.$eval('.sign-form .sent', (e) => ({ id: e.dataset.id, status: e.dataset.status, fb: !!e.querySelector('.feedback-ok') }));
    };

    await upload(join(PLACE_CASE, h1.document));
    if (havePdfjs) {
      await expect('PDF pages drawn by pdf.js', async () =>
        (await page.$('.doc-pages[data-kind=pdf] .doc-page canvas')) !== null && (await page.$('.preview-blank')) === null);
    }
    const before = await sealAt();
    await dragSeal(h1.placements[0]);
    await expect('mouse drag moves the seal where it is dropped', async () => {
      const now = await sealAt();
      return near(now, h1.placements[0], 1) || (console.log('  before', before, 'now', now, 'want', h1.placements[0]), false);
    });
    await page.focus('.seal-drag');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Shift+ArrowDown');
    const moved = await sealAt();
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Shift+ArrowUp');
    await expect('arrow keys move the focused seal (1 mm, Shift 10 mm)', async () => {
      const back = await sealAt();
      return (Math.abs(moved.x - h1.placements[0].x - 1) < 1.1 && Math.abs(moved.y - h1.placements[0].y - 10) < 1.1 && near(back, h1.placements[0], 1)) ||
        (console.log('  moved', moved, 'back', back), false);
    });
    await snap('sign-dragged');
    const req1 = await submitSign();
    await expect('sign request pending approval, placement saved as history', async () => req1.status === 'pending' && req1.fb);
    await snap('sign-sent');

    await upload(join(PLACE_CASE, h2.document));
    await dragSeal(h2.placements[0]);
    const req2 = await submitSign();
    await expect('second document of the template sent', async () => req2.status === 'pending' && req2.fb);

    await upload(join(PLACE_CASE, 'doc.pdf'));
    await expect('a moved proposal is recorded as history and changes the next proposal for the same template', async () => {
      const at = await sealAt(), want = kase.expected.placements[0];
      const said = await page.textContent('.place-answer');
      return (near(at, want, 3) && /历史/.test(said)) || (console.log('  proposal', at, 'want', want, said), false);
    });
    await snap('sign-learned');

    // an OFD, with the keyboard only: Tab to the seal, arrows, Enter to send
    const ofd = join(process.env.ESEAL_SHARED, 'fixtures/ofd/keyword2-unsigned-2pages.ofd');
    let req3 = null;
    if (existsSync(ofd)) {
      await upload(ofd);
      const render = !!(await (await fetch(new URL('api/v1/openapi.json', srv.url))).json()).paths['/api/v1/render'];
      await expect(render ? 'OFD pages drawn by POST /api/v1/render' : 'OFD shown as a blank page (no render route)', async () => {
        const imgs = await page.$$eval('.doc-pages[data-kind=ofd] .doc-page img.doc-img', (is) => is.filter((i) => i.complete && i.naturalWidth > 0).length);
        const pages = (await page.$$('.doc-pages[data-kind=ofd] .doc-page')).length;
        return (render ? imgs === 2 && pages === 2 : pages >= 1) || (console.log('  pages', pages, 'images', imgs), false);
      });
      await page.check('.sign-form input[name=mode][value=perforation]');
      await expect('cross-page seal shown as one slice on the edge of each page', async () =>
        (await page.$$('.doc-page .perf-mark')).length === 2 && !(await page.isVisible('.seal-drag')));
      await snap('sign-perforation');
      await page.check('.sign-form input[name=mode][value=at]');
      const start = await sealAt();
      await page.focus('.sign-form input[name=mode][value=at]');
      await page.keyboard.press('Tab');
      await expect('Tab reaches the movable seal', async () => page.$eval('.seal-drag', (e) => e === document.activeElement));
      for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Shift+ArrowLeft');
      const end = await sealAt();
      await expect('keyboard moved the seal 10 mm left and 5 mm down', async () =>
        (Math.abs(start.x - 10 - end.x) < 0.2 && Math.abs(start.y + 5 - end.y) < 0.2) || (console.log('  ', start, end), false));
      await snap('sign-ofd');
      await page.focus('.sign-form button[type=submit]');
      await page.$$eval('.sign-form .sent', (els) => els.forEach((e) => e.remove()));
      await page.keyboard.press('Enter');
      await page.waitForSelector('.sign-form .sent, .sign-form .msg .alert.error');
      req3 = await page.$eval('.sign-form .sent', (e) => ({ id: e.dataset.id, status: e.dataset.status }));
      await expect('OFD sign request sent from the keyboard', async () => req3.status === 'pending');
    }
    await page.check('.sign-form input[name=mode][value=keyword]');
    await expect('keyword and cross-page options', async () => (await page.isVisible('.sign-form input[name=keyword]')) &&
      !(await page.isVisible('.seal-drag')) && (await page.check('.sign-form input[name=mode][value=perforation]'), await page.isVisible('.sign-form select[name=side]')));
    await logout();

    // the reviewer approves the first request and rejects the second
    await signIn('rev', USER_PW);
    await go('sign');
    await expect('reviewer: the requests in the approval queue, no signing form', async () =>
      (await page.$$('.sign-queue tbody tr')).length === (req3 ? 3 : 2) && (await page.$('.sign-form')) === null);
    await snap('sign-queue');
    await page.click(`.sign-queue tr:has(td[data-key=id]:text-is("${req1.id}")) .act-view`);
    await expect('reviewer sees the request with its document digest', async () => {
      await page.waitForSelector('dialog[open] td[data-key=sm3] code');
      return /^[0-9a-f]{64}$/.test(await page.textContent('dialog[open] td[data-key=sm3] code'));
    });
    await expect('reviewer reads the original document before approving', async () => {
      const href = await page.getAttribute('dialog[open] a.act-original', 'href');
      const size = Number(await page.textContent('dialog[open] td[data-key=size]'));
      const got = await page.evaluate(async (u) => {
        const r = await fetch(u);
        return r.ok ? (await r.arrayBuffer()).byteLength : -r.status;
      }, href);
      return /original=1/.test(href) && got > 0 && (!size || got === size);
    });
    await page.click('dialog[open] button.cancel');
    const row = (id) => `.sign-queue tr:has(td[data-key=id]:text-is("${id}"))`;
    await page.click(`${row(req1.id)} .act-approve`);
    await page.fill('dialog textarea[name=reason]', '用途属实');
    await page.click('dialog button[type=submit]');
    await page.waitForSelector(`.sign-list tr:has(td[data-key=id]:text-is("${req1.id}")) .state-signed`);
    await page.click(`${row(req2.id)} .act-reject`);
    await page.fill('dialog textarea[name=reason]', '材料不全');
    await page.click('dialog button[type=submit]');
    await page.waitForSelector(`.sign-list tr:has(td[data-key=id]:text-is("${req2.id}")) .state-rejected`);
    if (req3) {
      await page.click(`${row(req3.id)} .act-approve`);
      await page.click('dialog button[type=submit]');
      await expect('OFD request approved: signed', async () => {
        await page.waitForSelector(`.sign-list tr:has(td[data-key=id]:text-is("${req3.id}")) .state-signed`);
      });
    }
    await expect('reviewer approved (signed) and rejected', async () => (await page.$$('.sign-queue tbody tr')).length === 0);
    await snap('sign-reviewed');
    await logout();

    // the applicant downloads the signed document and verifies it
    await signIn('app', USER_PW);
    await go('sign');
    const signedPdf = join(T, 'signed.pdf');
    await expect('signed document downloaded', async () => {
      const [dl] = await Promise.all([page.waitForEvent('download'),
        page.click(`.sign-list tr:has(td[data-key=id]:text-is("${req1.id}")) .act-download`)]);
      await dl.saveAs(signedPdf);
      return readFileSync(signedPdf).subarray(0, 5).toString() === '%PDF-';
    });
    await go('verify');
    await page.setInputFiles('.verify-form input[name=file]', signedPdf);
    await page.click('.verify-form button[type=submit]');
    await expect('verify: the signed document passes (green)', async () => {
      await page.waitForSelector('.verify-result .verify-overall .indication');
      const cls = await page.getAttribute('.verify-result .verify-overall .indication', 'class');
      const color = await page.$eval('.verify-result .verify-overall .indication', (e) => getComputedStyle(e).color);
      return (/TOTAL-PASSED/.test(cls) && color === 'rgb(30, 123, 52)') || (console.log('  ', cls, color), false);
    });
    await expect('the seal was stamped where it was dragged (verify report, within 1 mm)', async () => {
      const m = (await page.textContent('.verify-summary')).match(/x=([\d.]+)mm y=([\d.]+)mm ([\d.]+)x([\d.]+)mm/);
      const want = h1.placements[0];
      return (m && Math.hypot(Number(m[1]) + Number(m[3]) / 2 - want.x, Number(m[2]) + Number(m[4]) / 2 - want.y) <= 1) ||
        (console.log('  widget', m && m[0], 'want centre', want), false);
    });
    await snap('verify-signed');
    await logout();
    signedAudit = true;
  } else {
    console.log('skip signing steps: no placement cases under ESEAL_SHARED');
  }

  // 挂失: the seal keeper reports the seal lost
  await signIn('keeper', USER_PW);
  await go('seals');
  await page.click('.seal-list .act-loss');
  await page.fill('dialog textarea[name=reason]', '印章介质遗失');
  await page.click('dialog button[type=submit]');
  await expect('seal reported lost', async () => {
    await page.waitForSelector('.seal-list .state-lost');
    return (await page.$('.seal-list .act-lift')) !== null;
  });
  await snap('seals-lost');
  await logout();

  // 审计: the audit admin reads the whole log, filters it and exports CSV
  await signIn('auditor', USER_PW);
  await go('audit');
  await expect('audit log listed with the tree head', async () => {
    const actions = await page.$$eval('.audit-list td[data-key=action]', (tds) => tds.map((td) => td.textContent));
    const size = await page.textContent('.audit-head dd[data-key=tree_size]');
    return (actions.includes('seal.apply') && actions.includes('seal.report_loss') && Number(size) === actions.length &&
      /^[0-9a-f]{64}$/.test(await page.textContent('.audit-head dd[data-key=root_hash]'))) || (console.log('  actions:', actions, size), false);
  });
  if (signedAudit) {
    await expect('auditor sees every signing step in the audit log', async () => {
      const actions = await page.$$eval('.audit-list td[data-key=action]', (tds) => tds.map((td) => td.textContent));
      const want = ['sign.request', 'sign.document', 'sign.reject', 'place.feedback'];
      return want.every((a) => actions.includes(a)) || (console.log('  actions:', [...new Set(actions)]), false);
    });
  }
  await page.fill('.audit-form input[name=action]', 'seal.apply');
  await page.click('.audit-form button[type=submit]');
  await expect('audit filtered by action', async () => {
    await page.waitForFunction(() => {
      const tds = [...document.querySelectorAll('.audit-list td[data-key=action]')];
      return tds.length > 0 && tds.every((td) => td.textContent === 'seal.apply');
    });
    return (await page.textContent('.audit-list td[data-key=actor]')) === 'app';
  });
  await snap('audit');
  await expect('audit CSV downloaded with the filter', async () => {
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('.act-csv')]);
    const csv = (await import('node:fs')).readFileSync(await dl.path(), 'utf8').trim().split(/\r?\n/);
    return (dl.suggestedFilename() === 'audit.csv' && /^seq,/.test(csv[0]) && csv.length === 2 && csv[1].includes('seal.apply')) ||
      (console.log('  csv:', csv), false);
  });
  await expect('auditor has no signing or changing controls', async () => {
    await page.evaluate(() => { location.hash = '#/sign'; });
    await ready('home');
    const buttons = await page.$$('.sign-form, .act-approve, .act-reject, .act-loss, .act-make, .act-cancel');
    return buttons.length === 0 && !(await navIds()).includes('sign');
  });
  await logout();
  }

  // 验章 help: status lookup without signing in
  await page.click('.aside a[href="#/status"]');
  await ready('status');
  await page.fill('.status-form input[name=esid]', 'NOSUCHSEAL1');
  await page.click('.status-form button[type=submit]');
  await expect('unknown seal: status unknown', async () => {
    await page.waitForSelector('.status-result .state');
    return (await page.textContent('.status-result .state')) === '未知';
  });
  await page.fill('.status-form input[name=esid]', 'bad-code!');
  await page.click('.status-form button[type=submit]');
  await expect('malformed seal code: browser refuses it', async () =>
    page.$eval('.status-form input[name=esid]', (el) => !el.validity.valid));
  await snap('status-unknown');
  if (making) {
    await page.fill('.status-form input[name=esid]', esid || 'X');
    await page.click('.status-form button[type=submit]');
    await expect('status of the made seal: lost', async () => {
      await page.waitForFunction(() => document.querySelector('.status-result .state')?.textContent !== '未知');
      return (await page.textContent('.status-result .state')) === '已挂失';
    });
    await snap('status');
  }

  await expect('no script errors in the page', async () => consoleErrors.length === 0 || (console.log(' ', consoleErrors), false));
} catch (e) {
  bad('unexpected failure', String(e.stack || e));
  await snap('failure').catch(() => {});
} finally {
  await browser.close().catch(() => {});
  srv.proc.kill('SIGTERM');
}

console.log(`screenshots: ${T}`);
if (!fail && !process.env.ESEAL_KEEP) rmSync(T, { recursive: true, force: true });
console.log(`${pass} passed, ${fail} failed`);
process.exit(fail ? 1 : 0);
