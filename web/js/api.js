// api.js - talks to the JSON API under api/v1 with the session cookie.
// Every call that changes state carries X-Requested-With and the session's
// CSRF token; errors (application/problem+json) become ApiError with the
// server's title and detail. Never keep the session token itself: the
// HttpOnly cookie holds it.

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.title = problem.title || '';
    this.detail = problem.detail || '';
    this.type = (problem.type || '').replace(/^urn:eseal:problem:/, '');
    this.requestId = problem.request_id || '';
  }
}

const CSRF_KEY = 'eseal.csrf';

export function setCsrf(token) {
  if (token) sessionStorage.setItem(CSRF_KEY, token);
  else sessionStorage.removeItem(CSRF_KEY);
}

export async function api(method, path, body, opts = {}) {
  const headers = { Accept: 'application/json, application/problem+json', 'X-Requested-With': 'XMLHttpRequest' };
  const csrf = sessionStorage.getItem(CSRF_KEY);
  if (csrf) headers['X-CSRF-Token'] = csrf;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(`api/v1${path}`, {
      method, headers, credentials: 'same-origin', cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, { type: 'network', title: 'Network error', detail: String(e.message || e) });
  }
  if (res.status === 204) return null;
  const ct = res.headers.get('Content-Type') || '';
  if (!res.ok) {
    let problem = { title: res.statusText };
    if (ct.includes('json')) problem = await res.json().catch(() => problem);
    throw new ApiError(res.status, problem);
  }
  if (opts.raw) return res;
  return ct.includes('json') ? res.json() : res.text();
}

// Routes the server answers, from its OpenAPI document: "METHOD /path" ->
// permission name.
let routes = null;
export async function loadRoutes() {
  if (routes) return routes;
  const doc = await api('GET', '/openapi.json');
  routes = new Map();
  for (const [path, item] of Object.entries(doc.paths || {}))
    for (const [method, op] of Object.entries(item))
      routes.set(`${method.toUpperCase()} ${path}`, { perm: op['x-eseal-permission'], op });
  return routes;
}

export function route(method, path) {
  return routes ? routes.get(`${method} /api/v1${path}`) : undefined;
}

// May the current user call this route? (it exists and the permission is held)
export function allowed(me, method, path) {
  const r = route(method, path);
  if (!r) return false;
  if (r.perm === 'public') return true;
  return !!me && (me.permissions || []).includes(r.perm);
}
