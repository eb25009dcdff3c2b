// End-to-end tests of the timeline (Chromium, the release build, through tests/e2e/lib.mjs):
// - cost at scale: each of alert-before-owner, lifecycle-overwrite and form-autoresponder at
//   10,000 people is opened from a share link; figures: the time until the app shows the run
//   (the run itself is computed on the page's thread at load), the time from clicking the Run
//   tab until the timeline is drawn, the time of a zoom in, a pan and a fit, the number of
//   marks drawn, and the longest main-thread task ('longtask') of each phase;
// - the story on the timeline: invariant lanes (green, then red from the breaking event) and
//   step names on the marks once zoomed in, lanes grouped by person;
// - screenshots at 1280×720, normal and presentation mode (target/e2e/timeline-*.png).
// Figures are reported (target/e2e/figures.json), not asserted; checks fail the file.
import { execFileSync } from "node:child_process";
import { harness, shot } from "./lib.mjs";

const h = await harness("timeline", { timeoutMs: 1_200_000 });
const { figures, check } = h;

// A share link made by the CLI (it opens on the library; the test then opens the Run tab).
const link = (id, sets = []) =>
  execFileSync("target/release/racelab", [
    "link", id, ...sets.flatMap((s) => ["--set", s]), "--base", h.BASE,
  ]).toString().trim();

// Every long main-thread task from the page's start, kept in `window.__longtasks`.
async function watchLongTasks(page) {
  await page.addInitScript(() => {
    window.__longtasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longtasks.push([e.startTime, e.duration]);
    }).observe({ type: "longtask", buffered: true });
  });
}
// The longest task that started at or after `since` (ms since the page's start).
const longestSince = (page, since) =>
  page.evaluate((s) => Math.round(Math.max(0, ...window.__longtasks.filter(([t]) => t >= s).map(([, d]) => d))), since);

// Clicks `selector` and waits until the next frame has been painted; returns the elapsed ms
// and when it started.
async function timedClick(page, selector) {
  return page.evaluate(async (sel) => {
    const start = performance.now();
    document.querySelector(sel).click();
    await new Promise((ok) => requestAnimationFrame(() => setTimeout(ok, 0)));
    return [Math.round(performance.now() - start), start];
  }, selector);
}
const marksDrawn = (page) => page.evaluate(() => document.querySelectorAll("#timeline-svg .mark, #timeline-svg .bucket").length);

async function measureAtScale(browser, id) {
  h.step = `${id} at 10,000 people`;
  const page = await h.newPage(browser);
  await watchLongTasks(page);
  await page.goto(link(id, ["people=10000"]), { waitUntil: "commit" });
  await page.waitForSelector("#tab-run:not([disabled])", { timeout: 300_000 });
  const f = {};
  f.open_ms = Math.round(await page.evaluate(() => performance.now()));
  f.open_longest_task_ms = await longestSince(page, 0);
  const [tab, t0] = await timedClick(page, "#tab-run");
  await page.waitForSelector("#timeline-svg", { timeout: 300_000 });
  f.run_tab_ms = tab;
  f.run_tab_longest_task_ms = await longestSince(page, t0);
  f.ready_ms = Math.round(await page.evaluate(() => performance.now()));
  f.marks = await marksDrawn(page);
  for (const [name, sel] of [
    ["zoom_in", "button[title='Zoom in around the playhead']"],
    ["pan", "button[title='Pan right']"],
    ["fit", "#zoom-fit"],
  ]) {
    const [ms, start] = await timedClick(page, sel);
    f[`${name}_ms`] = ms;
    f[`${name}_longest_task_ms`] = await longestSince(page, start);
  }
  f.marks_after_fit = await marksDrawn(page);
  const perLane = await page.$$eval("#timeline-svg .lane-marks", (ls) => ls.map((l) => l.childElementCount));
  check(Math.max(...perLane) <= 240, `no lane holds more than 240 marks (${perLane})`);
  figures[`timeline_${id.replaceAll("-", "_")}_10000`] = f;
  console.log(id, JSON.stringify(f));
  await page.close();
}

await h.run(async () => {
  const browser = await h.launch();
  for (const id of ["alert-before-owner", "lifecycle-overwrite", "form-autoresponder"]) {
    await measureAtScale(browser, id);
  }
  if (process.env.TIMELINE_SCALE_ONLY) return;

  h.step = "invariant lanes and labels (list-queue naive)";
  const page = await h.newPage(browser);
  await page.goto(link("list-queue"), { waitUntil: "load" });
  await page.click("#tab-run");
  await page.waitForSelector("#timeline-svg .invariant-lane");
  const lane = page.locator("#timeline-svg .invariant-lane").first();
  check((await lane.getAttribute("data-state")) === "broken", "list-queue naive's invariant lane is broken");
  check((await page.$$("#timeline-svg .invariant-lane .held")).length > 0, "the lane is green before the break");
  check((await page.$$("#timeline-svg .invariant-lane .broken")).length > 0, "and red from it");
  const reason = await page.textContent("#timeline-svg .invariant-lane .broken title");
  check(/Emailed twice/.test(reason || ""), `the red part says why (got ${reason})`);
  await page.click("#violation-0");
  for (let i = 0; i < 6 && (await page.$$("#timeline-svg .mark-label")).length === 0; i++) {
    await page.click("button[title='Zoom in around the playhead']");
  }
  const labels = await page.$$eval("#timeline-svg .mark-label", (ls) => ls.map((l) => l.textContent));
  check(labels.length > 0, "zoomed in, the marks are labelled with their steps");
  check(labels.some((l) => /^(Send Email|Remove from List|Add to List): /.test(l)),
    `labels name flow steps in Marketo's words (${labels.slice(0, 5)})`);
  await shot(page, "timeline-labels");
  await page.check("#presentation");
  await shot(page, "timeline-labels-presentation");
  await page.uncheck("#presentation");

  h.step = "lanes by person";
  await page.click("#lanes-by-person");
  await page.waitForSelector("#timeline-svg .lane[data-person]");
  await shot(page, "timeline-by-person");
  await page.check("#presentation");
  await shot(page, "timeline-by-person-presentation");
});
