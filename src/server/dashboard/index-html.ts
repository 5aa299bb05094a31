/**
 * The dashboard page: static markup only; assets/app.js fills it from the API. Kept as a string
 * in TypeScript so the page ships inside dist/ with no build step and no files to copy.
 */

/** The HTML of `/`. */
export const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>pushfleet</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="assets/style.css">
<script src="assets/app.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <h1>pushfleet</h1>
  <p id="meta" class="meta">Connecting to the controller…</p>
  <div class="live">
    <span id="live" role="status" aria-live="polite">Loading…</span>
    <button id="pause" type="button" aria-pressed="false">Pause updates</button>
  </div>
</header>
<div id="banner" class="banner" role="alert" hidden></div>
<form id="auth" class="auth" hidden>
  <label for="token">This controller needs an API token</label>
  <input id="token" name="token" type="password" autocomplete="off" required>
  <button type="submit">Use token</button>
  <span class="hint">Kept in this browser tab only (session storage).</span>
</form>
<section id="signed-out" class="signed-out" aria-labelledby="h-signed-out" hidden>
  <h2 id="h-signed-out">Signed out</h2>
  <p>Enter the controller's API token above to see its rollouts, events and tenants. Nothing is shown until then: the page has not read any data.</p>
</section>
<main id="main">
  <section id="rollout-page" class="rollout-page" aria-labelledby="rollout-page-heading" hidden>
    <p><a href="#" class="back">← All rollouts</a></p>
    <h2 id="rollout-page-heading" tabindex="-1"><span class="kicker">Rollout</span> <span id="rollout-page-title">Loading…</span></h2>
    <div id="rollout-page-body"></div>
  </section>
  <div id="overview" class="overview">
  <section class="summary" aria-labelledby="h-summary">
    <h2 id="h-summary">Fleet</h2>
    <div id="summary" class="tiles"></div>
  </section>
  <div class="columns">
    <section aria-labelledby="h-rollouts" class="rollouts-section">
      <h2 id="h-rollouts" tabindex="-1">Rollouts</h2>
      <div id="rollouts"><p class="empty">Loading rollouts…</p></div>
    </section>
    <div class="side">
      <section aria-labelledby="h-upcoming">
        <h2 id="h-upcoming">Next</h2>
        <p class="note">Approvals the controller waits for, bake ends, window openings, upgradeAfter times and deadlines.</p>
        <table id="upcoming" class="compact">
          <thead><tr><th scope="col">When</th><th scope="col" class="num">Tenants</th><th scope="col">Why</th></tr></thead>
          <tbody><tr><td colspan="3" class="empty">Loading…</td></tr></tbody>
        </table>
      </section>
      <section aria-labelledby="h-events">
        <h2 id="h-events">Events</h2>
        <form id="event-filters" class="filters" aria-label="Filter events">
          <label for="event-severity">Severity</label>
          <select id="event-severity" name="severity">
            <option value="">all</option><option value="warning">warnings and problems</option><option value="problem">problems only</option>
          </select>
          <label for="event-kind">Kind</label>
          <select id="event-kind" name="kind">
            <option value="">all kinds</option>
            <option>job.failed</option><option>rollout.halted</option><option>provider.error</option><option>revision.invalid</option><option>controller.failing</option>
            <option>job.ineligible</option><option>controller.recovered</option>
            <option>notification.failed</option><option>job.retry</option><option>job.canceled</option><option>provider.retry</option>
            <option>job.succeeded</option><option>job.created</option><option>request.submitted</option><option>rollout.started</option>
            <option>wave.completed</option><option>rollout.completed</option><option>revision.loaded</option>
          </select>
        </form>
        <ol id="events" class="events" aria-live="off"></ol>
      </section>
    </div>
  </div>
  <section aria-labelledby="h-tenants">
    <h2 id="h-tenants">Tenants</h2>
    <form id="filters" class="filters" role="search">
      <label for="q">Search</label>
      <input id="q" name="q" type="search" placeholder="tenant, package, version, status, reason…" autocomplete="off">
      <label for="status">Status</label>
      <select id="status" name="status">
        <option value="">any</option>
        <option>upgrade</option><option>in-progress</option><option>blocked</option><option>failed</option>
        <option>in-sync</option><option>ahead</option><option>not-installed</option><option>unmanaged</option>
      </select>
    </form>
    <p id="tenant-count" class="note" aria-live="polite"></p>
    <div class="table-wrap">
      <table id="tenants">
        <thead><tr>
          <th scope="col">Tenant</th><th scope="col">Package</th><th scope="col">Installed</th><th scope="col">Target</th>
          <th scope="col">Status</th><th scope="col">Reason</th><th scope="col">Start</th>
        </tr></thead>
        <tbody></tbody>
      </table>
    </div>
  </section>
  </div>
</main>
</body>
</html>
`;
