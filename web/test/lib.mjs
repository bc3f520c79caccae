// lib.mjs - what the browser specs share: a fresh `eseal serve` on a free
// port (the one-time admin password read from its output), the system's
// Chromium through playwright-core, pass/fail counting, screenshots into a
// temporary directory, and the console's sign-in steps. Never downloads a
// browser and never leaves the server running.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const BIN = process.env.ESEAL_BIN;
export const CHROME = process.env.CHROMIUM || '/usr/bin/chromium';

// Exits 2 without ESEAL_BIN and 77 (skip) without Chromium.
export function preflight() {
  if (!BIN) { console.error('ESEAL_BIN not set'); process.exit(2); }
  if (!existsSync(CHROME)) { console.log(`${CHROME} not installed; skipping`); process.exit(77); }
}

// Counting results: expect(name, fn) passes unless fn throws or returns false.
export function runner(prefix) {
  const T = mkdtempSync(join(tmpdir(), prefix));
  const st = { T, pass: 0, fail: 0, shot: 0 };
  const t0 = Date.now();
  st.ok = (name) => { st.pass++; console.log(`ok   ${name}${process.env.ESEAL_TIMING ? ` (${((Date.now() - t0) / 1000).toFixed(1)} s)` : ''}`); };
  st.bad = (name, why) => { st.fail++; console.log(`FAIL ${name}${why ? `: ${why}` : ''}`); };
  st.expect = async (name, fn) => {
    try {
      const r = await fn();
      if (r === false) st.bad(name); else st.ok(name);
    } catch (e) {
      st.bad(name, String(e.message || e).split('\n')[0]);
    }
  };
  st.snap = async (page, name) => {
    st.shot++;
    const path = join(T, `${String(st.shot).padStart(2, '0')}-${name}.png`);
    await page.screenshot({ path, fullPage: true });
    return path;
  };
  // Prints the summary line and exits; screenshots stay when a step failed
  // or ESEAL_KEEP is set.
  st.finish = () => {
    console.log(`screenshots: ${T}`);
    if (!st.fail && !process.env.ESEAL_KEEP) rmSync(T, { recursive: true, force: true });
    console.log(`${st.pass} passed, ${st.fail} failed`);
    process.exit(st.fail ? 1 : 0);
  };
  return st;
}

export function startServer(dir) {
  return new Promise((resolve, reject) => {
    const args = ['serve', '--data', join(dir, 'data'), '--listen', '127.0.0.1:0', '--threads', '2'];
    if (process.env.ESEAL_WEB_STATIC) args.push('--static', process.env.ESEAL_WEB_STATIC);
    const p = spawn(BIN, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LANGUAGE: 'C', LC_ALL: 'C' } });
    let out = '', err = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out} ${err}`)), 15000);
    p.stdout.on('data', (d) => {
      out += d;
      const url = out.match(/^listening on (http:\/\/\S+)$/m);
      const pw = out.match(/one-time password.*: ([A-Za-z0-9]+)$/m);
      if (url && pw) { clearTimeout(timer); resolve({ proc: p, url: url[1], pw: pw[1] }); }
    });
    p.stderr.on('data', (d) => { err += d; });
    p.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}: ${err}`)); });
  });
}

export function launch() {
  return chromium.launch({ executablePath: CHROME, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}

// The console's steps on a page: ready(id), go(id), signIn, logout ...
export function consoleSteps(page) {
  const ready = (id) => page.waitForSelector(`main[data-ready="${id}"]`);
  const s = {
    ready,
    navIds: () => page.$$eval('#nav a', (as) => as.map((a) => a.dataset.page)),
    go: async (id) => {
      // on a phone the menu is folded behind its toggle
      if (!(await page.isVisible(`#nav a[data-page="${id}"]`)) && (await page.isVisible('#menu-toggle'))) await page.click('#menu-toggle');
      await page.click(`#nav a[data-page="${id}"]`);
      await ready(id);
    },
    login: async (name, pw) => {
      await page.fill('.login-form input[name=name]', name);
      await page.fill('.login-form input[name=password]', pw);
      await page.click('.login-form button[type=submit]');
    },
    signIn: async (name, pw) => { await s.login(name, pw); await ready('home'); },
    logout: async () => { await page.click('#logout'); await ready('login'); },
    // A JSON API call with the page's session (and CSRF token).
    api: (method, path, body) => page.evaluate(async ([m, p, b]) => {
      const headers = { Accept: 'application/json', 'X-Requested-With': 'XMLHttpRequest' };
      const csrf = sessionStorage.getItem('eseal.csrf');
      if (csrf) headers['X-CSRF-Token'] = csrf;
      if (b !== null) headers['Content-Type'] = 'application/json';
      const res = await fetch(`api/v1${p}`, { method: m, headers, body: b === null ? undefined : JSON.stringify(b) });
      const text = await res.text();
      if (!res.ok) throw new Error(`${m} ${p}: ${res.status} ${text}`);
      return text ? JSON.parse(text) : null;
    }, [method, path, body === undefined ? null : body]),
  };
  return s;
}
