/**
 * The dashboard script's overview: rollout cards with their waves, the "Next" list (starts,
 * bake ends, awaited approvals), the filtered event list and the tenant table. A fragment of
 * the script's one closure (see app-js.ts), written without template literals.
 */

/** Overview rendering of `/assets/app.js`. */
export const OVERVIEW_JS = `
  function rolloutHref(id) { return '#rollout/' + encodeURIComponent(id); }

  function waveWhen(w) {
    var parts = [];
    if (w.state === 'baking' && w.bakeUntil) parts.push('baking until ' + fmtTime(w.bakeUntil) + ' (' + fmtRelative(w.bakeUntil) + ')');
    else if (w.state === 'waiting-approval') parts.push("needs approval (add it to the directive's approvals)");
    else if (w.approval && w.approved && w.state !== 'complete') parts.push('approved');
    else if ((w.state === 'active' || w.state === 'waiting') && w.firstStartAt) parts.push('next start ' + fmtTime(w.firstStartAt) + ' (' + fmtRelative(w.firstStartAt) + ')');
    else if (w.completedAt) parts.push('completed ' + fmtTime(w.completedAt));
    // What holds tenants of an open wave back (a dependency, a conflict) besides the wave gates.
    return parts.concat(blockedText(w.blocked, true)).join('; ');
  }

  function waveTable(r) {
    return el('table', { className: 'waves', 'aria-label': 'Waves of ' + r.directive }, [
      el('tbody', null, r.waves.map(function (w) {
        var wk = w.state === 'complete' ? 'complete' : r.state === 'halted' ? 'halted' : '';
        var p = progressOf(w);
        var count = p.need === 0 && p.inSync + p.stuck > 0 ? 'nothing to push' : fmtCount(p.done) + ' / ' + fmtCount(p.need);
        return el('tr', { 'data-wave': w.name }, [
          el('th', { scope: 'row', text: w.name }),
          el('td', { className: 'barcell' }, [bar(p.done, p.need, 'Wave ' + w.name + ' of ' + r.directive, wk)]),
          el('td', { className: 'num' }, [
            count,
            p.inSync > 0 ? el('span', { className: 'insync', text: fmtCount(p.inSync) + ' in sync' }) : null,
            p.stuck > 0 ? el('span', { className: 'insync', text: fmtCount(p.stuck) + ' cannot move' }) : null
          ]),
          el('td', null, [w.state ? badge(w.state) : null]),
          el('td', { className: 'when', text: waveWhen(w) })
        ]);
      }))
    ]);
  }

  function rolloutCounts(r) {
    var j = r.jobCounts || {};
    var p = progressOf(r);
    var counts = [
      fmtCount(p.done) + ' of ' + fmtCount(p.need) + ' tenants to push finished',
      fmtCount(j.succeeded) + ' succeeded',
      fmtCount(j.failed) + ' failed',
      fmtCount((j.created || 0) + (j.submitted || 0) + (j.running || 0)) + ' in flight'
    ];
    if (p.inSync > 0) counts.push(fmtCount(p.inSync) + ' already in sync');
    if (p.stuck > 0) counts.push(fmtCount(p.stuck) + ' cannot move');
    if (r.deadline) counts.push('deadline ' + fmtTime(r.deadline));
    return counts.join(' · ');
  }

  function rolloutBar(r) {
    var p = progressOf(r);
    var kind = r.state === 'halted' ? 'halted' : r.state === 'completed' || (p.need > 0 && p.done === p.need) ? 'complete' : '';
    return bar(p.done, p.need, 'Progress of ' + r.directive, 'big ' + kind);
  }

  function haltNote(r) {
    return r.halt ? el('p', { className: 'halt' }, [el('strong', { text: 'Halted: ' }), r.halt.reason + (r.halt.at ? ' (' + fmtTime(r.halt.at) + ')' : '') + '. A change to the directive resumes it.']) : null;
  }

  // The first page of GET /api/v1/rollouts (planned ones, then the newest others); its total
  // counts them all, so the rollouts past the page are counted, not silently dropped.
  function olderNote(rollouts, total) {
    var older = (total || 0) - rollouts.length;
    if (older <= 0) return null;
    return el('p', { className: 'note', text: fmtCount(older) + (older === 1 ? ' older rollout' : ' older rollouts') + ' not shown (pushfleet history export --kind rollouts lists every one).' });
  }

  function renderRollouts(rollouts, total) {
    var box = $('rollouts');
    var shown = rollouts.filter(function (r) { return r.planned || r.state !== 'superseded'; });
    var note = olderNote(rollouts, total);
    if (shown.length === 0) {
      box.replaceChildren.apply(box, [el('p', { className: 'empty', text: 'No rollouts: the manifests direct no upgrades.' })].concat(note ? [note] : []));
      return;
    }
    box.replaceChildren.apply(box, shown.map(function (r) {
      var id = 'r-' + r.id.replace(/[^a-zA-Z0-9_-]/g, '_');
      return el('article', { className: 'rollout', id: id, 'aria-labelledby': id + '-h', 'data-rollout': r.id }, [
        el('header', null, [
          el('h3', { id: id + '-h' }, [
            el('a', { href: rolloutHref(r.id), text: r.directive }), ' ',
            el('span', { className: 'target', text: r.package + ' → ' + fmtVersion(r.version, r.patch) })
          ]),
          badge(r.state)
        ]),
        rolloutBar(r),
        el('p', { className: 'counts', text: rolloutCounts(r) }),
        el('p', { className: 'forecast-line', text: forecastLine(r) }),
        haltNote(r),
        waveTable(r)
      ]);
    }).concat(note ? [note] : []));
  }

  // "Next": window openings and deadlines from the plan, plus what gates the waves: bake ends
  // (a time) and approvals the controller waits for (no time: a reviewed commit).
  function nextEntries(upcoming, rollouts) {
    var rows = (upcoming || []).map(function (u) {
      var keys = Object.keys(u.reasons);
      var why = keys.map(function (k) { return (REASON_LABELS[k] || k) + (keys.length > 1 ? ' ' + fmtCount(u.reasons[k]) : ''); }).join(', ');
      return { at: u.at, tenants: u.tenants, why: why + (u.directives.length ? ': ' + u.directives.join(', ') : ''), kind: 'start' };
    });
    rollouts.forEach(function (r) {
      if (!r.planned || r.state === 'halted' || r.state === 'suspended') return;
      r.waves.forEach(function (w, i) {
        var behind = r.waves.slice(i + 1).reduce(function (n, x) { return n + x.pending; }, 0);
        if (w.state === 'baking' && w.bakeUntil) rows.push({ at: w.bakeUntil, tenants: behind, why: 'bake of wave ' + w.name + ' ends: ' + r.directive, kind: 'bake' });
        if (w.state === 'waiting-approval') rows.push({ at: null, tenants: behind, why: 'approval of wave ' + w.name + ' awaited: add "' + w.name + '" to approvals of ' + r.directive, kind: 'approval' });
      });
    });
    // Awaited approvals first (nothing moves until someone acts), then by time.
    return rows.sort(function (a, b) {
      if (a.at === null || b.at === null) return a.at === null ? (b.at === null ? 0 : -1) : 1;
      return a.at < b.at ? -1 : a.at > b.at ? 1 : 0;
    });
  }

  function renderNext(upcoming, rollouts) {
    var body = $('upcoming').tBodies[0];
    var rows = nextEntries(upcoming, rollouts);
    if (rows.length === 0) {
      body.replaceChildren(el('tr', null, [el('td', { colspan: 3, className: 'empty', text: 'Nothing scheduled and nothing awaited.' })]));
      return;
    }
    body.replaceChildren.apply(body, rows.map(function (u) {
      return el('tr', { 'data-kind': u.kind }, [
        el('td', null, u.at
          ? [el('time', { datetime: u.at, title: u.at, text: fmtTime(u.at) }), el('span', { className: 'rel', text: fmtRelative(u.at) })]
          : [el('strong', { text: 'on approval' })]),
        el('td', { className: 'num', text: fmtCount(u.tenants) }),
        el('td', { className: 'why', text: u.why })
      ]);
    }));
  }

  function severityOf(type) {
    if (SEVERITY.problem.indexOf(type) >= 0) return 'problem';
    if (SEVERITY.warning.indexOf(type) >= 0) return 'warning';
    return 'info';
  }

  // The event types the two filters select, or null for every event.
  function eventTypes() {
    var kind = $('event-kind').value;
    var severity = $('event-severity').value;
    var allowed = severity === 'problem' ? SEVERITY.problem : severity === 'warning' ? SEVERITY.problem.concat(SEVERITY.warning) : null;
    if (kind) return !allowed || allowed.indexOf(kind) >= 0 ? [kind] : [];
    return allowed;
  }

  function renderEvents() {
    var list = $('events');
    if (state.events.length === 0) {
      list.replaceChildren(el('li', { className: 'empty', text: state.eventFilter ? 'No events match these filters.' : 'No events yet.' }));
      return;
    }
    list.replaceChildren.apply(list, state.events.map(function (e) {
      var severity = severityOf(e.type);
      return el('li', { className: severity, 'data-type': e.type }, [
        el('time', { datetime: e.at, title: e.at, text: fmtTime(e.at) }),
        badge(e.type, e.type.split('.').pop()),
        el('span', { className: 'msg', text: e.message })
      ]);
    }));
  }

  function reasonCell(i) {
    var label = i.reason ? (i.status === 'blocked' && BLOCK_LABELS[i.reason] ? i.reason : REASON_LABELS[i.reason] || i.reason) : '';
    // A failure has no reason code: its error is the reason, shown, not hidden in a hover.
    return el('td', { className: 'reason' }, [
      label ? el('span', { text: label }) : null,
      i.detail && (i.status === 'failed' || i.status === 'blocked') ? el('span', { className: 'detail', text: i.detail }) : null
    ]);
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
      var installed = i.installed === null ? '-' : fmtVersion(i.installed, i.installedPatch);
      var target = i.target === null ? '-' : fmtVersion(i.target, i.targetPatch);
      return el('tr', { title: i.detail || null }, [
        el('td', { className: 'tenant' }, [el('code', { text: i.tenant }), i.tenantName ? el('span', { className: 'name', text: i.tenantName }) : null]),
        el('td', { text: i.package }),
        el('td', { text: installed }),
        el('td', { text: target }),
        el('td', null, [badge(i.status)]),
        reasonCell(i),
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
`;
