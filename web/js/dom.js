// dom.js - builds elements without innerHTML, so text from the server is
// always text. Never insert server data as markup.

// h('div', {class: 'x', onclick: f}, child, 'text', [more]) -> element
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
}

let uid = 0;
export function nextId(prefix) {
  uid += 1;
  return `${prefix}-${uid}`;
}

// A labelled form field; input attributes go to the control.
export function field(label, attrs, hint) {
  const id = attrs.id || nextId('f');
  const hintId = hint ? `${id}-hint` : undefined;
  let control;
  if (attrs.type === 'select') {
    const { options, type, ...rest } = attrs;
    control = h('select', { ...rest, id, 'aria-describedby': hintId },
      options.map(([value, text]) => h('option', { value }, text)));
  } else if (attrs.type === 'textarea') {
    const { type, ...rest } = attrs;
    control = h('textarea', { ...rest, id, 'aria-describedby': hintId });
  } else {
    control = h('input', { ...attrs, id, 'aria-describedby': hintId });
  }
  if (attrs.type === 'checkbox')
    return h('div', { class: 'field check' }, control, h('label', { for: id }, label),
      hint && h('small', { id: hintId }, hint));
  return h('div', { class: 'field' }, h('label', { for: id }, label), control,
    hint && h('small', { id: hintId, class: 'hint' }, hint));
}

export function fmtTime(secs) {
  if (secs === undefined || secs === null || secs === '') return '';
  const n = Number(secs);
  if (!Number.isFinite(n)) return String(secs);
  return new Date(n * 1000).toLocaleString();
}
