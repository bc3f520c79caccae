// extras.spec.mjs - drives the console's application materials, the seal
// picture imported from a scan, the seal list's pictures, the statistics
// dashboard and the phone-sized layout in a real browser (the system's
// Chromium through playwright-core) against a fresh `eseal serve`: an
// applicant applies with two materials and a scanned seal, the reviewer
// sees the materials with their SM3 digests (checked against digests
// computed here) and the picture, the business administrator makes the
// seal, the seal list shows its picture, a signing is counted, and the
// dashboard shows one valid seal and its charts; then login, seal list and
// dashboard at 390×844. Screenshots go to the test's temporary directory.
// Usage: ESEAL_BIN=path/to/eseal node extras.spec.mjs
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { preflight, runner, startServer, launch, consoleSteps } from './lib.mjs';

preflight();
const R = runner('eseal-web-extras-');
const { expect } = R;

const ADMIN_PW = 'Extras-Admin-Pass-1';
const USER_PW = 'Extras-User-Pass-2';
const ORG = '91110108MA01AB2C3D';
const ORG_NAME = '北京印模测试有限公司';
const sm3 = (buf) => createHash('sm3').update(buf).digest('hex');
// a one-page PDF without text (营业执照 stands in) and a small PNG (授权书)
const LICENCE = Buffer.from('JVBERi0xLjcKMSAwIG9iago8PCAvVHlwZSAvQ2F0YWxvZyAvUGFnZXMgMiAwIFIgPj4KZW5kb2JqCjIgMCBvYmoKPDwgL1R5cGUgL1BhZ2VzIC9LaWRzIFszIDAgUl0gL0NvdW50IDEgPj4KZW5kb2JqCjMgMCBvYmoKPDwgL1R5cGUgL1BhZ2UgL1BhcmVudCAyIDAgUiAvTWVkaWFCb3ggWzAgMCA1OTUgODQyXSA+PgplbmRvYmoKeHJlZgowIDQKMDAwMDAwMDAwMCA2NTUzNSBmIAowMDAwMDAwMDA5IDAwMDAwIG4gCjAwMDAwMDAwNTggMDAwMDAgbiAKMDAwMDAwMDExNSAwMDAwMCBuIAp0cmFpbGVyCjw8IC9TaXplIDQgL1Jvb3QgMSAwIFIgPj4Kc3RhcnR4cmVmCjE4NgolJUVPRgo=', 'base64');
const MATERIALS = [{ name: '营业执照.pdf', mimeType: 'application/pdf', buffer: LICENCE }];

// A scan of a stamped sheet, drawn in the browser: tinted paper, black
// print, and a red round seal over part of it.
async function makeScan(page) {
  const b64 = await page.evaluate(() => {
    const c = document.createElement('canvas');
    c.width = 640; c.height = 520;
    const g = c.getContext('2d');
    g.fillStyle = '#f4f1e8'; g.fillRect(0, 0, c.width, c.height);
    g.fillStyle = '#222'; g.font = '22px sans-serif';
    for (let i = 0; i < 12; i++) g.fillText('兹授权本单位经办人办理电子印章申领事宜。', 30, 50 + i * 38);
    g.strokeStyle = 'rgb(214, 28, 36)'; g.fillStyle = 'rgb(214, 28, 36)'; g.lineWidth = 9;
    g.beginPath(); g.arc(400, 300, 150, 0, Math.PI * 2); g.stroke();
    g.beginPath();
    for (let i = 0; i < 10; i++) {
      const a = -Math.PI / 2 + (i * Math.PI) / 5, r = i % 2 ? 22 : 56;
      g.lineTo(400 + Math.cos(a) * r, 300 + Math.sin(a) * r);
    }
    g.closePath(); g.fill();
    g.font = 'bold 30px sans-serif'; g.textAlign = 'center';
    g.fillText('合同专用章', 400, 400);
    return [c.toDataURL('image/png'), c.toDataURL('image/jpeg', 0.9)].map((u) => u.split(',')[1]);
  });
  return { png: Buffer.from(b64[0], 'base64'), jpeg: Buffer.from(b64[1], 'base64') };
}

// Pixels of a canvas or loaded image with some opacity (ink).
const inkOf = (page, sel) => page.$eval(sel, (el) => {
  const c = document.createElement('canvas');
  c.width = el.naturalWidth || el.width; c.height = el.naturalHeight || el.height;
  if (!c.width || !c.height) return 0;
  const g = c.getContext('2d');
  g.drawImage(el, 0, 0);
  const d = g.getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 3; i < d.length; i += 4) if (d[i] > 128) n++;
  return n;
});

const srv = await startServer(R.T);
const browser = await launch();
const errors = [];

async function newPage(viewport) {
  const context = await browser.newContext({ locale: 'zh-CN', viewport, acceptDownloads: true });
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  page.setDefaultTimeout(15000);
  return { context, page, s: consoleSteps(page) };
}

// One signed-in browser per user, kept for the whole run: signing in is
// slow on purpose (scrypt), so nobody signs in twice.
const people = {};
async function as(name) {
  if (!people[name]) {
    const p = await newPage({ width: 1280, height: 800 });
    await p.page.goto(srv.url);
    await p.s.ready('login');
    await p.s.signIn(name, USER_PW);
    people[name] = p;
  }
  return people[name];
}

try {
  let { page, s } = await newPage({ width: 1280, height: 800 });
  await page.goto(srv.url);
  await s.ready('login');
  // the administrator's first sign-in changes the one-time password
  await s.login('admin', srv.pw);
  await s.ready('password');
  await page.fill('.password-form input[name=old_password]', srv.pw);
  await page.fill('.password-form input[name=new_password]', ADMIN_PW);
  await page.fill('.password-form input[name=confirm]', ADMIN_PW);
  await page.click('.password-form button[type=submit]');
  await s.ready('home');
  await expect('system admin has the dashboard in the menu', async () => (await s.navIds()).includes('stats'));
  await s.api('POST', '/orgs', { name: ORG_NAME, credit_code: ORG, region_code: '110108' });
  for (const [name, role] of [['app', 'applicant'], ['rev', 'reviewer'], ['biz', 'business_admin'], ['keeper', 'seal_keeper']])
    await s.api('POST', '/users', { name, password: USER_PW, role, org: ORG, must_change_password: false });
  await s.go('stats');
  await expect('system admin: dashboard of every organisation, or of one', async () => {
    const all = await page.textContent('.stats-scope');
    await page.selectOption('.stats select[name=org]', ORG);
    await page.waitForFunction((org) => document.querySelector('.stats-scope')?.textContent.includes(org), ORG);
    return all.includes('全部单位') || (console.log('  scope', all), false);
  });
  await page.context().close();

  // 申领 with two materials and a picture imported from a scan
  ({ page, s } = await as('app'));
  await s.go('applications');
  const scan = await makeScan(page);
  MATERIALS.push({ name: '授权书.png', mimeType: 'image/png', buffer: scan.png });
  await page.fill('.apply-form input[name=name]', '合同专用章');
  await page.selectOption('.apply-form select[name=type]', 'contract');
  await page.fill('.apply-form input[name=p_org]', ORG_NAME);
  // a photographed stamp arrives as JPEG
  await page.setInputFiles('.apply-form input[name=scan_file]', { name: 'scan.jpg', mimeType: 'image/jpeg', buffer: scan.jpeg });
  await expect('scan: live preview of the red ink, then the server import', async () => {
    await page.waitForSelector('.scan-preview[data-state="imported"]');
    const ink = await inkOf(page, '.scan-preview');
    const src = await page.inputValue('.apply-form select[name=p_source]');
    return (ink > 2000 && src === 'scan') || (console.log('  ink', ink, src), false);
  });
  await expect('scan: drawn preview still shown next to it', async () => (await inkOf(page, '.picture-draw canvas')) > 500);
  await page.setInputFiles('.apply-form input[name=materials_files]', MATERIALS);
  await expect('materials listed before sending', async () =>
    (await page.$$eval('.material-list li', (li) => li.length)) === 2);
  await R.snap(page, 'apply-scan');
  await page.click('.apply-form button[type=submit]');
  await expect('application with materials and scanned picture submitted', async () => {
    await page.waitForSelector('.apply-form .alert.ok');
    await page.waitForSelector('.app-list td[data-key=status] .state-submitted');
  });
  // a material too large is refused in the browser with the reason
  await page.setInputFiles('.apply-form input[name=materials_files]', [{ name: 'big.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(600 << 10, 1) }]);
  await page.click('.apply-form button[type=submit]');
  await expect('oversized material refused before sending', async () => {
    await page.waitForSelector('.apply-form .alert.error');
    return /big\.pdf/.test(await page.textContent('.apply-form .alert.error'));
  });
  await expect('still one application', async () => (await page.$$('.app-list tbody tr')).length === 1);

  // 审核: the reviewer sees the materials with their SM3 digests and the picture
  ({ page, s } = await as('rev'));
  await s.go('applications');
  await page.click('.app-list .act-view');
  await page.waitForSelector('dialog .materials');
  await expect('review: both materials with their SM3 digests', async () => {
    const rows = await page.$$eval('dialog .materials tbody tr', (trs) => trs.map((tr) => ({
      name: tr.querySelector('[data-key=name]').textContent, sm3: tr.querySelector('[data-key=sm3]').textContent })));
    const want = MATERIALS.map((m) => ({ name: m.name, sm3: sm3(m.buffer) }));
    return (rows.length === 2 && want.every((w) => rows.some((r) => r.name === w.name && r.sm3 === w.sm3))) || (console.log('  rows', rows), false);
  });
  await expect('review: the imported picture is shown', async () => {
    await page.waitForFunction(() => document.querySelector('dialog img.app-picture')?.complete);
    return (await inkOf(page, 'dialog img.app-picture')) > 1000;
  });
  await expect('review: a material downloads with the same bytes', async () => {
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('dialog .act-material >> nth=0')]);
    const got = readFileSync(await dl.path());
    return MATERIALS.some((m) => m.buffer.equals(got)) || (console.log('  got', got.length, 'bytes'), false);
  });
  await R.snap(page, 'review-materials');
  await page.click('dialog button.cancel');
  await page.click('.app-list .act-approve');
  await page.fill('dialog textarea[name=reason]', '材料齐全');
  await page.click('dialog button[type=submit]');
  await page.waitForSelector('.app-list td[data-key=status] .state-approved');

  // 制章, then the seal list with its picture
  ({ page, s } = await as('biz'));
  await s.go('applications');
  await page.click('.app-list .act-make');
  await page.click('dialog button[type=submit]');
  await page.waitForSelector('.made .alert.ok', { timeout: 15000 });
  await s.go('seals');
  let esid = '';
  await expect('seal list shows the seal picture', async () => {
    await page.waitForFunction(() => { const i = document.querySelector('.seal-list img.seal-thumb'); return i && i.complete && i.naturalWidth > 0; });
    esid = (await page.textContent('.seal-list td[data-key=esid]')).trim();
    return (await inkOf(page, '.seal-list img.seal-thumb')) > 1000;
  });
  await R.snap(page, 'seals-pictures');

  // one signing: the keeper lets the seal sign without review, the applicant signs a digest
  await (await as('keeper')).s.api('POST', `/seals/${esid}/sign-policy`, { auto_approve: true });
  let signed = true;
  try {
    await (await as('app')).s.api('POST', '/sign-hash', { esid, sm3: sm3(Buffer.from('合同')) });
  } catch (e) {
    signed = false;
    console.log(`  sign-hash: ${String(e.message).slice(0, 200)}`);
  }

  // 统计 as the business administrator
  ({ page, s } = await as('biz'));
  await s.go('stats');
  await expect('dashboard: one valid seal', async () =>
    (await page.textContent('.tile[data-key=valid] .tile-num')) === '1' &&
    (await page.textContent('.chart-seals .chart-table tr[data-key=valid] td')) === '1');
  await expect('dashboard: seal and application bar charts', async () => {
    const h = await page.$eval('.chart-seals rect[data-key=valid]', (r) => Number(r.getAttribute('height')));
    const hl = await page.$eval('.chart-seals rect[data-key=lost]', (r) => Number(r.getAttribute('height')));
    const made = await page.textContent('.chart-apps .chart-table tr[data-key=made] td');
    return (h > 50 && hl === 0 && made === '1') || (console.log('  bars', h, hl, made), false);
  });
  await expect('dashboard: signings per day over 30 days', async () => {
    const n = await page.$$eval('.chart-days .chart-table tbody tr', (trs) => trs.length);
    const pts = (await page.getAttribute('.chart-days polyline', 'points')).split(' ').length;
    const last = await page.textContent('.chart-days .chart-table tbody tr:last-child td');
    return (n === 30 && pts === 30 && last === (signed ? '1' : '0')) || (console.log('  days', n, pts, last), false);
  });
  await expect('dashboard: signings per organisation', async () =>
    !signed || ((await page.textContent('.org-table td[data-key=org]')) === ORG && (await page.textContent('.org-table td[data-key=count]')) === '1'));
  await expect('dashboard: charts have accessible titles', async () =>
    page.$$eval('svg.chart', (svgs) => svgs.length === 3 && svgs.every((g) => g.getAttribute('role') === 'img' && document.getElementById(g.getAttribute('aria-labelledby'))?.textContent)));
  await R.snap(page, 'dashboard');
  await page.click('#lang');
  await expect('dashboard in English', async () => {
    await page.waitForFunction(() => document.querySelector('main h1')?.textContent === 'Statistics');
    await s.ready('stats');
    return (await page.textContent('.chart-seals figcaption')) === 'Seals by state';
  });
  await R.snap(page, 'dashboard-en');
  await page.click('#lang');
  await s.ready('stats');
  await expect('seal keeper has the dashboard too', async () => (await (await as('keeper')).s.navIds()).includes('stats'));

  // a phone: 390×844; the login page in a fresh browser, the rest as the
  // business administrator on a narrowed window
  const phone = await newPage({ width: 390, height: 844 });
  const fitsOn = (pg) => pg.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
  await phone.page.goto(srv.url);
  await phone.s.ready('login');
  await expect('phone: login page fits the width', () => fitsOn(phone.page));
  await R.snap(phone.page, 'phone-login');
  await phone.context.close();
  const p = page, ps = s;
  const fits = () => fitsOn(p);
  await p.setViewportSize({ width: 390, height: 844 });
  await p.goto(`${srv.url}#/home`);
  await ps.ready('home');
  await expect('phone: menu folded behind its toggle', async () =>
    (await p.isVisible('#menu-toggle')) && !(await p.isVisible('#nav a[data-page="seals"]')));
  await p.click('#menu-toggle');
  await expect('phone: toggle opens the menu', async () =>
    (await p.isVisible('#nav a[data-page="seals"]')) && (await p.getAttribute('#menu-toggle', 'aria-expanded')) === 'true');
  await R.snap(p, 'phone-menu');
  await p.click('#nav a[data-page="seals"]');
  await ps.ready('seals');
  await expect('phone: menu folds again after choosing a page', async () => !(await p.isVisible('#nav a[data-page="stats"]')));
  await expect('phone: seal list fits, its table scrolls inside', async () => {
    await p.waitForFunction(() => document.querySelector('.seal-list img.seal-thumb')?.complete);
    return (await fits()) && (await p.$eval('.seal-list .table-wrap', (w) => w.scrollWidth >= w.clientWidth));
  });
  await R.snap(p, 'phone-seals');
  await ps.go('stats');
  await expect('phone: dashboard fits with its charts', async () => {
    const w = await p.$eval('.chart-days svg', (g) => g.getBoundingClientRect().width);
    return (await fits()) && w > 300 && w <= 390;
  });
  await R.snap(p, 'phone-dashboard');
  await ps.go('applications');
  await expect('phone: applications fit, filter full width', async () => {
    const w = await p.$eval('.page select[name=status]', (i) => i.getBoundingClientRect().width);
    return (await fits()) && w > 300;
  });
  await R.snap(p, 'phone-applications');
  const a = await as('app');
  await a.page.setViewportSize({ width: 390, height: 844 });
  await a.s.go('applications');
  await expect('phone: application form full width, menu folded again', async () => {
    const w = await a.page.$eval('.apply-form input[name=name]', (i) => i.getBoundingClientRect().width);
    return (await fitsOn(a.page)) && w > 300 && !(await a.page.isVisible('#nav a[data-page="stats"]'));
  });
  await R.snap(a.page, 'phone-apply');
  await expect('no script errors in the pages', async () => errors.length === 0 || (console.log(' ', errors), false));
} catch (e) {
  R.bad('unexpected failure', String(e.stack || e));
} finally {
  await browser.close().catch(() => {});
  // (every context goes with the browser)
  srv.proc.kill('SIGTERM');
}
R.finish();
