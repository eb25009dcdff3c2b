//! The story of a race (`api::story`): for every race scenario's race variant at a violating
//! seed, the story names both conflicting steps in Marketo words and in a sentence; the story
//! of `list-queue` naive tells the stale batch; steps that did not affect the violation are
//! left out.

use racelab::api::{self, model_story, RunConfig, Story, StoryOf, VariantRole};
use racelab::engine::{compile, Model};

fn model(id: &str, variant: &str) -> Model {
    let s = racelab::scenarios::builtin(id).expect("built-in");
    let config = RunConfig {
        variant: Some(variant.to_string()),
        ..RunConfig::default()
    };
    compile(&s, &config).expect("compiles")
}

/// The first seed below 200 whose run violates, and its first violation's story.
fn first_story(m: &Model) -> Option<(u64, Story)> {
    (0..200u64).find_map(|seed| {
        let r = api::run_model(m, seed).ok()?;
        (!r.violations.is_empty()).then(|| {
            (
                seed,
                model_story(m, seed, &[], StoryOf::Violation(0)).unwrap(),
            )
        })
    })
}

fn told(story: &Story) -> String {
    story
        .sentences
        .iter()
        .map(|s| s.line())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The object a label names (`Task Email` in `Send Email: Task Email`).
fn object(label: &str) -> &str {
    let l = label.split_once(": ").map_or(label, |(_, o)| o);
    l.split(" (").next().unwrap_or(l)
}

#[test]
fn every_race_story_names_both_conflicting_steps() {
    let mut checked = 0;
    for id in racelab::scenarios::ids() {
        let s = racelab::scenarios::builtin(id).unwrap();
        for v in s.variants.iter().filter(|v| v.role == VariantRole::Race) {
            let m = model(id, &v.name);
            let Some((seed, story)) = first_story(&m) else {
                continue;
            };
            let text = told(&story);
            let (a, b) = story
                .conflict
                .unwrap_or_else(|| panic!("{id}/{} seed {seed}: no conflict\n{text}", v.name));
            assert_ne!(a, b);
            for i in [a, b] {
                let step = &story.steps[i];
                assert!(step.conflict);
                assert!(!step.label.is_empty() && !step.label.contains('#'));
                let sentence = &story.sentences[step.sentence];
                assert!(sentence.conflict && sentence.steps.contains(&i));
                assert!(
                    sentence
                        .text
                        .to_lowercase()
                        .contains(&object(&step.label).to_lowercase()),
                    "{id}/{} seed {seed}: sentence does not name {:?}\n{text}",
                    v.name,
                    step.label
                );
            }
            assert!(story.steps[a].time_ms <= story.steps[b].time_ms);
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} race variants told");
}

/// A seed of `list-queue` naive where the hourly batch sends second: the batch took its
/// list while the trigger campaign was already running for the same entry.
fn batch_second() -> (u64, Story) {
    let m = model("list-queue", "naive");
    (0..400u64)
        .filter(|&seed| !api::run_model(&m, seed).unwrap().violations.is_empty())
        .map(|seed| {
            (
                seed,
                model_story(&m, seed, &[], StoryOf::Violation(0)).unwrap(),
            )
        })
        .find(|(_, s)| {
            let (_, b) = s.conflict.unwrap();
            s.columns[s.steps[b].column] == "Drain Queue (hourly)"
        })
        .expect("a seed where the batch sends second")
}

#[test]
fn list_queue_naive_tells_the_batch_working_from_its_list() {
    let (seed, story) = batch_second();
    let p = story.person.expect("a person");
    let text = told(&story);
    let lines: Vec<&str> = text.lines().collect();
    let find = |needle: &str| {
        lines
            .iter()
            .position(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("seed {seed}: no sentence with {needle:?}\n{text}"))
    };
    let added = find(&format!(
        "The trigger campaign \"Add to Work Queue\" adds person {p} to Work Queue"
    ));
    let snapshot = find(&format!(
        "The batch campaign \"Drain Queue (hourly)\" takes its list of members: person {p} is in Work Queue"
    ));
    let trigger = find(&format!(
        "The trigger campaign \"Drain Queue (trigger)\" sends person {p} the Task Email."
    ));
    let again = find(&format!(
        "The batch campaign \"Drain Queue (hourly)\" sends person {p} the Task Email again."
    ));
    assert!(
        added < snapshot && snapshot < trigger && trigger < again,
        "{text}"
    );
    // As the batch's send saw it: in the queue by its snapshot, out of it by the send, and
    // the writes that made the values are steps of the story.
    let (a, b) = story.conflict.unwrap();
    assert_eq!(story.steps[a].label, "Send Email: Task Email");
    assert_eq!(story.steps[b].label, "Send Email: Task Email");
    let seen = story.steps[b]
        .seen
        .as_ref()
        .expect("the batch send read its snapshot");
    let v = &seen.values[0];
    assert_eq!(
        (v.name.as_str(), v.read.as_str(), v.current.as_str()),
        ("Member of List: Work Queue", "yes", "no")
    );
    let write = story
        .step_of(v.changed_by.expect("a write"))
        .expect("the write is in the story");
    assert_eq!(story.steps[write].label, "Remove from List: Work Queue");
    let read = story.step_of(v.read_from.expect("the add")).unwrap();
    assert_eq!(story.steps[read].label, "Add to List: Work Queue");
    assert!(story.sentences.iter().all(|s| s.clock.contains(':')));
}

#[test]
fn steps_that_did_not_affect_the_violation_are_left_out() {
    let m = model("list-queue", "naive");
    // A violation whose person had done other things first (an earlier queue entry).
    let (seed, story) = (0..400u64)
        .filter(|&seed| !api::run_model(&m, seed).unwrap().violations.is_empty())
        .map(|seed| {
            (
                seed,
                model_story(&m, seed, &[], StoryOf::Violation(0)).unwrap(),
            )
        })
        .find(|(_, s)| s.left_out > 0)
        .expect("a story that leaves steps out");
    let mut sim = racelab::engine::Sim::new(&m);
    let out = sim
        .run(&mut racelab::engine::SeededChooser::new(seed))
        .unwrap();
    let v = &out.violations[0];
    let unfiltered = api::violation_story_of(&m, &sim, v, false);
    // The person's other events (other people on the same batch, earlier entries) are
    // not in the story; without causal filtering they would be.
    assert!(
        unfiltered.steps.len() > story.steps.len(),
        "{}",
        told(&unfiltered)
    );
    // Every kept step is a conflicting step or in the causal past of one.
    let (a, b) = story.conflict.unwrap();
    let mut past = vec![false; story.steps.len()];
    let mut todo = vec![a, b];
    todo.extend(
        story
            .steps
            .iter()
            .enumerate()
            .filter(|(_, s)| s.violating)
            .map(|(i, _)| i),
    );
    while let Some(i) = todo.pop() {
        if std::mem::replace(&mut past[i], true) {
            continue;
        }
        todo.extend(story.steps[i].cause);
        if let Some(seen) = &story.steps[i].seen {
            for w in seen
                .values
                .iter()
                .flat_map(|v| [v.changed_by, v.read_from])
                .flatten()
            {
                todo.extend(story.step_of(w));
            }
        }
    }
    assert!(past.iter().all(|&p| p), "{}", told(&story));
}

#[test]
fn a_person_story_tells_every_step_of_that_person() {
    let m = model("alert-before-owner", "naive");
    let story = model_story(&m, 0, &[], StoryOf::Person(3)).unwrap();
    assert_eq!(story.person, Some(3));
    assert!(story.conflict.is_none());
    assert!(story
        .steps
        .iter()
        .any(|s| s.label.starts_with("Send Alert: ")));
    assert!(story.steps.iter().all(|s| s.person.is_none_or(|p| p == 3)));
    assert!(model_story(&m, 0, &[], StoryOf::Person(999)).is_err());
    assert!(model_story(&m, 0, &[], StoryOf::Violation(999)).is_err());
}

#[test]
fn clock_times_read_like_a_clock() {
    assert_eq!(api::clock(4 * 3_600_000), "4:00:00");
    assert_eq!(api::clock(4 * 3_600_000 + 200), "4:00:00.2");
    assert_eq!(api::clock(59 * 60_000 + 12_250), "0:59:12.25");
    assert_eq!(api::clock(30 * 86_400_000 + 4 * 3_600_000), "30 d 4:00:00");
}

#[test]
fn a_link_that_names_a_scenario_opens_on_its_run() {
    use racelab::spec::{RunSpec, Tab};
    // An old link saved with the library tab still decodes, and opens on the run.
    let old = RunSpec::builtin("list-queue");
    assert_eq!(old.view.tab, Tab::Library);
    let code = racelab::codec::encode_checked(&old).unwrap();
    let opened = racelab::codec::decode(&code).unwrap().opened_from_link();
    assert_eq!(opened.view.tab, Tab::Run);
    // Any other tab is kept.
    let mut compare = RunSpec::builtin("list-queue");
    compare.view.tab = Tab::Compare;
    assert_eq!(compare.opened_from_link().view.tab, Tab::Compare);
    // `racelab link` prints a link that opens on the run.
    let out = crate::common::cli::ok(&["link", "list-queue", "--seed", "4"]);
    let code = out.trim().split_once('#').expect("a link").1;
    let spec = racelab::codec::decode(code).unwrap();
    assert_eq!(spec.view.tab, Tab::Run);
    assert_eq!(spec.seed, 4);
}
