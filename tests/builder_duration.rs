//! Durations in the builder (`racelab::builder::duration`): every duration the builder edits
//! (CRM push, owner assignment, webhook round trips, outside events' times, Wait steps) is
//! found and set with one undoable edit; each kind of the scenario format ("exactly",
//! "between … and …", "about … on average", "one of …") and each amount (a number with a
//! unit, or a knob) is kept when the kind changes; typed amounts are read in their unit and
//! wrong ones refused with words that say what to type.

use crate::builder::list_queue_pair;
use racelab::builder::duration::{
    all, amounts, parse_amount, shown, time_knobs, with_amount, with_kind, Kind, Timing,
};
use racelab::builder::{Builder, CampaignEdit, Edit};
use racelab::engine::dist::Dist;
use racelab::engine::knobs::{Param, Unit};
use racelab::engine::scenario::Action;

fn lit(ms: i64) -> Param {
    Param::Literal(ms)
}

#[test]
fn every_duration_of_every_builtin_is_found_set_and_undone() {
    let mut seen = std::collections::BTreeSet::new();
    for id in racelab::scenarios::ids() {
        let mut b = Builder::open(racelab::scenarios::source(id).unwrap()).unwrap();
        let before = b.draft().clone();
        for t in all(b.draft(), None) {
            seen.insert(
                format!("{t:?}")
                    .split(['(', ' '])
                    .next()
                    .unwrap()
                    .to_string(),
            );
            let old = b
                .duration(&t)
                .unwrap_or_else(|| panic!("{id}: {t:?} is there"));
            let new = Dist::Uniform {
                min: lit(1_000),
                max: lit(7_000),
            };
            let new = if old == new { Dist::fixed_ms(5) } else { new };
            b.apply(Edit::Duration(t.clone(), new.clone())).unwrap();
            assert_eq!(b.duration(&t), Some(new.clone()), "{id}: {t:?} set");
            assert!(b.undo());
            assert_eq!(b.duration(&t), Some(old), "{id}: {t:?} undone");
            assert!(b.redo());
            assert_eq!(b.duration(&t), Some(new), "{id}: {t:?} redone");
            assert!(b.undo());
        }
        assert_eq!(b.draft(), &before, "{id}: all undone");
    }
    for kind in [
        "CrmPush",
        "CrmAssignment",
        "WebhookLatency",
        "EventTime",
        "Wait",
    ] {
        assert!(seen.contains(kind), "some built-in has a {kind}: {seen:?}");
    }
}

#[test]
fn a_duration_edit_changes_only_that_duration() {
    let mut b = list_queue_pair();
    b.apply(Edit::Campaign(
        "Drain Queue (trigger)".into(),
        CampaignEdit::InsertStep(1, Action::Wait(Dist::fixed_ms(60_000))),
    ))
    .unwrap();
    let wait = Timing::Wait {
        campaign: "Drain Queue (trigger)".into(),
        step: 1,
    };
    assert_eq!(all(b.draft(), None), vec![wait.clone()]);
    let before = b.draft().clone();
    let about = Dist::Exponential {
        mean: lit(300_000),
        cap: Some(lit(3_600_000)),
    };
    b.apply(Edit::Duration(wait.clone(), about.clone()))
        .unwrap();
    let mut expected = before.clone();
    expected.campaigns[0].flow[1] = Action::Wait(about);
    assert_eq!(b.draft(), &expected);
    assert!(b.issues().is_empty(), "{:?}", b.issues());
    let not_a_wait = Timing::Wait {
        campaign: "Drain Queue (trigger)".into(),
        step: 0,
    };
    let refused = b.apply(Edit::Duration(not_a_wait, Dist::fixed_ms(1)));
    assert_eq!(
        refused,
        Err("Flow step 1 of \u{201c}Drain Queue (trigger)\u{201d} is not a Wait step.".into())
    );
    let no_crm = b.apply(Edit::Duration(Timing::CrmPush, Dist::fixed_ms(1)));
    assert!(no_crm.is_err());
    assert_eq!(b.draft(), &expected, "a refused edit changes nothing");
}

#[test]
fn a_wait_in_a_variant_is_set_in_that_variant() {
    let mut b = Builder::open(racelab::scenarios::source("alert-before-owner").unwrap()).unwrap();
    let variant = "wait".to_string();
    b.edit_variant(Some(variant.clone()));
    let t = all(b.draft(), Some(&variant))
        .into_iter()
        .find(|t| matches!(t, Timing::Wait { .. }))
        .expect("alert-before-owner has a Wait step");
    let base = b.draft().campaigns.clone();
    b.apply(Edit::Duration(t.clone(), Dist::fixed_ms(120_000)))
        .unwrap();
    assert_eq!(
        b.draft().campaigns,
        base,
        "the scenario's own campaigns stay"
    );
    assert_eq!(b.duration(&t), Some(Dist::fixed_ms(120_000)));
    b.edit_variant(None);
    assert_ne!(b.duration(&t), Some(Dist::fixed_ms(120_000)));
}

#[test]
fn changing_the_kind_keeps_the_amounts() {
    let five = Dist::Fixed(lit(5_000));
    assert_eq!(
        with_kind(&five, Kind::Between),
        Dist::Uniform {
            min: lit(0),
            max: lit(5_000)
        }
    );
    assert_eq!(
        with_kind(&five, Kind::About),
        Dist::Exponential {
            mean: lit(5_000),
            cap: None
        }
    );
    let between = Dist::Uniform {
        min: Param::Knob("min_s".into()),
        max: lit(9_000),
    };
    assert_eq!(with_kind(&between, Kind::Exactly), Dist::Fixed(lit(9_000)));
    assert_eq!(
        with_kind(&between, Kind::OneOf),
        Dist::Empirical(vec![Param::Knob("min_s".into()), lit(9_000)])
    );
    assert_eq!(with_kind(&between, Kind::Between), between);
    for k in Kind::ALL {
        assert_eq!(Kind::of(&with_kind(&five, k)), k);
        assert_eq!(Kind::from_key(k.key()), Some(k));
        let json = serde_json::to_value(with_kind(&five, k)).unwrap();
        assert!(
            json.get(k.key()).is_some(),
            "{k:?} is the format's {}",
            k.key()
        );
    }
}

#[test]
fn each_amount_is_set_by_its_place() {
    let about = Dist::Exponential {
        mean: lit(1),
        cap: None,
    };
    let words: Vec<_> = amounts(&about).into_iter().map(|(w, _)| w).collect();
    assert_eq!(words, ["about", "on average, never more than"]);
    let capped = with_amount(&about, 1, Some(lit(60_000)));
    assert_eq!(
        capped,
        Dist::Exponential {
            mean: lit(1),
            cap: Some(lit(60_000))
        }
    );
    assert_eq!(with_amount(&capped, 1, None), about, "the cap can go");
    let one_of = Dist::Empirical(vec![lit(1)]);
    let two = with_amount(&one_of, 1, Some(lit(2)));
    assert_eq!(two, Dist::Empirical(vec![lit(1), lit(2)]));
    assert_eq!(with_amount(&two, 0, None), Dist::Empirical(vec![lit(2)]));
    assert_eq!(with_amount(&one_of, 0, None), one_of, "the last one stays");
    let between = Dist::Uniform {
        min: lit(0),
        max: lit(1),
    };
    assert_eq!(
        with_amount(&between, 1, Some(Param::Knob("k".into()))),
        Dist::Uniform {
            min: lit(0),
            max: Param::Knob("k".into())
        }
    );
}

#[test]
fn typed_amounts_are_read_in_their_unit_and_wrong_ones_say_what_to_type() {
    assert_eq!(parse_amount("5", Unit::Minutes), Ok(300_000));
    assert_eq!(parse_amount(" 1.5 ", Unit::Minutes), Ok(90_000));
    assert_eq!(parse_amount("1,5", Unit::Seconds), Ok(1_500));
    assert_eq!(parse_amount("2", Unit::Days), Ok(172_800_000));
    assert_eq!(parse_amount("250", Unit::Ms), Ok(250));
    assert_eq!(parse_amount("0", Unit::Hours), Ok(0));
    let refused = |t: &str, u| parse_amount(t, u).unwrap_err();
    assert_eq!(refused("", Unit::Seconds), "Type a number, e.g. 5.");
    assert!(refused("five", Unit::Seconds).contains("\u{201c}five\u{201d} is not a number"));
    assert!(refused("-3", Unit::Seconds).contains("cannot be negative"));
    assert!(refused("0.5", Unit::Ms).contains("smaller unit"));
    assert!(refused("500", Unit::Days).contains("400 days"));
}

#[test]
fn amounts_are_shown_in_the_largest_whole_unit_or_the_one_chosen() {
    assert_eq!(shown(300_000, None), ("5".into(), Unit::Minutes));
    assert_eq!(shown(90_000, None), ("90".into(), Unit::Seconds));
    assert_eq!(shown(172_800_000, None), ("2".into(), Unit::Days));
    assert_eq!(shown(250, None), ("250".into(), Unit::Ms));
    assert_eq!(
        shown(3_600_000, Some(Unit::Minutes)),
        ("60".into(), Unit::Minutes)
    );
    assert_eq!(
        shown(90_000, Some(Unit::Minutes)),
        ("90".into(), Unit::Seconds)
    );
    assert_eq!(shown(0, Some(Unit::Hours)), ("0".into(), Unit::Hours));
}

#[test]
fn only_time_knobs_are_offered_by_their_labels() {
    let s = racelab::scenarios::builtin("list-queue").unwrap();
    let offered = time_knobs(&s);
    assert!(!offered.is_empty());
    for (name, label) in &offered {
        let k = s.knobs.iter().find(|k| &k.name == name).unwrap();
        assert!(k.unit.ms_factor().is_some(), "{name} is a time");
        assert!(label.ends_with(&format!("({})", k.unit.label())), "{label}");
        if let Some(l) = &k.label {
            assert!(label.starts_with(l.as_str()), "{label}");
        }
    }
    let counts = s.knobs.iter().filter(|k| k.unit.ms_factor().is_none());
    for k in counts {
        assert!(
            !offered.iter().any(|(n, _)| n == &k.name),
            "{} is no time",
            k.name
        );
    }
}
