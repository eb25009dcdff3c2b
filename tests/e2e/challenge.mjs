// End-to-end test of the scheduler challenges and of "every ordering from here": for every
// race scenario (each built-in that is not a control case), open it, take the challenge
// set-up, play the variant it names to a win in at most 6 clicks on choices (following the
// hints), then "Now try <fix>" and "Try every ordering from here": none breaks. Screenshots of
// the win and of the fix's verdict at 1280×720, normal and in presentation mode, go to
// target/e2e/scheduler-fixed*.png (list-queue) and target/e2e/challenge-<id>*.png (two of the
// newer challenges).
import { readdir } from "node:fs/promises";
import { harness, playHintsToWin, shot, sourceOf, text } from "./lib.mjs";

const h = await harness("challenge", { timeoutMs: 900_000 });
const { BASE, check } = h;

// Every built-in scenario's variants by role, and whether it is a control case.
const scenarios = {};
for (const f of (await readdir("src/scenarios")).filter((f) => f.endsWith(".json"))) {
  const s = JSON.parse(await sourceOf(f.slice(0, -".json".length)));
  const role = (r) => s.variants.filter((v) => v.role === r).map((v) => v.name);
  scenarios[s.id] = { control: !!s.control, races: role("race"), fixes: role("fix") };
}
const SHOTS = ["alert-before-owner", "replica-cascade"];

await h.run(async () => {
  const browser = await h.launch();
  // The race scenarios, in library order.
  const first = await h.newPage(browser);
  await first.goto(BASE, { waitUntil: "load" });
  const ids = (await first.$$eval(".cards .card", (cs) => cs.map((c) => c.id.replace(/^card-/, ""))))
    .filter((id) => scenarios[id] && !scenarios[id].control);
  await first.context().close();
  check(ids.length >= 12, `every race scenario is on the library (${ids.length})`);
  h.figures.challenge_clicks = {};

  for (const id of ids) {
    const { races, fixes } = scenarios[id];
    // A fresh page (and storage) per scenario: the app opens on the library.
    const page = await h.newPage(browser);
    h.step = `${id}: open its challenge`;
    await page.goto(BASE, { waitUntil: "load" });
    await page.click(`#card-${id}`);
    await page.waitForSelector("#violations");
    await page.click("#tab-explore");
    await page.click("#sched-setup");
    await page.waitForSelector("#sched-goal");
    const goal = await text(page, "#sched-goal");
    const played = (/ Variant ([\w-]+), one choice at a time/.exec(goal) || [])[1];
    check(races.includes(played), `the goal names a race variant (${goal})`);
    check((await page.$("#sched-win")) === null, "not won before any choice");

    h.step = `${id}: play ${played} to a win`;
    const { clicks, win } = await playHintsToWin(h, page);
    h.figures.challenge_clicks[id] = clicks;
    check(clicks >= 1 && clicks <= 6, `won in ${clicks} clicks on choices (at most 6)`);
    const fix = (/you caused the race\. Now try `([\w-]+)`\.$/.exec(win) || [])[1];
    check(fixes.includes(fix), `the win message names the fix (${win})`);
    if (SHOTS.includes(id)) {
      await shot(page, `challenge-${id}`);
      await page.check("#presentation");
      await shot(page, `challenge-${id}-presentation`);
      await page.uncheck("#presentation");
    }

    h.step = `${id}: switch to ${fix}: every ordering from here`;
    await page.click("#sched-try-fix");
    await page.waitForSelector("#sched-from");
    check((await page.$("#sched-win")) === null, "the fix starts with no win");
    const started = Date.now();
    await page.click("#sched-from");
    await page.waitForSelector("#sched-from-result[data-breaks]", { timeout: 120_000 });
    const ms = Date.now() - started;
    const verdict = await text(page, "#sched-from-result");
    check(/^No order breaks the rule: Race Lab tried every order the steps could run in/.test(verdict) &&
      !/\d/.test(verdict), `none breaks, in words without the explorer's count (${verdict})`);
    check((await page.getAttribute("#sched-from-result", "data-cut")) === "false", "the search was not cut short");
    if (id === "list-queue") {
      h.figures.challenge_from_here_ms = ms;
      h.figures.challenge_from_here_orderings =
        Number(await page.getAttribute("#sched-from-result", "data-orderings"));
      await shot(page, "scheduler-fixed");
      await page.check("#presentation");
      await shot(page, "scheduler-fixed-presentation");
      await page.uncheck("#presentation");
    }
    if (SHOTS.includes(id)) {
      await shot(page, `challenge-${id}-fixed`);
      await page.check("#presentation");
      await shot(page, `challenge-${id}-fixed-presentation`);
      await page.uncheck("#presentation");
    }

    h.step = `${id}: the fix is the open variant`;
    await page.click("#tab-run");
    const variant = await page.$eval("#variant", (e) => e.value).catch(() => "");
    check(variant === fix, `the Run tab shows the ${fix} variant (${variant})`);
    await page.context().close();
  }
});
