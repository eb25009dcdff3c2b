// End-to-end test of lesson links (Chromium, the release build, through tests/e2e/lib.mjs):
// for EACH race scenario of the library (every scenario with a variant of role `race`), the
// CLI prints a lesson link (`racelab link <id> --lesson`); opened in a fresh page it plays the
// run (computed in the app's worker) up to the race and pauses there with the explanation,
// which names the violation the CLI's run of the same link reports. The time from navigation
// to the pause is a figure (lesson_pause_ms_<id>, and the maximum), under 60 s each; the
// story is then at most 3 clicks away ("Show the story": 1). With the story view merged, the
// click shows its diagram (#story-svg) and its conflicting sentences; without it, the lesson
// panel's data-story marker says the story was asked for. For list-queue, "Show the fix side
// by side" compares with the fix at the same seed. Screenshots of the pause at 1280×720,
// normal and in presentation mode: target/e2e/lesson.png, lesson-presentation.png (and
// lesson-fix.png, the fix side by side); the story opened in presentation mode has its two
// conflicting steps in view (lesson-story-presentation.png).
import { execFileSync } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { harness, shot, text, attr } from "./lib.mjs";

const h = await harness("lesson", { timeoutMs: 600_000 });
const { check } = h;

const racelab = (args) => execFileSync("target/release/racelab", args).toString().trim();

// Every scenario with a `race` variant, from the scenario files the app is built from.
const races = [];
for (const file of (await readdir("src/scenarios")).filter((f) => f.endsWith(".json")).sort()) {
  const s = JSON.parse(await readFile(`src/scenarios/${file}`, "utf8"));
  if ((s.variants || []).some((v) => v.role === "race")) races.push(s.id);
}

await h.run(async () => {
  check(races.length >= 14, `every race scenario is tried (${races.join(", ")})`);
  const browser = await h.launch();
  let slowest = 0;
  for (const id of races) {
    h.step = `${id}: open its lesson link`;
    const link = racelab(["link", id, "--lesson", "--base", h.BASE]);
    // What the CLI's run of the same link reports as its first violation.
    const report = JSON.parse(racelab(["run", "--link", link, "--json"]));
    const first = report.violations[0];
    check(first !== undefined, `${id}: the lesson link's run has a violation`);
    const page = await h.newPage(browser);
    const start = Date.now();
    await page.goto(link, { waitUntil: "load" });
    await page.waitForSelector("#lesson-panel[data-phase=paused]", { timeout: 60_000 });
    const pauseMs = Date.now() - start;
    h.figures[`lesson_pause_ms_${id}`] = pauseMs;
    slowest = Math.max(slowest, pauseMs);
    check(pauseMs < 60_000, `${id}: paused ${pauseMs} ms after opening the link (limit 60 s)`);

    h.step = `${id}: the explanation at the pause`;
    check((await text(page, "[role=tab][aria-selected=true]")) === "Run", `${id}: opened on the Run tab`);
    check((await attr(page, "#play", "aria-pressed")) === "false", `${id}: playback paused`);
    const title = await text(page, "#lesson-title");
    const listed = await text(page, "#violation-0 strong");
    check(listed !== "" && title.includes(listed), `${id}: the explanation names the violation (${title} / ${listed})`);
    const outcome = await text(page, "#lesson-outcome");
    check(first && outcome.includes(first.message), `${id}: the explanation says what goes wrong (${outcome})`);
    const stop = await text(page, "#lesson-stop");
    check(/^Paused at \d/.test(stop) && stop.length > 40, `${id}: the step it paused on, in words (${stop})`);
    const sentences = await page.$$eval("#lesson-sentences li", (l) => l.map((x) => x.textContent));
    check(sentences.length > 0 && sentences.every((t) => /^\d+\. \d/.test(t)), `${id}: the story so far (${sentences.length} sentences)`);
    const playhead = await text(page, "#playhead-time");
    check(playhead !== "t = 0:00:00", `${id}: the playhead moved to the race (${playhead})`);
    // One time format across the run views: the pause and the playhead read the same moment.
    const paused = (/^Paused at ([^,]+),/.exec(stop) || [])[1];
    check(playhead === `t = ${paused}`, `${id}: the playhead reads the paused moment (${playhead} / ${paused})`);
    if (id === "list-queue") {
      await shot(page, "lesson");
      await page.check("#presentation");
      await shot(page, "lesson-presentation");
      await page.uncheck("#presentation");
    }

    h.step = `${id}: reach the story`;
    let clicks = 0;
    await page.click("#lesson-story");
    clicks += 1;
    const reached = await page
      .waitForSelector("#story-svg .story-box, #lesson-panel[data-story=violation-0]", { timeout: 10_000 })
      .then(() => true, () => false);
    check(reached && clicks <= 3, `${id}: the story in ${clicks} click(s)`);
    if (await page.$("#story-svg")) {
      // The story view (merged from its branch): the race's two steps, told.
      const conflicts = await page.$$("#story-sentences li.conflict");
      check(conflicts.length >= 1, `${id}: the story tells the conflicting steps`);
    }
    h.figures[`lesson_story_clicks_${id}`] = clicks;

    if (id === "list-queue") {
      h.step = `${id}: the fix side by side`;
      await page.goto(link, { waitUntil: "load" });
      await page.waitForSelector("#lesson-panel[data-phase=paused]", { timeout: 60_000 });
      await page.click("#lesson-fix");
      await page.waitForSelector("#outcome-b[data-violations]", { timeout: 30_000 });
      check((await text(page, "[role=tab][aria-selected=true]")) === "Compare", "the Compare tab shows");
      check((await page.inputValue("#compare-variant-b")) === "fixed", "beside the fix");
      check((await attr(page, "#outcome-b", "data-violations")) === "0", "the fix has no violation");
      const fixed = JSON.parse(racelab(["run", "--link", link, "--variant", "fixed", "--json"]));
      check((await attr(page, "#outcome-b", "data-trace-hash")) === fixed.trace_hash,
        "the fix's run at the same seed (its trace hash is the CLI's)");
      await shot(page, "lesson-fix");

      h.step = `${id}: the story on a projector`;
      // Presentation mode at 1280×720: the story opens with its two conflicting steps in view
      // (they fell below the fold).
      await page.goto(link, { waitUntil: "load" });
      await page.waitForSelector("#lesson-panel[data-phase=paused]", { timeout: 60_000 });
      await page.check("#presentation");
      await page.click("#lesson-story");
      await page.waitForSelector("#story-svg .story-box.conflict");
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const boxes = await page.$$eval("#story-svg .story-box.conflict", (bs) =>
        bs.map((b) => { const r = b.getBoundingClientRect(); return [Math.round(r.top), Math.round(r.bottom)]; }));
      const height = await page.evaluate(() => innerHeight);
      check(boxes.length === 2 && boxes.every(([t, b]) => t >= 0 && b <= height),
        `presentation mode: both conflicting steps in view (${JSON.stringify(boxes)}, window ${height} px)`);
      await shot(page, "lesson-story-presentation");
      await page.uncheck("#presentation");
    }
    await page.context().close();
  }
  h.figures.lesson_pause_ms_max = slowest;
});
