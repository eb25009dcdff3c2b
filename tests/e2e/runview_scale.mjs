// End-to-end test of the run view's cost at scale (Chromium, the release build, through
// tests/e2e/lib.mjs): every built-in scenario at 10,000 people (or its own scale knob at its
// maximum; a scenario without one at its defaults) is opened from a share link in a fresh
// page. The link opens on the Run tab; the run is computed by the app's worker, then read back
// and drawn on the page. Measured, checking once a frame: the time from the run's arrival
// (the page's "racelab-run-arrived" mark) until the whole run view is drawn (the timeline's
// marks, the violations, the leads table and the inspector's answer), then, after a visit to
// the Library tab, from the Run tab's click until drawn again; the longest main-thread task
// ('longtask') of each; beside them the engine's own wasm run time (the same set-up run once
// through the worker's entry point on the page, after a warm-up run).
// Checked: the view drawn stays the same size whatever the run's (a page of 50 leads, a bounded
// number of elements). Reported, not asserted (a shared machine makes them noise; README
// "Performance" has them side by side): the longest main-thread task from the run's arrival
// until drawn and from the Run tab's click until drawn (target under 200 ms; the run itself is
// made in the worker), and the times against the engine's (target at most 2×). Screenshots at 1280×720, normal and presentation mode, for the scenarios in SHOTS
// (target/e2e/runview-*.png). ONLY=<id,id> limits the scenarios.
import { execFileSync } from "node:child_process";
import { harness, shot } from "./lib.mjs";

const h = await harness("runview_scale", { timeoutMs: 1_800_000 });
const { figures, check } = h;
const FROZEN_MS = 200;
// Elements on the whole page with a 10,000-person run open (1,885 at most when measured).
const MOST_ELEMENTS = 4_000;

// Each built-in scenario and the knobs that make it big.
const SCALE = {
  "alert-before-owner": ["people=10000"],
  "central-mql": ["people=10000"],
  "crm-overwrite": ["people=10000"],
  "duplicate-lead": ["people=10000"],
  "form-autoresponder": ["people=10000"],
  "free-trial": [],
  "job-checkpoint": ["days=30"],
  "lifecycle-overwrite": ["people=10000"],
  "list-queue": ["people=10000"],
  "lock-storm": ["responses=10000"],
  "owner-alert-tactics": ["new_leads=5000", "known_leads=5000"],
  "replica-cascade": ["people=10000"],
  "score-recycle": ["people=10000"],
  "sync-before-enrichment": [],
};
const SHOTS = new Set(["lifecycle-overwrite", "alert-before-owner"]);
const only = process.env.ONLY ? new Set(process.env.ONLY.split(",")) : null;

const link = (id, sets) =>
  execFileSync("target/release/racelab", [
    "link", id, ...sets.flatMap((s) => ["--set", s]), "--base", h.BASE,
  ]).toString().trim();

// Whether the run view is drawn: the timeline's marks, the violations panel and the leads
// table (not "Listing the people…"); with `inspector`, the inspector's answer too (not
// "Replaying…"). (Evaluated in the page.)
function drawnIn(inspector) {
  const marks = document.querySelector("#timeline-svg .marks");
  const outcomes = document.querySelector("#outcomes");
  const view = !!marks && marks.getAttribute("aria-busy") !== "true"
    && !!document.querySelector("#violations")
    && !!outcomes && !/Listing the people/.test(outcomes.textContent);
  const i = document.querySelector("#inspector");
  return view && (!inspector || (!!i && !/Replaying the run/.test(i.textContent)));
}

// A page whose long tasks are recorded from its very start, and which notes (checking once a
// frame) when the run view is first drawn after the run arrived from the worker:
// `__drawnAt` without the inspector's answer, `__readyAt` with it.
async function watchedPage(browser) {
  const page = await h.newPage(browser);
  await page.addInitScript((drawn) => {
    window.__longtasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longtasks.push([e.startTime, e.duration]);
    }).observe({ type: "longtask", buffered: true });
    const isDrawn = new Function(`return (${drawn})`)();
    const poll = () => {
      if (performance.getEntriesByName("racelab-run-arrived").length) {
        if (window.__drawnAt == null && isDrawn(false)) window.__drawnAt = performance.now();
        if (isDrawn(true)) {
          window.__readyAt = performance.now();
          return;
        }
      }
      requestAnimationFrame(poll);
    };
    requestAnimationFrame(poll);
  }, drawnIn.toString());
  return page;
}
// The longest task that ended at or after `since` (and started before `until`).
const longestSince = (page, since, until = Infinity) =>
  page.evaluate(([s, u]) => Math.round(Math.max(0, ...window.__longtasks
    .filter(([t, d]) => t + d >= s && t < u).map(([, d]) => d))), [since, until]);

// Clicks the Run tab and waits, checking once a frame, until the run view is drawn (the
// inspector included). Returns [ms to drawn, ms to drawn but the inspector, the click's time].
const clickRunTab = (page) =>
  page.evaluate(async (drawn) => {
    const isDrawn = new Function(`return (${drawn})`)();
    const start = performance.now();
    document.querySelector("#tab-run").click();
    let view = null;
    for (;;) {
      await new Promise((ok) => requestAnimationFrame(() => setTimeout(ok, 0)));
      const now = performance.now() - start;
      if (view == null && isDrawn(false)) view = now;
      if (view != null && isDrawn(true)) return [Math.round(now), Math.round(view), start];
      if (now > 120_000) return [null, view && Math.round(view), start];
    }
  }, drawnIn.toString());

// The engine alone: the same set-up run once by the worker's entry point (a warm-up run
// first), on this page. Returns [ms, events].
const engineRun = (page, code, seed) =>
  page.evaluate(async ([code, seed]) => {
    const mod = await import(document.querySelector("script[data-js]").dataset.js);
    const once = () => mod.racelab_work({ kind: "sweep", first_seed: BigInt(seed), runs: 1, code });
    once();
    const t0 = performance.now();
    const reply = once();
    return [performance.now() - t0, Number(reply.events), reply.kind, reply.message];
  }, [code, seed]);

async function measure(browser, id, sets) {
  h.step = `${id} ${sets.join(" ") || "(defaults)"}`;
  const page = await watchedPage(browser);
  const url = link(id, sets);
  await page.goto(url, { waitUntil: "commit" });
  // The link opens on the Run tab: the run is computed by the worker, read back on the page and
  // drawn.
  await page.waitForFunction(() => window.__readyAt != null, null, { timeout: 600_000, polling: 200 });
  await page.waitForTimeout(1_000);
  const f = {};
  const [arrived, drawnAt, readyAt] = await page.evaluate(() =>
    [performance.getEntriesByName("racelab-run-arrived")[0].startTime, window.__drawnAt, window.__readyAt]);
  f.arrived_ms = Math.round(arrived);
  // Where the page's time goes: reading the run's bytes, the timeline's lane index, drawing.
  const [read, indexed] = await page.evaluate(() => ["racelab-run-read", "racelab-run-indexed"]
    .map((n) => performance.getEntriesByName(n)[0]?.startTime ?? null));
  if (read != null) f.arrival_to_read_ms = Math.round(read - arrived);
  if (indexed != null) f.read_to_indexed_ms = Math.round(indexed - read);
  f.arrival_to_drawn_ms = Math.round(drawnAt - arrived);
  f.arrival_to_ready_ms = Math.round(readyAt - arrived);
  f.arrival_longest_task_ms = await longestSince(page, arrived);
  // The long tasks after the arrival (ms after it, ms long), with the marks between them.
  f.arrival_tasks = await page.evaluate((a) => window.__longtasks.filter(([t, d]) => t + d >= a)
    .map(([t, d]) => [Math.round(t - a), Math.round(d)]), arrived);
  // Timed figures are reported, not asserted: on a busy 2-core machine a 200 ms task is noise
  // (README "Performance" has the side-by-side figures). What the view costs is asserted below
  // by what it draws, which does not vary with the machine.
  f.arrival_task_over_budget = f.arrival_longest_task_ms >= FROZEN_MS;
  // Away to the library and back: the whole run view drawn again.
  await page.click("#tab-library");
  await page.waitForTimeout(500);
  const [ready, view, t0] = await clickRunTab(page);
  await page.waitForTimeout(500);
  f.run_tab_to_drawn_ms = ready;
  f.run_tab_to_drawn_but_inspector_ms = view;
  f.run_tab_longest_task_ms = await longestSince(page, t0);
  check(ready != null, `the run view is drawn within 2 minutes of the Run tab's click`);
  f.run_tab_task_over_budget = f.run_tab_longest_task_ms >= FROZEN_MS;
  f.marks = await page.evaluate(() => document.querySelectorAll("#timeline-svg .mark, #timeline-svg .bucket").length);
  f.violations = Number(await page.getAttribute("#violations", "data-count"));
  f.table_rows = await page.evaluate(() => document.querySelectorAll("#outcomes-table tbody tr").length);
  f.inspector_items = await page.evaluate(() => document.querySelectorAll("#inspector li").length);
  f.dom_elements = await page.evaluate(() => document.getElementsByTagName("*").length);
  // The view's size does not grow with the run: a page of the leads table, a few lines per
  // queue in the inspector, and a bounded number of elements in all.
  check(f.table_rows <= 50, `the leads table shows at most 50 people at a time (${f.table_rows})`);
  check(f.dom_elements <= MOST_ELEMENTS,
    `the run view of 10,000 people is drawn with at most ${MOST_ELEMENTS} elements (${f.dom_elements})`);
  if (SHOTS.has(id)) {
    await shot(page, `runview-${id}`);
    await page.check("#presentation");
    await shot(page, `runview-${id}-presentation`);
    await page.uncheck("#presentation");
  }
  const seed = await page.inputValue("#seed");
  const [ms, events, kind, message] = await engineRun(page, url.split("#")[1], seed);
  check(kind === "swept", `the engine's run answers (${kind}${message ? ": " + message : ""})`);
  f.engine_wasm_ms = Math.round(ms);
  f.engine_events = events;
  const ratio = (x) => (x != null ? Math.round((x / Math.max(1, ms)) * 100) / 100 : null);
  f.arrival_to_ready_over_engine = ratio(f.arrival_to_ready_ms);
  f.run_tab_over_engine = ratio(ready);
  figures[`runview_${id.replaceAll("-", "_")}_scale`] = f;
  console.log(id, JSON.stringify(f));
  await page.close();
}

await h.run(async () => {
  const browser = await h.launch();
  figures.runview_load_average = (await import("node:os")).loadavg().map((x) => Math.round(x * 10) / 10);
  for (const [id, sets] of Object.entries(SCALE)) {
    if (only && !only.has(id)) continue;
    await measure(browser, id, sets);
  }
  figures.runview_load_average_after = (await import("node:os")).loadavg().map((x) => Math.round(x * 10) / 10);
});
