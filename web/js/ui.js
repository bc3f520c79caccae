// ui.js - pieces every page uses: the error box for problem+json answers,
// notices, tables, and forms built from the request schema the server
// publishes in its OpenAPI document. Never show a secret twice: pages that
// get one render it once and drop it.
import { h, field, fmtTime } from './dom.js';
import { t, has } from './i18n.js';
import { route } from './api.js';

// An error from the API (ApiError) or any other failure, as an alert.
export function errorBox(err) {
  const type = err && err.type;
  const title = type && has(`problem.${type}`) ? t(`problem.${type}`) : (err.title || t('error.generic'));
  return h('div', { class: 'alert error', role: 'alert' },
    h('strong', { class: 'problem-title' }, title),
    err.detail ? h('span', { class: 'problem-detail' }, err.detail) : (!err.title && err.message ? h('span', { class: 'problem-detail' }, err.message) : null),
    err.requestId ? h('small', { class: 'request-id' }, `${t('error.request_id')}: ${err.requestId}`) : null);
}

export function notice(text, kind = 'ok') {
  return h('div', { class: `alert ${kind}`, role: 'status' }, text);
}

// Replaces the contents of a message area.
export function show(area, ...nodes) {
  area.replaceChildren(...nodes.filter(Boolean));
}

// Table of rows; columns: [{key, label, fmt?}]; actions(row) -> nodes.
export function table(columns, rows, actions, caption) {
  if (!rows.length) return h('p', { class: 'empty' }, t('common.empty'));
  return h('div', { class: 'table-wrap' }, h('table', {},
    caption ? h('caption', {}, caption) : null,
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c.label)),
      actions ? h('th', { scope: 'col' }, t('common.actions')) : null)),
    h('tbody', {}, rows.map((r) => h('tr', {},
      columns.map((c) => h('td', { 'data-key': c.key }, c.fmt ? c.fmt(r[c.key], r) : cell(r[c.key]))),
      actions ? h('td', { class: 'actions' }, actions(r)) : null)))));
}

function cell(v) {
  if (v === true) return t('common.yes');
  if (v === false) return t('common.no');
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export const timeCol = (v) => fmtTime(v);

// Key/value list of an object (status answers, one record).
export function details(obj) {
  return h('dl', { class: 'details' }, Object.entries(obj).map(([k, v]) => [
    h('dt', {}, has(`field.${k}`) ? t(`field.${k}`) : k),
    h('dd', { 'data-key': k }, value(k, v)),
  ]));
}

function value(k, v) {
  if (/(^|_)(time|at|start|end|from|to|created|expires|updated)$/.test(k) && /^\d{9,11}$/.test(String(v))) return fmtTime(Number(v));
  if ((k === 'status' || k === 'state') && has(`state.${v}`)) return t(`state.${v}`);
  return cell(v);
}

// Form fields for the request body of METHOD path, from the OpenAPI schema.
// over[name] may replace a field (an element) or give input attributes.
export function schemaFields(method, path, over = {}) {
  const r = route(method, path);
  const schema = r?.op?.requestBody?.content?.['application/json']?.schema;
  if (!schema) return [];
  const req = new Set(schema.required || []);
  const out = [];
  for (const [name, p] of Object.entries(schema.properties || {})) {
    const o = over[name];
    if (o === null) continue;
    if (o instanceof Node) { out.push(o); continue; }
    const label = has(`field.${name}`) ? t(`field.${name}`) : name;
    let attrs = { name, required: req.has(name) };
    if (p.type === 'boolean') attrs.type = 'checkbox';
    else if (p.type === 'integer' || p.type === 'number') attrs.type = 'number';
    else { attrs.type = 'text'; if (p.maxLength) attrs.maxlength = p.maxLength; }
    attrs.dataset = { jtype: p.type };
    Object.assign(attrs, o || {});
    out.push(field(label, attrs, p.description));
  }
  return out;
}

// The JSON body from a form's named controls (empty optional ones dropped).
export function formBody(form) {
  const body = {};
  for (const el of form.elements) {
    if (!el.name || el.disabled) continue;
    const jt = el.dataset.jtype;
    if (el.type === 'checkbox') { if (el.checked || jt === 'boolean') body[el.name] = el.checked; continue; }
    if (el.value === '' && !el.required) continue;
    if (jt === 'integer' || jt === 'number') body[el.name] = Number(el.value);
    else body[el.name] = el.value;
  }
  return body;
}

// A form whose submit runs fn(body) with errors shown in its message area.
export function form(cls, fields, submitLabel, fn) {
  const msg = h('div', { class: 'msg', 'aria-live': 'polite' });
  const btn = h('button', { type: 'submit', class: 'primary' }, submitLabel);
  const f = h('form', { class: cls, novalidate: false }, fields, h('div', { class: 'buttons' }, btn), msg);
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    btn.disabled = true;
    show(msg);
    try {
      const note = await fn(formBody(f), f);
      if (note) show(msg, note instanceof Node ? note : notice(note));
    } catch (e) {
      show(msg, errorBox(e));
    } finally {
      btn.disabled = false;
    }
  });
  return f;
}

export function section(title, ...children) {
  return h('section', { class: 'card' }, h('h2', {}, title), children);
}

// A modal dialog with a form; fn(body) runs on submit, errors stay inside.
export function dialog(title, fields, submitLabel, fn) {
  const d = h('dialog', { class: 'dialog', 'aria-label': title });
  const close = () => { d.close(); d.remove(); };
  const f = form('dialog-form', [h('h2', {}, title), fields], submitLabel, async (body) => {
    const r = await fn(body);
    if (r instanceof Node) return r;
    close();
    return null;
  });
  f.querySelector('.buttons').append(h('button', { type: 'button', class: 'cancel', onclick: close }, t('common.cancel')));
  d.append(f);
  document.body.append(d);
  d.showModal();
  return d;
}

// Offers text or bytes as a file download.
export function download(name, data, type = 'application/octet-stream') {
  const url = URL.createObjectURL(data instanceof Blob ? data : new Blob([data], { type }));
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
