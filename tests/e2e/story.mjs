// End-to-end tests of the story view (Chromium, the release build, through tests/e2e/lib.mjs):
// - list-queue naive opened from a share link made by the CLI; the first violation's story
//   from the violations panel: the sentence list names the two conflicting steps, the
//   diagram's conflicting boxes are the ones highlighted, every label fits inside its box,
//   column names do not overlap, and nothing scrolls sideways at 1280×720, in normal and in
//   presentation mode (screenshots target/e2e/story.png and story-presentation.png);
// - "As the step saw it" for a step that read its smart list, and its jump to the write;
// - the first violation's story of each other race scenario's naive variant tells both
//   conflicting steps too (same layout checks).
import { execFileSync } from "node:child_process";
import { harness, shot, text } from "./lib.mjs";

const h = await harness("story", { timeoutMs: 600_000 });
const { check } = h;

const link = (id, variant, seed = 1) =>
  execFileSync("target/release/racelab", ["link", id, "--variant", variant, "--seed", String(seed), "--base", h.BASE])
    .toString()
    .trim();

// The object a step's label names: "Task Email" in "Send Email: Task Email".
const object = (label) => {
  const o = label.includes(": ") ? label.slice(label.indexOf(": ") + 2) : label;
  return o.split(" (")[0];
};

// Opens `id`'s `variant` from its link, then its first violation's story.
async function openStory(page, id, variant, seed = 1) {
  await page.goto(link(id, variant, seed), { waitUntil: "load" });
  await page.waitForSelector("#tab-run:not([disabled])", { timeout: 120_000 });
  if (!(await page.$("#violations"))) await page.click("#tab-run");
  await page.waitForSelector("#story-violation-0", { timeout: 120_000 });
  await page.click("#story-violation-0");
  await page.waitForSelector("#story-svg .story-box");
}

// What the story on screen shows, and what is wrong with how it is laid out.
async function inspect(page) {
  return page.evaluate(() => {
    const problems = [];
    const inside = (a, b) =>
      a.left >= b.left - 1 && a.right <= b.right + 1 && a.top >= b.top - 1 && a.bottom <= b.bottom + 1;
    const boxes = [...document.querySelectorAll("#story-svg .story-box")];
    for (const g of boxes) {
      const r = g.querySelector("rect").getBoundingClientRect();
      for (const t of g.querySelectorAll(".story-label tspan")) {
        if (!inside(t.getBoundingClientRect(), r)) problems.push(`"${t.textContent}" sticks out of its box`);
      }
    }
    const heads = [...document.querySelectorAll("#story-svg .story-column text")].map((t) => t.getBoundingClientRect());
    for (let i = 1; i < heads.length; i++) {
      if (heads[i].left < heads[i - 1].right - 1) problems.push(`column names ${i} and ${i + 1} overlap`);
    }
    const svg = document.querySelector("#story-svg").getBoundingClientRect();
    // A box's font size on screen: its SVG units times the drawing's scale.
    const svgEl = document.querySelector("#story-svg");
    const scale = svg.width / svgEl.viewBox.baseVal.width;
    const labelFontPx = Math.min(
      ...[...document.querySelectorAll("#story-svg .story-label")].map((t) => parseFloat(t.getAttribute("font-size")) * scale),
    );
    const sentence = document.querySelector("#story-sentences .sentence-button");
    const sentencePx = sentence ? parseFloat(getComputedStyle(sentence).fontSize) : 0;
    const fontPx = Math.min(
      ...[...document.querySelectorAll("#story-svg .story-label tspan")].map((t) => t.getBoundingClientRect().height),
    );
    return {
      problems,
      sideways: document.documentElement.scrollWidth > window.innerWidth,
      svgRight: svg.right,
      labelHeightPx: Math.round(fontPx * 10) / 10,
      labelFontPx: Math.round(labelFontPx * 10) / 10,
      sentencePx,
      conflict: [...document.querySelectorAll("#story-svg .story-box.conflict")].map((g) => g.dataset.label),
      labels: boxes.map((g) => g.dataset.label),
      sentences: [...document.querySelectorAll("#story-sentences li")].map((l) => l.textContent),
      conflictSentences: [...document.querySelectorAll("#story-sentences li.conflict")].map((l) => l.textContent),
    };
  });
}

// Checks the story on screen names and highlights its two conflicting steps and is laid out
// cleanly; returns what it saw.
async function checkStory(page, what) {
  const s = await inspect(page);
  check(s.conflict.length === 2, `${what}: two conflicting boxes highlighted (${s.conflict})`);
  for (const label of s.conflict) {
    const named = s.conflictSentences.some((t) => t.toLowerCase().includes(object(label).toLowerCase()));
    check(named, `${what}: a sentence names the conflicting step "${label}" (${s.conflictSentences.join(" | ")})`);
  }
  check(s.sentences.length > 0 && s.sentences.every((t) => /^\d+\. \d/.test(t)), `${what}: numbered sentences with times`);
  check(s.problems.length === 0, `${what}: labels fit (${s.problems.join("; ")})`);
  check(!s.sideways, `${what}: nothing scrolls sideways at 1280×720`);
  return s;
}

await h.run(async () => {
  const browser = await h.launch();
  const page = await h.newPage(browser);

  h.step = "list-queue naive: the first violation's story";
  await openStory(page, "list-queue", "naive");
  const s = await checkStory(page, "list-queue naive");
  check(
    s.conflict.every((l) => l === "Send Email: Task Email"),
    `the conflicting steps are the two sends of the Task Email (${s.conflict})`,
  );
  check(s.labels.includes("Remove from List: Work Queue"), "the batch's Remove from List is in the story");
  check(
    s.sentences.some((t) => /takes its list of members: person \d+ is in Work Queue/.test(t)),
    `a sentence says what the batch's list held (${s.sentences.join(" | ")})`,
  );
  h.figures.story_list_queue = { steps: s.labels.length, sentences: s.sentences.length, label_px: s.labelHeightPx };
  await page.mouse.move(0, 0);
  await shot(page, "story");

  h.step = "as the step saw it";
  await page.click("#story-svg .story-box.read.conflict rect");
  await page.waitForSelector("#story-seen tr.differs");
  check((await text(page, "#story-seen tr.differs .seen-read")) === "yes", "the batch read: in Work Queue");
  check((await text(page, "#story-seen tr.differs .seen-current")) === "no", "at that moment: no longer");
  await page.click("#story-seen .story-write");
  await page.waitForSelector("#story-svg .story-box.selected[data-label='Remove from List: Work Queue']");
  await shot(page, "story-seen");

  h.step = "presentation mode";
  await page.click("#story-svg .story-box.read.conflict rect");
  await page.check("#presentation");
  await page.waitForFunction(() => parseFloat(getComputedStyle(document.documentElement).fontSize) >= 20);
  const p = await checkStory(page, "list-queue naive, presentation mode");
  check(p.labelHeightPx > s.labelHeightPx, `bigger labels in presentation mode (${p.labelHeightPx} > ${s.labelHeightPx} px)`);
  // On a projector a box's text reads about as big as the sentences beside it.
  check(p.labelFontPx >= 0.9 * p.sentencePx,
    `presentation mode: box text ${p.labelFontPx} px, at least 0.9 of the sentences' ${p.sentencePx} px`);
  h.figures.story_list_queue_presentation = {
    label_px: p.labelHeightPx, label_font_px: p.labelFontPx, sentence_px: p.sentencePx,
  };
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.mouse.move(0, 0);
  await shot(page, "story-presentation");
  await page.uncheck("#presentation");

  h.step = "close";
  await page.click("#story-close");
  await page.waitForSelector("#violations");

  // Each at a seed whose naive run breaks (replica-cascade's seed 1 breaks nothing since its
  // list adds were spread 1 ms apart; seed 2 does).
  const seeds = { "replica-cascade": 2 };
  for (const id of ["alert-before-owner", "sync-before-enrichment", "lifecycle-overwrite", "central-mql", "replica-cascade"]) {
    h.step = `${id} naive: the first violation's story`;
    await openStory(page, id, "naive", seeds[id] ?? 1);
    await checkStory(page, `${id} naive`);
    await page.click("#story-close");
  }
});
