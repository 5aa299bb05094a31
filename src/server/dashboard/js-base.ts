/**
 * The dashboard script's shared part: constants, the page state, DOM and formatting helpers and
 * the API call. A fragment of the script's one closure (see app-js.ts); plain browser
 * JavaScript written without template literals so it can live inside this TypeScript string.
 */

/** Constants, state and helpers of `/assets/app.js`. */
export const BASE_JS = `
  var POLL_MS = 2000;
  var TOKEN_KEY = 'pushfleet.apiToken';
  var ROW_LIMIT = 200;
  var EVENT_LIMIT = 150;
  var REASON_LABELS = { 'maintenance-window': 'window opens', 'upgrade-after': 'upgradeAfter', deadline: 'deadline', due: 'due' };
  // Why tenants of a wave are blocked, worded for the wave table and the rollout page.
  var BLOCK_LABELS = {
    dependency: 'wait for a dependency (another package must be upgraded first)',
    'waiting-wave': 'wait for an earlier wave',
    'waiting-approval': 'wait for an approval',
    halted: 'held by the halt',
    suspended: 'held: the directive is suspended',
    conflict: 'in conflict between directives',
    'unknown-version': 'on a version the package does not list',
    'deprecated-version': 'targeted at a deprecated version',
    'no-wave': 'match no wave of the strategy',
    inactive: 'inactive at the platform',
    ineligible: 'not eligible for this upgrade'
  };
  // Gate reasons the wave state already says; the wave row names only the others.
  var GATE_REASONS = { 'waiting-wave': 1, 'waiting-approval': 1 };
  var SEVERITY = {
    problem: ['job.failed', 'rollout.halted', 'provider.error', 'revision.invalid', 'notification.failed', 'controller.failing'],
    warning: ['job.retry', 'job.canceled', 'provider.retry', 'job.ineligible']
  };
  var state = {
    token: sessionStorage.getItem(TOKEN_KEY) || '',
    paused: false,
    busy: false,
    again: false,
    signedIn: false,
    lastSeq: null,
    events: [],
    eventFilter: '',
    now: null,
    timer: null,
    tableSeq: 0,
    rollouts: [],
    shownRollout: null,
    // Holder of the lease when this replica follows: the plan table is the leader's to serve.
    leader: null
  };

  function $(id) { return document.getElementById(id); }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === undefined || v === null || v === false) return;
        if (k === 'text') node.textContent = String(v);
        else if (k === 'className') node.className = v;
        else node.setAttribute(k, String(v));
      });
    }
    (children || []).forEach(function (c) {
      if (c === null || c === undefined || c === false) return;
      node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return node;
  }

  function fmtCount(n) { return Number(n || 0).toLocaleString('en-US'); }

  function plural(n, one, many) { return fmtCount(n) + ' ' + (n === 1 ? one : many); }

  function pad(n) { return n < 10 ? '0' + n : String(n); }

  function fmtDay(iso) {
    var d = new Date(iso);
    return d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1) + '-' + pad(d.getUTCDate());
  }

  function fmtTime(iso) {
    if (!iso) return '-';
    var d = new Date(iso);
    if (isNaN(d.getTime())) return '-';
    return fmtDay(iso) + ' ' + pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes()) + ' UTC';
  }

  function fmtRelative(iso) {
    if (!iso || !state.now) return '';
    var ms = Date.parse(iso) - Date.parse(state.now);
    if (isNaN(ms)) return '';
    var future = ms >= 0;
    var m = Math.round(Math.abs(ms) / 60000);
    var text;
    if (m < 1) text = 'now';
    else if (m < 60) text = m + 'm';
    else if (m < 48 * 60) text = Math.floor(m / 60) + 'h ' + pad(m % 60) + 'm';
    else text = Math.round(m / 1440) + 'd';
    if (text === 'now') return text;
    return future ? 'in ' + text : text + ' ago';
  }

  function timeEl(iso) {
    var rel = fmtRelative(iso);
    return el('time', { datetime: iso, title: iso, text: fmtTime(iso) + (rel ? ' (' + rel + ')' : '') });
  }

  // "2.4.0", or "V1_1.1" with a patch: the same spelling as the CLI and the events.
  function fmtVersion(version, patch) { return version + (patch !== undefined && patch !== null ? '.' + patch : ''); }

  function badge(text, kind) {
    return el('span', { className: 'badge s-' + String(kind || text).replace(/[^a-z0-9-]/gi, ''), text: text });
  }

  function bar(done, total, label, kind) {
    var pct = total > 0 ? Math.round((done / total) * 1000) / 10 : 100;
    var fill = el('span');
    fill.style.width = pct + '%';
    return el('div', {
      className: 'bar' + (kind ? ' ' + kind : ''),
      role: 'progressbar',
      'aria-label': label,
      'aria-valuemin': 0,
      'aria-valuemax': 100,
      'aria-valuenow': pct,
      'aria-valuetext': fmtCount(done) + ' of ' + fmtCount(total) + ' tenants (' + pct + '%)'
    }, [fill]);
  }

  // Progress counts only tenants that need a job: tenants already in sync before the rollout,
  // and tenants waiting cannot move, are shown apart, or a waiting wave would read 10-20% done
  // before its first push (as cli/render/wave-progress.ts does for the terminal).
  var PERMANENT = { conflict: 1, inactive: 1, ineligible: 1, 'unknown-version': 1, 'deprecated-version': 1 };
  function progressOf(x) {
    var inSync = x.inSync || 0;
    var stuck = Object.keys(x.blocked || {}).reduce(function (n, k) { return n + (PERMANENT[k] ? x.blocked[k] : 0); }, 0);
    var need = Math.max(0, x.tenants - inSync - stuck);
    return { need: need, done: Math.max(0, need - x.pending), inSync: inSync, stuck: stuck };
  }

  function blockedText(blocked, skipGates) {
    return Object.keys(blocked || {}).filter(function (k) { return !(skipGates && GATE_REASONS[k]) && blocked[k] > 0; })
      .sort(function (a, b) { return blocked[b] - blocked[a]; })
      .map(function (k) { return fmtCount(blocked[k]) + ' ' + (BLOCK_LABELS[k] || k); });
  }

  function AuthError() {}

  function api(path) {
    var headers = { accept: 'application/json' };
    if (state.token) headers.authorization = 'Bearer ' + state.token;
    return fetch(path, { headers: headers, cache: 'no-store' }).then(function (res) {
      if (res.status === 401) throw new AuthError();
      if (res.status === 503) return null;
      return res.json().then(function (body) {
        if (!res.ok) throw new Error((body && body.error && body.error.message) || ('HTTP ' + res.status));
        return body;
      });
    });
  }
`;
