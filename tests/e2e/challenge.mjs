// End-to-end test of the scheduler challenge and of "every ordering from here": open
// list-queue, take the challenge set-up, play the naive variant to a win in at most 6 clicks
// on choices (following the hints), then "Now try fixed" and "Try every ordering from here":
// none breaks. Screenshots of the scheduler on the fix at 1280×720, normal and in
// presentation mode, go to target/e2e/scheduler-fixed*.png.
import { harness, shot, text } from "./lib.mjs";

const h = await harness("challenge");
const { BASE, check } = h;

await h.run(async () => {
  const browser = await h.launch();
  const page = await h.newPage(browser);

  h.step = "open list-queue's challenge";
  await page.goto(BASE, { waitUntil: "load" });
  await page.click("#card-list-queue");
  await page.waitForSelector("#violations");
  await page.click("#tab-explore");
  await page.click("#sched-setup");
  await page.waitForSelector("#sched-goal");

  h.step = "play naive to a win";
  let clicks = 0;
  while ((await page.$("#sched-win")) === null && clicks < 6) {
    await page.click("#sched-hint");
    await page.waitForSelector("#sched-hint-text");
    const want = (await text(page, "#sched-hint-text")).replace(/^Pick: /, "");
    const options = await page.$$("#sched-next button.option");
    let picked = false;
    for (const o of options) {
      if ((await o.textContent()) === want) {
        await o.click();
        picked = true;
        break;
      }
    }
    check(picked, `the hinted option is offered (${want})`);
    if (!picked) break;
    clicks += 1;
    await page.waitForTimeout(100);
  }
  await page.waitForSelector("#sched-win", { timeout: 5_000 }).catch(() => {});
  const win = (await page.$("#sched-win")) ? await text(page, "#sched-win") : "";
  check(clicks >= 1 && clicks <= 6, `won in ${clicks} clicks on choices (at most 6)`);
  check(/you caused the race\. Now try `fixed`\.$/.test(win), `the win message (${win})`);
  h.figures.challenge_clicks = clicks;

  h.step = "switch to fixed: every ordering from here";
  await page.click("#sched-try-fix");
  await page.waitForSelector("#sched-from");
  check((await page.$("#sched-win")) === null, "the fix starts with no win");
  const started = Date.now();
  await page.click("#sched-from");
  await page.waitForSelector("#sched-from-result[data-breaks]", { timeout: 60_000 });
  h.figures.challenge_from_here_ms = Date.now() - started;
  const verdict = await text(page, "#sched-from-result");
  check(/^Every ordering from here has been tried \([\d,]+ orderings\): none breaks the rule/.test(verdict),
    `none breaks (${verdict})`);
  h.figures.challenge_from_here_orderings =
    Number(await page.getAttribute("#sched-from-result", "data-orderings"));
  await shot(page, "scheduler-fixed");

  h.step = "presentation mode";
  await page.check("#presentation");
  await shot(page, "scheduler-fixed-presentation");

  h.step = "the fix is the open variant";
  await page.click("#tab-run");
  const variant = await page.$eval("#variant", (e) => e.value).catch(() => "");
  check(variant === "fixed", `the Run tab shows the fixed variant (${variant})`);
});
