/**
 * The dashboard's script: plain browser JavaScript, no framework, no build. It polls the API
 * every 2 seconds (skipping while the tab is hidden or paused), renders with textContent only
 * (tenant names come from the platform and are never parsed as HTML), asks for a bearer token
 * when the API answers 401, and shows times in UTC, relative to the controller's own clock.
 * Written without template literals so it can live inside this TypeScript string. The script is
 * one closure assembled from fragments: js-base.ts (state, helpers), this file (header, summary,
 * data and wiring), js-overview.ts (rollouts, next, events, tenants), js-rollout-page.ts.
 */
import { BASE_JS } from './js-base.js';
import { OVERVIEW_JS } from './js-overview.js';
import { ROLLOUT_PAGE_JS } from './js-rollout-page.js';

/** The JavaScript of `/assets/app.js`. */
export const APP_JS = `'use strict';
(function () {
${BASE_JS}
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

${OVERVIEW_JS}
${ROLLOUT_PAGE_JS}
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
    var types = eventTypes();
    // '' for every event; 'none' when the two filters exclude each other.
    var key = types ? types.join(',') || 'none' : '';
    if (key !== state.eventFilter) {
      // A new filter starts over from the newest matching events.
      state.eventFilter = key;
      state.lastSeq = null;
      state.events = [];
    }
    if (types && types.length === 0) {
      renderEvents();
      return Promise.resolve();
    }
    var filter = types ? '&type=' + encodeURIComponent(key) : '';
    var path = state.lastSeq === null
      ? 'api/v1/events?order=desc&limit=' + EVENT_LIMIT + filter
      : 'api/v1/events?after=' + state.lastSeq + '&limit=1000' + filter;
    return api(path).then(function (page) {
      if (!page || key !== state.eventFilter) return;
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

  // '#rollout/<id>' shows one rollout's page; anything else the overview.
  function routedRollout() {
    var prefix = '#rollout/';
    if (location.hash.indexOf(prefix) !== 0 || location.hash.length === prefix.length) return null;
    try { return decodeURIComponent(location.hash.slice(prefix.length)); } catch (e) { return null; }
  }

  function showSignedIn(signedIn) {
    state.signedIn = signedIn;
    $('signed-out').hidden = signedIn;
    $('main').hidden = !signedIn;
  }

  function loadRolloutPage(id) {
    return api('api/v1/rollouts/' + encodeURIComponent(id) + '?state=failed&limit=20').then(function (detail) {
      if (routedRollout() !== id) return;
      if (detail) renderRolloutPage(detail);
    }).catch(function (err) {
      if (err instanceof AuthError) throw err;
      $('rollout-page-title').textContent = id;
      $('rollout-page-body').replaceChildren(el('p', { className: 'empty', text: 'This rollout cannot be shown: ' + (err && err.message ? err.message : err) }));
    });
  }

  function refresh() {
    if (state.busy) {
      // A navigation or filter during a refresh: refresh once more when this one ends.
      state.again = true;
      return Promise.resolve();
    }
    state.busy = true;
    state.again = false;
    var routed = routedRollout();
    if (routed !== state.shownRollout) {
      // Another rollout: never show the previous one's figures under the new address.
      state.shownRollout = routed;
      $('rollout-page-title').textContent = 'Loading…';
      $('rollout-page-body').replaceChildren();
    }
    $('overview').hidden = routed !== null;
    $('rollout-page').hidden = routed === null;
    return Promise.all([api('api/v1/status'), api('api/v1/rollouts')])
      .then(function (res) {
        var status = res[0];
        var rollouts = (res[1] && res[1].rollouts) || [];
        var rolloutsTotal = res[1] ? res[1].total : rollouts.length;
        state.rollouts = rollouts;
        $('auth').hidden = true;
        showSignedIn(true);
        if (status) {
          state.now = status.controller ? status.controller.at : null;
          state.leader = status.role === 'follower' ? (status.lease ? status.lease.holder : 'another replica') : null;
          renderMeta(status);
          renderSummary(status, rollouts);
          renderNext(status.upcoming, rollouts);
        }
        if (routed !== null) return loadRolloutPage(routed);
        renderRollouts(rollouts, rolloutsTotal);
        return Promise.all([loadEvents(), loadTenants()]);
      })
      .then(function () {
        setLive('Updated ' + new Date().toLocaleTimeString() + (state.paused ? ' (paused)' : ''), false);
      })
      .catch(function (err) {
        if (err instanceof AuthError) {
          // Signed out: say so, and show no data-dependent text ("No rollouts yet") that would lie.
          showSignedIn(false);
          $('auth').hidden = false;
          $('meta').textContent = 'Signed out: this controller needs an API token.';
          setLive('API token needed', true);
          $('token').focus();
        } else {
          setLive('Connection problem: ' + (err && err.message ? err.message : err) + '; retrying', true);
        }
      })
      .then(function () {
        state.busy = false;
        if (state.again) return refresh();
      });
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
    function refilterEvents() { loadEvents().catch(function () {}); }
    $('event-kind').addEventListener('change', refilterEvents);
    $('event-severity').addEventListener('change', refilterEvents);
    $('event-filters').addEventListener('submit', function (e) { e.preventDefault(); refilterEvents(); });
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
    window.addEventListener('hashchange', function () {
      if (state.signedIn) refresh().then(function () { var h = routedRollout() ? $('rollout-page-heading') : $('h-rollouts'); if (h) h.focus(); });
    });
    document.addEventListener('visibilitychange', function () {
      if (!document.hidden && !state.paused) refresh();
    });
    renderTenants(null);
    refresh().then(schedule);
  });
})();
`;
