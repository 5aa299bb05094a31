/**
 * The dashboard script's rollout page (`#rollout/<id>`): progress, the forecast as a timeline of
 * waves against the deadline, waves, errors grouped by type, blocked reasons and the newest
 * problem events of one rollout. A fragment of the script's one closure (see app-js.ts),
 * written without template literals.
 */

/** Rollout page rendering of `/assets/app.js`. */
export const ROLLOUT_PAGE_JS = `
  var DAY_MS = 86400000;
  // The planner's reason when nothing can finish a rollout (forecast.waitsFor).
  var WAITS_FOR = {
    suspended: 'the directive is suspended',
    halted: 'the rollout is halted',
    'stuck-tenants': 'tenants that cannot move keep a wave open',
    'no-window': 'some tenants get no maintenance window'
  };

  function daysBetween(a, b) { return Math.round(Math.abs(Date.parse(b) - Date.parse(a)) / DAY_MS); }

  // One line about the forecast: when the rollout finishes against its deadline, and who moves
  // only at the deadline or not at all. "No forecast" when the controller sent none.
  function forecastLine(r) {
    var f = r.forecast;
    if (!f) return 'No forecast.';
    var parts = [];
    if (!f.finishAt) parts.push('No finish forecast: ' + (WAITS_FOR[f.waitsFor] || 'nothing can finish this rollout as planned'));
    else {
      var text = 'Finishes about ' + fmtDay(f.finishAt);
      if (r.deadline) {
        var days = daysBetween(f.finishAt, r.deadline);
        var unit = days === 1 ? ' day ' : ' days ';
        text += f.finishAt <= r.deadline ? ', ' + days + unit + 'before the deadline' : ', ' + days + unit + 'AFTER the deadline';
      }
      parts.push(text);
    }
    if (f.forcedAtDeadline > 0) parts.push(plural(f.forcedAtDeadline, 'tenant', 'tenants') + ' only at the deadline');
    if (f.stuck > 0) parts.push(plural(f.stuck, 'tenant', 'tenants') + ' stuck');
    return parts.join('; ') + '.';
  }

  // The timeline: one bar per wave from its forecast start to its finish, on a scale from now
  // (or the first start) to the later of the finish and the deadline, with both marked.
  function timeline(r) {
    var f = r.forecast;
    if (!f) return el('p', { className: 'empty', id: 'timeline-none', text: 'No forecast: the controller has not sent one for this rollout.' });
    var times = [state.now, r.deadline, f.finishAt];
    f.waves.forEach(function (w) { times.push(w.startAt, w.finishAt); });
    var ms = times.filter(Boolean).map(Date.parse).filter(function (t) { return !isNaN(t); });
    var lo = Math.min.apply(null, ms);
    var hi = Math.max.apply(null, ms);
    var span = Math.max(hi - lo, 60000);
    function pos(iso) { return ((Date.parse(iso) - lo) / span) * 100; }
    function marker(iso, kind, label) {
      var m = el('span', { className: 'marker ' + kind, title: label + ' ' + fmtTime(iso), 'aria-hidden': 'true' });
      m.style.left = pos(iso) + '%';
      return m;
    }
    var rows = f.waves.map(function (w) {
      var track = el('div', { className: 'track' });
      var text;
      // A wave that started before the plan's time has no startAt: it runs from now.
      var from = w.startAt || (w.finishAt && state.now && w.finishAt > state.now ? state.now : null);
      if (from && w.finishAt) {
        var seg = el('span', { className: 'seg' + (r.deadline && w.finishAt > r.deadline ? ' late' : '') });
        seg.style.left = pos(from) + '%';
        seg.style.width = Math.max(pos(w.finishAt) - pos(from), 0.8) + '%';
        track.appendChild(seg);
        text = (w.startAt ? fmtTime(w.startAt) : 'running') + ' → ' + fmtTime(w.finishAt);
      } else if (w.finishAt) {
        text = 'done ' + fmtTime(w.finishAt);
      } else {
        text = w.startAt ? 'starts ' + fmtTime(w.startAt) + ', no finish forecast' : 'no start forecast';
      }
      if (r.deadline) track.appendChild(marker(r.deadline, 'deadline', 'deadline'));
      if (state.now) track.appendChild(marker(state.now, 'now', 'now'));
      return el('li', { 'data-wave': w.name }, [
        el('span', { className: 'wname', text: w.name }),
        track,
        el('span', { className: 'span', text: text })
      ]);
    });
    var legend = el('p', { className: 'legend' }, [
      el('span', { className: 'key now' }), 'now ', state.now ? fmtTime(state.now) : '-', ' ',
      r.deadline ? el('span', { className: 'key deadline' }) : null, r.deadline ? 'deadline ' + fmtTime(r.deadline) : 'no deadline'
    ]);
    return el('div', { className: 'timeline-box' }, [el('ol', { className: 'timeline', 'aria-label': 'Forecast timeline of ' + r.directive }, rows), legend]);
  }

  // A few tenants behind the counts, when the planner names them (forcedExamples, stuckExamples).
  function forecastExamples(f) {
    if (!f) return null;
    var parts = [];
    if (f.forcedExamples && f.forcedExamples.length) parts.push('only at the deadline: ' + f.forcedExamples.join(', ') + (f.forcedAtDeadline > f.forcedExamples.length ? ', …' : ''));
    if (f.stuckExamples && f.stuckExamples.length) parts.push('stuck: ' + f.stuckExamples.join(', ') + (f.stuck > f.stuckExamples.length ? ', …' : ''));
    return parts.length ? el('p', { className: 'note examples', text: 'For example, ' + parts.join('; ') + '.' }) : null;
  }

  function errorsTable(detail) {
    var errors = detail.errors || [];
    if (errors.length === 0) return el('p', { className: 'empty', text: 'No failed jobs.' });
    return el('table', { className: 'compact', id: 'rollout-errors' }, [
      el('thead', null, [el('tr', null, [
        el('th', { scope: 'col', text: 'Error type' }), el('th', { scope: 'col', className: 'num', text: 'Tenants' }),
        el('th', { scope: 'col', text: 'Example tenant' }), el('th', { scope: 'col', text: 'Message' })
      ])]),
      el('tbody', null, errors.map(function (g) {
        var ex = g.example || {};
        return el('tr', null, [
          el('th', { scope: 'row', text: g.type }),
          el('td', { className: 'num', text: fmtCount(g.count) }),
          el('td', null, [el('code', { text: ex.tenant || '-' })]),
          el('td', { className: 'why', text: [ex.title, ex.message].filter(Boolean).join(': ') || '-' })
        ]);
      }))
    ]);
  }

  function blockedTable(r) {
    var keys = Object.keys(r.blocked || {}).filter(function (k) { return r.blocked[k] > 0; }).sort(function (a, b) { return r.blocked[b] - r.blocked[a]; });
    if (keys.length === 0) return el('p', { className: 'empty', text: 'No tenant is blocked.' });
    return el('table', { className: 'compact', id: 'rollout-blocked' }, [
      el('thead', null, [el('tr', null, [el('th', { scope: 'col', text: 'Reason' }), el('th', { scope: 'col', className: 'num', text: 'Tenants' }), el('th', { scope: 'col', text: 'Meaning' })])]),
      el('tbody', null, keys.map(function (k) {
        return el('tr', null, [el('th', { scope: 'row', text: k }), el('td', { className: 'num', text: fmtCount(r.blocked[k]) }), el('td', { className: 'why', text: BLOCK_LABELS[k] || '' })]);
      }))
    ]);
  }

  function problemList(detail) {
    var events = (detail.problemEvents || []).slice(0, 10);
    if (events.length === 0) return el('p', { className: 'empty', text: 'No failures, retries or halts.' });
    return el('ol', { className: 'events' }, events.map(function (e) {
      return el('li', { className: severityOf(e.type), 'data-type': e.type }, [
        el('time', { datetime: e.at, title: e.at, text: fmtTime(e.at) }),
        badge(e.type, e.type.split('.').pop()),
        el('span', { className: 'msg', text: e.message })
      ]);
    }));
  }

  function part(title, id, body) {
    return el('section', { className: 'part', 'aria-labelledby': id }, [el('h3', { id: id, text: title }), body]);
  }

  function renderRolloutPage(detail) {
    var box = $('rollout-page-body');
    var r = detail;
    $('rollout-page-title').replaceChildren(r.directive + ' ', el('span', { className: 'target', text: r.package + ' → ' + fmtVersion(r.version, r.patch) }), ' ', badge(r.state));
    var parts = [
      rolloutBar(r),
      el('p', { className: 'counts', text: rolloutCounts(r) }),
      haltNote(r),
      part('Timeline', 'h-timeline', el('div', null, [el('p', { className: 'forecast-line', text: forecastLine(r) }), forecastExamples(r.forecast), timeline(r)])),
      part('Waves', 'h-waves', waveTable(r)),
      part('Errors by type', 'h-errors', errorsTable(detail)),
      part('Blocked tenants by reason', 'h-blocked', blockedTable(r)),
      part('Latest problems', 'h-problems', problemList(detail))
    ];
    box.replaceChildren.apply(box, parts.filter(Boolean));
  }
`;
