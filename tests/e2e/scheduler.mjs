// End-to-end test of "You are the scheduler": open list-queue, take the challenge set-up, and
// play the naive variant to a win in at most 6 clicks on choices, asking for a hint before
// each click (a trainee could also find them unaided: tests/scheduler_challenge.rs checks a
// win exists). Screenshots of the scheduler at 1280×720, normal and in presentation mode, go
// to target/e2e/scheduler*.png.
import { harness, playHintsToWin, shot, text } from "./lib.mjs";

const h = await harness("scheduler");
const { BASE, check } = h;

await h.run(async () => {
  const browser = await h.launch();
  const page = await h.newPage(browser);

  h.step = "open list-queue on the Explore tab";
  await page.goto(BASE, { waitUntil: "load" });
  await page.click("#card-list-queue");
  await page.waitForSelector("#violations");
  await page.click("#tab-explore");
  await page.click("#sched-setup");
  await page.waitForSelector("#sched-goal");
  check(/two Task Emails/.test(await text(page, "#sched-goal")), "the goal is in Marketo's words");
  check((await page.$("#sched-win")) === null, "not won before any choice");
  await shot(page, "scheduler-goal");

  h.step = "play the challenge to a win";
  const { clicks, win } = await playHintsToWin(h, page);
  check(clicks <= 6 && /you caused the race\. Now try `fixed`\./.test(win),
    `won in ${clicks} clicks (${win})`);
  check(/^Person 1 got "Task Email" twice/.test(win), `the win names the person and the email (${win})`);
  h.figures.scheduler_challenge_clicks = clicks;
  await shot(page, "scheduler");

  h.step = "presentation mode";
  await page.check("#presentation");
  await shot(page, "scheduler-presentation");
});
