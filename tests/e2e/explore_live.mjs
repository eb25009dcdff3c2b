// End-to-end test of the Explore tab's live figures (Chromium, the release build, through
// tests/e2e/lib.mjs): list-queue's fixed variant with the small set-up's knobs but 3 people
// (a search of many seconds) is explored in the explorer's worker; while it searches, the tab
// shows the states so far, the states a second and how deep the search is, and the states
// rise from one reading to the next; then the search is cancelled. Then the small set-up
// itself (2 people) is explored to the end, for its time and states a second. Figures
// (target/e2e/figures.json): the live readings and the small set-up's time. Screenshot:
// target/e2e/explore-live.png.
import { execFileSync } from "node:child_process";
import { attr, harness, shot, text } from "./lib.mjs";

const h = await harness("explore_live");
const { figures, check } = h;

const SMALL = ["step_time_ms=0", "trigger_delay_s=0", "webhook_ms=100", "queue_window_h=0", "batch_every_min=120"];
const link = (people) =>
  execFileSync("target/release/racelab", [
    "link", "list-queue", "--variant", "fixed",
    ...[`people=${people}`, ...SMALL].flatMap((s) => ["--set", s]), "--base", h.BASE,
  ]).toString().trim();

async function reading(page) {
  return {
    states: Number(await attr(page, "#explore-live", "data-states")),
    per_s: Number(await attr(page, "#explore-live", "data-states-per-s")),
    depth: Number(await attr(page, "#explore-live", "data-depth")),
    text: await text(page, "#explore-live"),
  };
}

await h.run(async () => {
  const browser = await h.launch();
  const page = await h.newPage(browser);

  h.step = "a long search shows live figures that rise";
  await page.goto(link(3), { waitUntil: "load" });
  await page.click("#tab-explore");
  await page.click("#explore-start");
  await page.waitForSelector("#explore-live", { timeout: 60_000 });
  const first = await reading(page);
  await page.waitForTimeout(1500);
  const second = await reading(page);
  console.log("live readings", JSON.stringify([first, second]));
  check(first.states > 0 && first.per_s > 0, `the first reading has states and a rate (${first.text})`);
  check(second.states > first.states, `the states rise (${first.states} then ${second.states})`);
  check(second.per_s > 0 && second.depth > 0, `a rate and a depth (${second.text})`);
  check(/states so far, [\d,]+ states a second, \d+ decisions deep/.test(second.text),
    `the figure reads in words (${second.text})`);
  figures.explore_live_states = [first.states, second.states];
  figures.explore_live_states_per_s = [first.per_s, second.per_s];
  await shot(page, "explore-live");
  await page.click("#explore-cancel");
  await page.waitForSelector("#explore-result");
  check(/Cancelled/.test(await text(page, "#explore-result")), "the search can be cancelled");
  check((await page.$("#explore-live")) === null, "the live figure goes when the search stops");

  h.step = "the small set-up (2 people) to the end";
  const small = await h.newPage(browser);
  await small.goto(link(2), { waitUntil: "load" });
  await small.click("#tab-explore");
  // Once to fetch the explorer's wasm, then timed.
  for (const timed of [false, true]) {
    const t0 = Date.now();
    await small.click("#explore-start");
    // A new search starts a new worker: the last result goes first.
    await small.waitForFunction(() => !document.querySelector("#explore-result[data-orderings]"));
    await small.waitForSelector("#explore-result[data-orderings]", { timeout: 120_000 });
    const outcome = await text(small, "#explore-result");
    check(/fixed: [\d,]+ orderings, \d+ end states of which 0 end in violation \(15664 states/.test(outcome),
      `fixed has no violating ordering, 15,664 states (${outcome})`);
    if (timed) figures.explore_small_fixed_ms = Date.now() - t0;
  }
  console.log("small set-up, fixed:", figures.explore_small_fixed_ms, "ms");
});
