/** The dashboard's stylesheet: system fonts, light and dark, no external resources. */

/** The CSS of `/assets/style.css`. */
export const STYLE_CSS = `:root {
  --bg: #f6f7f9; --panel: #ffffff; --text: #1b1f24; --muted: #57606a; --line: #d0d7de;
  --track: #e4e8ec; --accent: #0a66c2; --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e; --info: #0969da;
  --badge-bg: #eef1f4;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Ubuntu, sans-serif;
  color: var(--text); background: var(--bg);
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --panel: #161b22; --text: #e6edf3; --muted: #9da7b3; --line: #30363d;
    --track: #2a313a; --accent: #4493f8; --ok: #3fb950; --warn: #d29922; --bad: #f85149; --info: #58a6ff;
    --badge-bg: #21262d;
  }
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; }
h1 { font-size: 1.25rem; margin: 0; letter-spacing: .02em; }
h2 { font-size: 1.05rem; margin: 0 0 .6rem; }
h3 { font-size: 1rem; margin: 0; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: .5rem; top: .5rem; background: var(--panel); padding: .3rem .6rem; z-index: 2; }
.top { display: flex; flex-wrap: wrap; align-items: center; gap: .4rem 1.2rem; padding: .7rem 1.2rem;
  background: var(--panel); border-bottom: 1px solid var(--line); }
.meta { margin: 0; color: var(--muted); flex: 1 1 28rem; }
.meta code { color: var(--text); }
.live { display: flex; align-items: center; gap: .6rem; color: var(--muted); font-size: .9rem; }
.live .stale { color: var(--bad); font-weight: 600; }
button, input, select { font: inherit; color: inherit; }
button { background: var(--badge-bg); border: 1px solid var(--line); border-radius: 6px; padding: .25rem .7rem; cursor: pointer; }
button:hover { border-color: var(--muted); }
:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
.banner { margin: .8rem 1.2rem 0; padding: .6rem .9rem; border: 1px solid var(--bad); border-radius: 8px;
  background: color-mix(in srgb, var(--bad) 10%, var(--panel)); }
.auth { margin: .8rem 1.2rem 0; padding: .7rem .9rem; border: 1px solid var(--line); border-radius: 8px; background: var(--panel);
  display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }
.auth input { padding: .25rem .5rem; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); }
.hint, .note { color: var(--muted); font-size: .85rem; margin: 0 0 .5rem; }
main { padding: 1rem 1.2rem 2rem; display: grid; gap: 1.2rem; }
section { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: .9rem 1rem; min-width: 0; }
.columns { display: grid; grid-template-columns: minmax(0, 2fr) minmax(0, 1fr); gap: 1.2rem; align-items: start; }
.columns > section, .side > section { margin: 0; }
.side { display: grid; gap: 1.2rem; }
@media (max-width: 900px) { .columns { grid-template-columns: 1fr; } }
.tiles { display: flex; flex-direction: column; gap: .5rem; }
.tile { border: 1px solid var(--line); border-radius: 8px; padding: .35rem .7rem; min-width: 6.5rem; }
.tile .n { display: block; font-size: 1.25rem; font-weight: 600; font-variant-numeric: tabular-nums; }
.tile .l { color: var(--muted); font-size: .8rem; }
.tile.bad .n { color: var(--bad); } .tile.ok .n { color: var(--ok); } .tile.warn .n { color: var(--warn); } .tile.info .n { color: var(--info); }
.tile-group { display: flex; flex-wrap: wrap; gap: .5rem; align-items: stretch; }
.tiles > .note { margin: .5rem 0 0; }
.tile-group > .label { align-self: center; width: 3rem; color: var(--muted); font-size: .8rem; text-transform: uppercase; letter-spacing: .05em; }
.rollout { border: 1px solid var(--line); border-radius: 8px; padding: .7rem .8rem; }
.rollout + .rollout { margin-top: .8rem; }
.rollout > header { display: flex; flex-wrap: wrap; align-items: baseline; gap: .3rem .7rem; margin-bottom: .4rem; }
.rollout .target { color: var(--muted); font-weight: 400; }
.rollout .counts { margin: .35rem 0 0; color: var(--muted); font-size: .88rem; font-variant-numeric: tabular-nums; }
.rollout .halt { margin: .5rem 0 0; padding: .4rem .6rem; border-left: 3px solid var(--bad); background: color-mix(in srgb, var(--bad) 8%, transparent); }
.bar { position: relative; height: .8rem; background: var(--track); border-radius: 999px; overflow: hidden; min-width: 6rem; }
.bar > span { position: absolute; inset: 0 auto 0 0; background: var(--accent); border-radius: 999px; transition: width .4s ease; }
.bar.complete > span { background: var(--ok); }
.bar.halted > span { background: var(--bad); }
.bar.big { height: 1rem; }
.waves { width: 100%; border-collapse: collapse; margin-top: .6rem; font-size: .9rem; }
.waves th { text-align: left; font-weight: 500; white-space: nowrap; padding: .2rem .6rem .2rem 0; width: 8rem; }
.waves td { padding: .2rem .6rem .2rem 0; white-space: nowrap; }
.waves td.barcell { width: 40%; }
.waves td.when { white-space: normal; color: var(--muted); }
.badge { display: inline-block; border-radius: 999px; padding: 0 .55rem; font-size: .78rem; line-height: 1.5rem; background: var(--badge-bg);
  border: 1px solid var(--line); white-space: nowrap; }
.badge.s-upgrade, .badge.s-active, .badge.s-due { color: var(--info); border-color: var(--info); }
.badge.s-in-progress, .badge.s-baking, .badge.s-waiting-approval, .badge.s-running, .badge.s-submitted { color: var(--warn); border-color: var(--warn); }
.badge.s-failed, .badge.s-halted, .badge.s-suspended { color: var(--bad); border-color: var(--bad); }
.badge.s-in-sync, .badge.s-complete, .badge.s-completed, .badge.s-succeeded, .badge.s-ahead { color: var(--ok); border-color: var(--ok); }
.filters { display: flex; flex-wrap: wrap; gap: .5rem .7rem; align-items: center; margin-bottom: .5rem; }
.filters input[type=search] { flex: 1 1 18rem; padding: .35rem .6rem; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); }
.filters select { padding: .3rem .5rem; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); }
.table-wrap { overflow: auto; max-height: 34rem; border: 1px solid var(--line); border-radius: 8px; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
#tenants th, #tenants td, .compact th, .compact td { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid var(--line); white-space: nowrap; }
#tenants thead th { position: sticky; top: 0; background: var(--panel); z-index: 1; }
#tenants td.tenant .name { display: block; color: var(--muted); font-size: .8rem; }
#tenants tbody tr:hover { background: var(--badge-bg); }
.num { text-align: right; font-variant-numeric: tabular-nums; }
.compact { font-size: .88rem; }
.compact td.why { white-space: normal; color: var(--muted); }
.compact .rel { display: block; color: var(--muted); font-size: .8rem; }
.empty { color: var(--muted); }
.events { list-style: none; margin: 0; padding: 0; max-height: 30rem; overflow: auto; font-size: .86rem; }
.events li { display: grid; grid-template-columns: auto 1fr; gap: .1rem .6rem; padding: .35rem 0; border-bottom: 1px solid var(--line); }
.events time { color: var(--muted); font-variant-numeric: tabular-nums; white-space: nowrap; }
.events .badge { justify-self: start; }
.events .msg { grid-column: 1 / -1; overflow-wrap: anywhere; }
.events li.problem .msg { color: var(--bad); }
.overview { display: grid; gap: 1.2rem; }
.signed-out { margin: .8rem 1.2rem 0; }
.signed-out p { margin: 0; color: var(--muted); }
.rollout h3 a { color: inherit; }
.rollout .forecast-line, .rollout-page .forecast-line { margin: .25rem 0 0; font-size: .88rem; }
.waves td.num .insync, .insync { display: block; color: var(--muted); font-size: .78rem; }
#tenants td.reason { white-space: normal; min-width: 12rem; max-width: 32rem; }
#tenants td.reason .detail { display: block; color: var(--muted); font-size: .82rem; overflow-wrap: anywhere; }
#tenants tbody tr:has(.s-failed) td.reason .detail { color: var(--bad); }
.events li.warning .msg { color: var(--warn); }
#event-filters { font-size: .86rem; }
.rollout-page { display: grid; gap: .6rem; }
.rollout-page .kicker { color: var(--muted); font-weight: 400; font-size: .85rem; text-transform: uppercase; letter-spacing: .05em; }
.rollout-page .target { color: var(--muted); font-weight: 400; }
#rollout-page-body { min-width: 0; }
.rollout-page .part { overflow-x: auto; border: 1px solid var(--line); border-radius: 8px; padding: .6rem .8rem; margin-top: .8rem; }
.rollout-page .part h3 { margin-bottom: .4rem; }
.rollout-page .back { font-size: .9rem; }
.timeline { list-style: none; margin: .6rem 0 0; padding: 0; display: grid; gap: .35rem; }
.timeline li { display: grid; grid-template-columns: 8rem minmax(8rem, 1fr) auto; gap: .6rem; align-items: center; font-size: .86rem; }
.timeline .wname { font-weight: 500; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.timeline .span { color: var(--muted); white-space: nowrap; font-variant-numeric: tabular-nums; }
.timeline .track { position: relative; height: .9rem; background: var(--track); border-radius: 4px; }
.timeline .seg { position: absolute; top: 0; bottom: 0; background: var(--accent); border-radius: 4px; }
.timeline .seg.late { background: var(--bad); }
.marker { position: absolute; top: -.2rem; bottom: -.2rem; width: 2px; margin-left: -1px; }
.marker.deadline, .key.deadline { background: var(--bad); }
.marker.now, .key.now { background: var(--text); }
.legend { margin: .5rem 0 0; color: var(--muted); font-size: .8rem; }
.legend .key { display: inline-block; width: 2px; height: .8rem; margin: 0 .3rem 0 .6rem; vertical-align: middle; }
@media (max-width: 700px) {
  .timeline li { grid-template-columns: 1fr; gap: .15rem; }
  .waves tr { display: grid; grid-template-columns: 5.5rem minmax(3rem, 1fr) auto auto; gap: 0 .4rem; align-items: center; padding: .2rem 0; }
  .waves th, .waves td.barcell { width: auto; }
  .waves td.when { grid-column: 1 / -1; padding-top: 0; }
  .rollouts-section { overflow-x: auto; }
}
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .88em; }
`;
