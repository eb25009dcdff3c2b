//! Component tests of the story view: list-queue naive opened from a link, the story of its
//! first violation from the violations panel (sentences naming the two conflicting steps, the
//! sequence diagram's labelled boxes with the conflict highlighted), sentences and boxes
//! lighting each other, "As the step saw it" with its jump to the write, Close and Escape, a
//! person's story from the outcomes table, and a story closed by a run without its violation:
//! a module of `tests/ui.rs`, using its helpers.

use super::*;
use racelab::api::{self, Story, StoryOf};
use racelab::ui::story::diagram::{wrap, CONFLICT_FILL};

/// list-queue's `variant` at seed 1 (a fresh link's set-up) and its story `of`, computed here.
fn story_of(variant: &str, of: StoryOf) -> Story {
    let mut spec = RunSpec::builtin("list-queue");
    spec.variant = variant.into();
    let scenario = racelab::scenarios::parse(scenario_sources::text("list-queue")).unwrap();
    api::story(&scenario, &spec.config(variant), spec.seed, &[], of).unwrap()
}

/// Opens list-queue `variant` on the Run tab from a link and waits for its violations panel.
async fn open(variant: &str) -> Mounted {
    let mut spec = RunSpec::builtin("list-queue");
    spec.variant = variant.into();
    spec.view.tab = Tab::Run;
    spec.compare = None;
    let app = mount(Some(&racelab::codec::encode(&spec))).await;
    // One app serves every test: a story an earlier test left open is closed first.
    if app.find("#story-close").is_some() {
        app.click("#story-close").await;
    }
    app.shows("#violations").await;
    app
}

/// The text of every element matching `selector`, in order.
fn texts(app: &Mounted, selector: &str) -> Vec<String> {
    let list = app.root.query_selector_all(selector).unwrap();
    (0..list.length())
        .map(|i| list.item(i).unwrap().text_content().unwrap_or_default())
        .collect()
}

/// The fill of the box of story step `i`.
fn fill(app: &Mounted, i: usize) -> String {
    app.attr(
        &format!("#story-svg .story-box[data-step='{i}'] rect"),
        "fill",
    )
}

fn focus(app: &Mounted, selector: &str) {
    app.get(selector)
        .unchecked_into::<HtmlElement>()
        .focus()
        .unwrap();
}

/// A click on the SVG element matching `selector` (SVG elements have no `click()`).
async fn click_svg(app: &Mounted, selector: &str) {
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let e = web_sys::Event::new_with_event_init_dict("click", &init).unwrap();
    app.get(selector).dispatch_event(&e).unwrap();
    settle().await;
}

#[wasm_bindgen::prelude::wasm_bindgen(inline_js = "export function key_down(key) { \
    return new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }); }")]
extern "C" {
    /// A bubbling `keydown` of `key`, as a keyboard sends it.
    fn key_down(key: &str) -> web_sys::Event;
}

/// `key` pressed on the element matching `selector`.
fn key(app: &Mounted, selector: &str, key: &str) {
    app.get(selector).dispatch_event(&key_down(key)).unwrap();
}

#[wasm_bindgen_test]
async fn a_violations_story_names_and_highlights_the_two_conflicting_steps() {
    let want = story_of("naive", StoryOf::Violation(0));
    let (a, b) = want.conflict.expect("the story has a conflict");
    // The engine's story of list-queue naive: the batch and the trigger campaign both send
    // the Task Email, after the batch removed the person from Work Queue.
    assert_eq!(want.steps[a].label, "Send Email: Task Email");
    assert_eq!(want.steps[b].label, "Send Email: Task Email");
    assert_ne!(want.steps[a].column, want.steps[b].column);

    let app = open("naive").await;
    assert!(app.find("#story").is_none());
    app.click("#story-violation-0").await;
    app.shows("#story-sentences").await;
    assert_eq!(app.text("#story-title"), want.title);
    assert!(app.text("#story-title").contains("Emailed twice"));
    // The run's panels give way to the story; the timeline stays below it.
    assert!(app.find("#violations").is_none());
    app.shows("#timeline-svg").await;

    // The numbered sentences, in plain words, as the engine tells them.
    let said = texts(&app, "#story-sentences li");
    assert_eq!(said.len(), want.sentences.len());
    for (s, text) in want.sentences.iter().zip(&said) {
        assert_eq!(*text, s.line());
    }
    let conflict = texts(&app, "#story-sentences li.conflict").join("\n");
    assert!(conflict.contains("sends person"), "{conflict}");
    assert!(conflict.contains("the Task Email again"), "{conflict}");
    let all = said.join("\n");
    assert!(all.contains("removes person"), "{all}");
    assert!(all.contains("from Work Queue"), "{all}");
    assert!(all.contains("takes its list of members"), "{all}");

    // The diagram: a column per campaign or system, named on top; a box per step, its label
    // written in it; exactly the two conflicting boxes highlighted; the violating one marked.
    let heads = texts(&app, "#story-svg .story-column text");
    assert_eq!(heads.len(), want.columns.len());
    for (head, name) in heads.iter().zip(&want.columns) {
        assert_eq!(head.replace(' ', ""), name.replace(' ', ""));
    }
    assert_eq!(app.count("#story-svg .story-box"), want.steps.len() as u32);
    for (i, s) in want.steps.iter().enumerate() {
        let sel = format!("#story-svg .story-box[data-step='{i}']");
        assert_eq!(app.attr(&sel, "data-label"), s.label);
        let shown = texts(&app, &format!("{sel} .story-label tspan")).join(" ");
        assert_eq!(shown, s.label, "the label is written in the box");
        let lit = i == a || i == b;
        assert_eq!(fill(&app, i) == CONFLICT_FILL, lit, "box {i} ({})", s.label);
    }
    assert_eq!(app.count("#story-svg .story-box.conflict"), 2);
    let labels: Vec<String> = ["Send Email: Task Email", "Remove from List: Work Queue"]
        .iter()
        .map(|l| {
            app.count(&format!("#story-svg .story-box[data-label='{l}']"))
                .to_string()
        })
        .collect();
    assert_eq!(labels, ["2", "1"]);
    let violating = want.steps.iter().position(|s| s.violating).unwrap();
    assert_eq!(
        app.attr("#story-svg .story-box.violating", "data-step"),
        violating.to_string()
    );
    assert_eq!(app.count("#story-svg .violating-mark"), 1);
    assert_eq!(
        app.count("#story-svg .story-arrow"),
        want.arrows.len() as u32
    );
    assert!(app
        .text("#story-legend")
        .contains("The two steps that conflict"));
    // Boxes are laid out down the page in time order.
    let ys: Vec<f64> = (0..want.steps.len())
        .map(|i| {
            app.attr(&format!("#story-svg .story-box[data-step='{i}'] rect"), "y")
                .parse()
                .unwrap()
        })
        .collect();
    assert!(ys.windows(2).all(|w| w[0] < w[1]), "{ys:?}");
    app.click("#story-close").await;
}

#[wasm_bindgen_test]
async fn sentences_and_boxes_light_each_other_and_a_step_shows_what_it_read() {
    let want = story_of("naive", StoryOf::Violation(0));
    let app = open("naive").await;
    app.click("#story-violation-0").await;
    app.shows("#story-sentences").await;
    assert_eq!(app.count("#story-svg .story-box.lit"), 0);

    // Focusing (or hovering) a sentence lights its boxes.
    let k = want.sentences.len() - 1;
    focus(&app, &format!("#story-sentence-{}", k + 1));
    settle().await;
    let lit: Vec<String> = want.sentences[k]
        .steps
        .iter()
        .map(|i| i.to_string())
        .collect();
    let shown: Vec<String> = {
        let list = app
            .root
            .query_selector_all("#story-svg .story-box.lit")
            .unwrap();
        (0..list.length())
            .map(|i| list.item(i).unwrap().unchecked_into::<Element>())
            .map(|e| e.get_attribute("data-step").unwrap())
            .collect()
    };
    assert_eq!(shown, lit);
    // And a box lights its sentence.
    let first = want.sentences[0].steps[0];
    focus(&app, &format!("#story-svg .story-box[data-step='{first}']"));
    settle().await;
    assert!(app.find("#story-sentences li:first-child.lit").is_some());
    assert!(app.find("#story-sentences li:last-child.lit").is_none());

    // The batch's send read its smart list: "As the step saw it" shows the stale value and
    // the write that changed it (its own Remove from List).
    let (i, seen) = want
        .steps
        .iter()
        .enumerate()
        .find_map(|(i, s)| s.seen.as_ref().filter(|x| x.stale()).map(|x| (i, x)))
        .expect("a step that worked from a stale view");
    assert!(app.find("#story-seen").is_none());
    let sel = format!("#story-svg .story-box[data-step='{i}']");
    click_svg(&app, &format!("{sel} rect")).await;
    app.shows("#story-seen").await;
    assert_eq!(app.attr(&sel, "aria-pressed"), "true");
    assert!(app.find(&format!("{sel}.selected")).is_some());
    let v = seen.values.iter().find(|v| v.differs()).unwrap();
    assert_eq!(v.name, "Member of List: Work Queue");
    assert_eq!((v.read.as_str(), v.current.as_str()), ("yes", "no"));
    let row = texts(&app, "#story-seen tr.differs").join("");
    assert!(row.contains("Member of List: Work Queue"), "{row}");
    assert_eq!(app.text("#story-seen tr.differs .seen-read"), "yes");
    assert_eq!(app.text("#story-seen tr.differs .seen-current"), "no");
    assert!(app.text("#story-seen").contains("As the step saw it"));
    assert!(app.text("#story-seen").contains(&seen.source));
    // The jump selects the write's box (and its event on the timeline).
    let w = v.changed_by.unwrap();
    let write = want.step_of(w).expect("the write is in the story");
    assert_eq!(want.steps[write].label, "Remove from List: Work Queue");
    assert!(app
        .text(".story-write")
        .contains("Remove from List: Work Queue"));
    app.click(".story-write").await;
    let target = format!("#story-svg .story-box[data-event='{w}']");
    eventually("the write's box is selected", || {
        app.find(&format!("{target}.selected")).is_some()
    })
    .await;
    assert!(app.find(&format!("{sel}.selected")).is_none());
    // The run's playhead is at the write (the timeline below selects its event).
    assert_eq!(
        app.text("#playhead-time"),
        format!("t = {}", api::clock(want.steps[write].time_ms))
    );
    assert!(app
        .text("#story-step")
        .contains("Remove from List: Work Queue"));

    // Keyboard: Enter (or Space) on a focused box selects it.
    let first = format!(
        "#story-svg .story-box[data-step='{}']",
        want.sentences[0].steps[0]
    );
    focus(&app, &first);
    key(&app, &first, "Enter");
    eventually("Enter selects the focused box", || {
        app.find(&format!("{first}.selected")).is_some()
    })
    .await;

    // Clicking a sentence selects its conflicting step.
    let (_, b) = want.conflict.unwrap();
    app.click(&format!("#story-sentence-{}", want.steps[b].sentence + 1))
        .await;
    let sel = format!("#story-svg .story-box[data-step='{b}']");
    eventually("the sentence's step is selected", || {
        app.find(&format!("{sel}.selected")).is_some()
    })
    .await;

    // Close closes; the run's panels are back.
    app.click("#story-close").await;
    assert!(app.find("#story").is_none());
    app.shows("#violations").await;
    // Escape closes too.
    app.click("#story-violation-0").await;
    app.shows("#story-sentences").await;
    key(&app, "#story-title", "Escape");
    settle().await;
    assert!(app.find("#story").is_none());
}

#[wasm_bindgen_test]
async fn a_person_has_a_story_from_the_outcomes_table() {
    let want = story_of("naive", StoryOf::Person(3));
    let app = open("naive").await;
    app.click("#story-person-3").await;
    app.shows("#story-sentences").await;
    assert_eq!(app.text("#story-title"), "Person 3");
    assert_eq!(app.count("#story-svg .story-box"), want.steps.len() as u32);
    assert_eq!(app.count("#story-svg .story-box.conflict"), 0);
    let said = texts(&app, "#story-sentences li").join("\n");
    assert!(said.contains("person 3"), "{said}");
    assert!(!said.contains("person 4"), "{said}");
    app.click("#story-close").await;
}

#[wasm_bindgen_test]
async fn a_run_without_the_violation_closes_its_story() {
    let app = open("naive").await;
    let n: u32 = app.attr("#violations", "data-count").parse().unwrap();
    assert!(n >= 2, "list-queue naive at seed 1 has {n} violations");
    app.click(&format!("#story-violation-{}", n - 1)).await;
    app.shows("#story-sentences").await;
    // The fix has no violation: its run closes the story.
    let _ = open("fixed").await;
    assert_eq!(app.attr("#violations", "data-count"), "0");
    assert!(app.find("#story").is_none());
}

#[wasm_bindgen_test]
fn labels_wrap_between_words_within_the_column() {
    let text = "Trigger: Data Value Changes: Queue Entry ID (new value is not empty)";
    for max in [8, 10, 17, 27, 80] {
        let lines = wrap(text, max);
        assert!(
            lines.iter().all(|l| l.chars().count() <= max),
            "{max}: {lines:?}"
        );
        assert_eq!(lines.join(" "), text, "{max}");
    }
    assert_eq!(wrap(text, 27).len(), 3);
    assert_eq!(wrap("LeaseEntryHourly", 8), ["LeaseEnt", "ryHourly"]);
}
