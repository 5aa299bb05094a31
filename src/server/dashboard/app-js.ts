/**
 * The dashboard's script: plain browser JavaScript, no framework, no build. It polls the API
 * every 2 seconds (skipping while the tab is hidden or paused), renders with textContent only
 * (tenant names come from the platform and are never parsed as HTML), asks for a bearer token
 * when the API answers 401, and shows times in UTC, relative to the controller's own clock.
 * Written without template literals so it can live inside this TypeScript string.
 */

/** The JavaScript of `/assets/app.js`. */
export const APP_JS = `'use strict';
(function () {
  var POLL_MS = 2000;
  var TOKEN_KEY = 'pushfleet.apiToken';
  var ROW_LIMIT = 200;
  var EVENT_LIMIT = 150;
  var REASON_LABELS = { 'maintenance-window': 'window opens', 'upgrade-after': 'upgradeAfter', deadline: 'deadline', due: 'due' };
  var PROBLEM_EVENTS = { 'job.failed': 1, 'rollout.halted': 1, 'provider.error': 1, 'revision.invalid': 1 };
  var state = {
    token: sessionStorage.getItem(TOKEN_KEY) || '',
    paused: false,
    busy: false,
    lastSeq: null,
    events: [],
    now: null,
    timer: null,
    tableSeq: 0,
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

  function pad(n) { return n < 10 ? '0' + n : String(n); }

  function fmtTime(iso) {
    if (!iso) return '-';
    var d = new Date(iso);
    if (isNaN(d.getTime())) return '-';
    return d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1) + '-' + pad(d.getUTCDate()) + ' ' + pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes()) + ' UTC';
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

  // ---- rendering -------------------------------------------------------

  function renderMeta(status) {
    var c = status.controller;
    var meta = $('meta');
    meta.replaceChildren();
    if (!c) {
      meta.textContent = 'No reconcile pass recorded yet.';
      return;
    }
    meta.append(
      'Source ', el('code', { text: c.source }),
      ' · revision ', el('code', { text: c.revision ? c.revision.slice(0, 12) : '-' }),
      ' · ', fmtCount(c.tenants), ' tenants',
      ' · last pass ', timeEl(c.at),
      ' · next ', el('time', { datetime: c.nextPassAt, title: c.nextPassAt, text: fmtTime(c.nextPassAt) })
    );
    var banner = $('banner');
    if (c.rejectedRevision) {
      var first = c.rejectedRevision.errors[0];
      banner.textContent = 'Revision ' + c.rejectedRevision.id.slice(0, 12) + ' is invalid and ignored (' + c.rejectedRevision.errors.length +
        ' errors' + (first ? '; first: ' + (first.file ? first.file + ':' + (first.line || '') + ' ' : '') + first.message : '') +
        '). ' + actingSentence(c);
      banner.hidden = false;
    } else if (c.actingOn === null || c.failing) {
      banner.textContent = actingSentence(c);
      banner.hidden = false;
    } else {
      banner.hidden = true;
    }
  }

  // What the controller acts on, as its status record says (never inferred from older revisions).
  function actingSentence(c) {
    var acting = c.actingOn === null
      ? 'The controller acts on nothing: ' + (c.idleReason || 'no valid revision') + '.'
      : 'The controller keeps acting on ' + ((c.actingOn || c.revision) ? (c.actingOn || c.revision).slice(0, 12) : 'its last good revision') + '.';
    if (c.failing) acting += ' ' + c.failedPasses + ' reconcile passes in a row failed; last: ' + (c.lastError ? c.lastError.message : 'unknown error') + '.';
    return acting;
  }

  function tile(n, label, kind) {
    return el('div', { className: 'tile' + (kind ? ' ' + kind : '') }, [el('span', { className: 'n', text: fmtCount(n) }), el('span', { className: 'l', text: label })]);
  }

  function renderSummary(status, rollouts) {
    var c = status.controller;
    var s = (c && c.summary) || {};
    var jobs = status.jobTotals || {};
    var halted = rollouts.filter(function (r) { return r.state === 'halted'; }).length;
    var inFlight = (jobs.created || 0) + (jobs.submitted || 0) + (jobs.running || 0);
    var planGroup = el('div', { className: 'tile-group', role: 'group', 'aria-label': 'Plan items by status' }, [
      el('span', { className: 'label', text: 'Plan' }),
      tile(c ? c.tenants : 0, 'tenants'),
      tile(s.upgrade || 0, 'to upgrade', 'info'),
      tile(s['in-progress'] || 0, 'in progress', 'warn'),
      tile(s.blocked || 0, 'blocked'),
      tile(s.failed || 0, 'failed', (s.failed || 0) > 0 ? 'bad' : ''),
      tile(s['in-sync'] || 0, 'in sync', 'ok'),
      tile(s.ahead || 0, 'ahead')
    ]);
    var jobGroup = el('div', { className: 'tile-group', role: 'group', 'aria-label': 'Jobs by state' }, [
      el('span', { className: 'label', text: 'Jobs' }),
      tile(inFlight, 'in flight', 'warn'),
      tile(jobs.succeeded || 0, 'succeeded', 'ok'),
      tile(jobs.failed || 0, 'failed', (jobs.failed || 0) > 0 ? 'bad' : ''),
      tile(jobs.canceled || 0, 'canceled'),
      tile(halted, 'halted rollouts', halted > 0 ? 'bad' : '')
    ]);
    var note = el('p', { className: 'note', text: 'Plan counts are tenant × package items of the last pass; job counts are every push the controller recorded.' });
    $('summary').replaceChildren(planGroup, jobGroup, note);
  }

  function waveWhen(w) {
    if (w.state === 'baking' && w.bakeUntil) return 'baking until ' + fmtTime(w.bakeUntil) + ' (' + fmtRelative(w.bakeUntil) + ')';
    if (w.state === 'waiting-approval') return 'needs approval (add it to the directive\\'s approvals)';
    if (w.approval && w.approved && w.state !== 'complete') return 'approved';
    if ((w.state === 'active' || w.state === 'waiting') && w.firstStartAt) return 'next start ' + fmtTime(w.firstStartAt) + ' (' + fmtRelative(w.firstStartAt) + ')';
    if (w.completedAt) return 'completed ' + fmtTime(w.completedAt);
    return '';
  }

  function renderRollouts(rollouts) {
    var box = $('rollouts');
    var shown = rollouts.filter(function (r) { return r.planned || r.state !== 'superseded'; });
    if (shown.length === 0) {
      box.replaceChildren(el('p', { className: 'empty', text: 'No rollouts: the manifests direct no upgrades.' }));
      return;
    }
    box.replaceChildren.apply(box, shown.map(function (r) {
      var id = 'r-' + r.id.replace(/[^a-zA-Z0-9_-]/g, '_');
      var j = r.jobCounts || {};
      var inFlight = (j.created || 0) + (j.submitted || 0) + (j.running || 0);
      var kind = r.state === 'halted' ? 'halted' : r.state === 'completed' || (r.tenants > 0 && r.done === r.tenants) ? 'complete' : '';
      var version = r.version + (r.patch !== undefined ? ' patch ' + r.patch : '');
      var waves = el('table', { className: 'waves', 'aria-label': 'Waves of ' + r.directive }, [
        el('tbody', null, r.waves.map(function (w) {
          var wk = w.state === 'complete' ? 'complete' : r.state === 'halted' ? 'halted' : '';
          return el('tr', null, [
            el('th', { scope: 'row', text: w.name }),
            el('td', { className: 'barcell' }, [bar(w.done, w.tenants, 'Wave ' + w.name + ' of ' + r.directive, wk)]),
            el('td', { className: 'num', text: fmtCount(w.done) + ' / ' + fmtCount(w.tenants) }),
            el('td', null, [w.state ? badge(w.state) : null]),
            el('td', { className: 'when', text: waveWhen(w) })
          ]);
        }))
      ]);
      var counts = [
        fmtCount(r.done) + ' of ' + fmtCount(r.tenants) + ' tenants done',
        fmtCount(j.succeeded) + ' succeeded',
        fmtCount(j.failed) + ' failed',
        fmtCount(inFlight) + ' in flight'
      ];
      if (r.deadline) counts.push('deadline ' + fmtTime(r.deadline));
      return el('article', { className: 'rollout', id: id, 'aria-labelledby': id + '-h', 'data-rollout': r.id }, [
        el('header', null, [
          el('h3', { id: id + '-h' }, [r.directive + ' ', el('span', { className: 'target', text: r.package + ' → ' + version })]),
          badge(r.state)
        ]),
        bar(r.done, r.tenants, 'Progress of ' + r.directive, 'big ' + kind),
        el('p', { className: 'counts', text: counts.join(' · ') }),
        r.halt ? el('p', { className: 'halt' }, [el('strong', { text: 'Halted: ' }), r.halt.reason + (r.halt.at ? ' (' + fmtTime(r.halt.at) + ')' : '') + '. A change to the directive resumes it.']) : null,
        waves
      ]);
    }));
  }

  function renderUpcoming(upcoming) {
    var body = $('upcoming').tBodies[0];
    if (!upcoming || upcoming.length === 0) {
      body.replaceChildren(el('tr', null, [el('td', { colspan: 3, className: 'empty', text: 'Nothing scheduled.' })]));
      return;
    }
    body.replaceChildren.apply(body, upcoming.map(function (u) {
      var why = Object.keys(u.reasons).map(function (k) { return (REASON_LABELS[k] || k) + (Object.keys(u.reasons).length > 1 ? ' ' + fmtCount(u.reasons[k]) : ''); }).join(', ');
      return el('tr', null, [
        el('td', null, [
          el('time', { datetime: u.at, title: u.at, text: fmtTime(u.at) }),
          el('span', { className: 'rel', text: fmtRelative(u.at) })
        ]),
        el('td', { className: 'num', text: fmtCount(u.tenants) }),
        el('td', { className: 'why', text: why + (u.directives.length ? ': ' + u.directives.join(', ') : '') })
      ]);
    }));
  }

  function renderEvents() {
    var list = $('events');
    if (state.events.length === 0) {
      list.replaceChildren(el('li', { className: 'empty', text: 'No events yet.' }));
      return;
    }
    list.replaceChildren.apply(list, state.events.map(function (e) {
      return el('li', { className: PROBLEM_EVENTS[e.type] ? 'problem' : '' }, [
        el('time', { datetime: e.at, title: e.at, text: fmtTime(e.at) }),
        badge(e.type, e.type.split('.').pop()),
        el('span', { className: 'msg', text: e.message })
      ]);
    }));
  }

  function renderTenants(page) {
    var body = $('tenants').tBodies[0];
    if (!page) {
      var empty = state.leader ? 'This replica follows ' + state.leader + '; the leader serves the tenant table.' : 'Waiting for the first reconcile pass…';
      body.replaceChildren(el('tr', null, [el('td', { colspan: 7, className: 'empty', text: empty })]));
      $('tenant-count').textContent = '';
      return;
    }
    var rows = page.items.map(function (i) {
      var installed = i.installed === null ? '-' : i.installed + (i.installedPatch !== undefined ? '.' + i.installedPatch : '');
      var target = i.target === null ? '-' : i.target + (i.targetPatch !== undefined ? '.' + i.targetPatch : '');
      return el('tr', { title: i.detail || null }, [
        el('td', { className: 'tenant' }, [el('code', { text: i.tenant }), i.tenantName ? el('span', { className: 'name', text: i.tenantName }) : null]),
        el('td', { text: i.package }),
        el('td', { text: installed }),
        el('td', { text: target }),
        el('td', null, [badge(i.status)]),
        el('td', { text: i.reason || '' }),
        el('td', null, [i.startAt ? timeEl(i.startAt) : '-'])
      ]);
    });
    if (rows.length === 0) rows = [el('tr', null, [el('td', { colspan: 7, className: 'empty', text: 'No tenant matches.' })])];
    body.replaceChildren.apply(body, rows);
    var shown = page.items.length;
    $('tenant-count').textContent = shown < page.total
      ? 'Showing ' + fmtCount(shown) + ' of ' + fmtCount(page.total) + ' matching rows; refine the search to see others.'
      : fmtCount(page.total) + (page.total === 1 ? ' matching row.' : ' matching rows.');
  }

  // ---- data --------------------------------------------------------------

  function planQuery() {
    var params = new URLSearchParams();
    var q = $('q').value.trim();
    var status = $('status').value;
    if (q) params.set('q', q);
    if (status) params.set('status', status);
    params.set('limit', String(ROW_LIMIT));
    return 'api/v1/plan?' + params.toString();
  }

  function loadTenants() {
    var seq = ++state.tableSeq;
    return api(planQuery()).then(function (page) {
      if (seq === state.tableSeq) renderTenants(page);
    });
  }

  function loadEvents() {
    var path = state.lastSeq === null
      ? 'api/v1/events?order=desc&limit=' + EVENT_LIMIT
      : 'api/v1/events?after=' + state.lastSeq + '&limit=1000';
    return api(path).then(function (page) {
      if (!page) return;
      var fresh = state.lastSeq === null ? page.events : page.events.slice().reverse();
      state.events = fresh.concat(state.events).slice(0, EVENT_LIMIT);
      state.lastSeq = Math.max(state.lastSeq || 0, page.last);
      renderEvents();
    });
  }

  function setLive(text, stale) {
    var live = $('live');
    live.textContent = text;
    live.className = stale ? 'stale' : '';
  }

  function refresh() {
    if (state.busy) return Promise.resolve();
    state.busy = true;
    return Promise.all([api('api/v1/status'), api('api/v1/rollouts')])
      .then(function (res) {
        var status = res[0];
        var rollouts = (res[1] && res[1].rollouts) || [];
        $('auth').hidden = true;
        if (status) {
          state.now = status.controller ? status.controller.at : null;
          state.leader = status.role === 'follower' ? (status.lease ? status.lease.holder : 'another replica') : null;
          renderMeta(status);
          renderSummary(status, rollouts);
          renderUpcoming(status.upcoming);
        }
        renderRollouts(rollouts);
        return Promise.all([loadEvents(), loadTenants()]);
      })
      .then(function () {
        setLive('Updated ' + new Date().toLocaleTimeString() + (state.paused ? ' (paused)' : ''), false);
      })
      .catch(function (err) {
        if (err instanceof AuthError) {
          $('auth').hidden = false;
          setLive('API token needed', true);
          $('token').focus();
        } else {
          setLive('Connection problem: ' + (err && err.message ? err.message : err) + '; retrying', true);
        }
      })
      .then(function () { state.busy = false; });
  }

  function schedule() {
    clearTimeout(state.timer);
    state.timer = setTimeout(function tick() {
      var run = !state.paused && !document.hidden ? refresh() : Promise.resolve();
      run.then(schedule);
    }, POLL_MS);
  }

  // ---- wiring ------------------------------------------------------------

  function debounce(fn, ms) {
    var t = null;
    return function () {
      clearTimeout(t);
      t = setTimeout(fn, ms);
    };
  }

  document.addEventListener('DOMContentLoaded', function () {
    var search = debounce(function () { loadTenants().catch(function () {}); }, 200);
    $('q').addEventListener('input', search);
    $('status').addEventListener('change', search);
    $('filters').addEventListener('submit', function (e) { e.preventDefault(); search(); });
    $('pause').addEventListener('click', function () {
      state.paused = !state.paused;
      this.setAttribute('aria-pressed', String(state.paused));
      this.textContent = state.paused ? 'Resume updates' : 'Pause updates';
      setLive(state.paused ? 'Updates paused' : 'Resuming…', false);
      if (!state.paused) refresh();
    });
    $('auth').addEventListener('submit', function (e) {
      e.preventDefault();
      state.token = $('token').value.trim();
      sessionStorage.setItem(TOKEN_KEY, state.token);
      $('token').value = '';
      refresh();
    });
    document.addEventListener('visibilitychange', function () {
      if (!document.hidden && !state.paused) refresh();
    });
    renderTenants(null);
    refresh().then(schedule);
  });
})();
`;
