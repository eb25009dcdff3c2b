//! The integration systems' steps: a job's, a consumer's and the response feed's steps are
//! read from `steps` or from the older switches (the same runs either way), checked, shown
//! by the Reader as numbered flows, and compared between two variants.

use crate::common::builtin;
use racelab::api::{self, StepChangeKind};
use racelab::engine::Scenario;
use serde_json::{json, Value as Json};

/// The built-in's JSON with `edit` applied, read back.
fn edited(id: &str, edit: impl FnOnce(&mut Json)) -> Result<Scenario, String> {
    let mut j: Json = serde_json::from_str(racelab::scenarios::source(id).unwrap()).unwrap();
    edit(&mut j);
    let s = racelab::scenarios::parse(&j.to_string()).map_err(|e| e.to_string())?;
    racelab::engine::validate(&s).map_err(|e| e.to_string())?;
    Ok(s)
}

fn hash(s: &Scenario, variant: &str, seed: u64) -> String {
    let config = crate::common::config(variant);
    api::run(s, &config, seed).unwrap().trace_hash
}

#[test]
fn the_older_switches_give_the_same_runs_as_their_steps() {
    // job-checkpoint with `strategy` in place of `steps`, in the base and its first three
    // variants (the failure variants after them use steps).
    let legacy = edited("job-checkpoint", |j| {
        j["variants"].as_array_mut().unwrap().truncate(3);
        for job in j["systems"]["jobs"].as_array_mut().unwrap() {
            job.as_object_mut().unwrap().remove("steps");
            job["strategy"] = json!("read_then_write");
        }
        for (v, strategy) in [(1, "version_cas"), (2, "claim_create_only")] {
            for job in j["variants"][v]["jobs"].as_array_mut().unwrap() {
                job.as_object_mut().unwrap().remove("steps");
                job["strategy"] = json!(strategy);
            }
        }
    })
    .unwrap();
    let now = builtin("job-checkpoint");
    for v in ["naive", "fixed", "fixed-claim"] {
        for seed in 0..3 {
            assert_eq!(hash(&legacy, v, seed), hash(&now, v, seed), "{v} {seed}");
        }
    }
    // replica-cascade with `version_check` and `idempotent`.
    let legacy = edited("replica-cascade", |j| {
        j["systems"]["change_feed"]
            .as_object_mut()
            .unwrap()
            .remove("steps");
        j["variants"][1]["change_feed"] = json!({"version_check": true, "idempotent": true});
        j["variants"][2]["change_feed"] = json!({"version_check": true});
        j["variants"][3]["change_feed"] = json!({"idempotent": true});
    })
    .unwrap();
    let now = builtin("replica-cascade");
    for v in ["naive", "fixed", "version-check-only", "idempotent-only"] {
        assert_eq!(hash(&legacy, v, 1), hash(&now, v, 1), "{v}");
    }
    // lock-storm with `mode`.
    let legacy = edited("lock-storm", |j| {
        j["systems"]["response_feed"]
            .as_object_mut()
            .unwrap()
            .remove("steps");
        j["variants"][1]["response_feed"] = json!({"mode": "retry"});
        j["variants"][2]["response_feed"] = json!({"mode": "user_async"});
    })
    .unwrap();
    let now = builtin("lock-storm");
    for v in ["naive", "retry", "fixed"] {
        assert_eq!(hash(&legacy, v, 2), hash(&now, v, 2), "{v}");
    }
}

#[test]
fn step_lists_are_checked_and_not_mixed_with_switches() {
    let job_steps = |steps: Json| {
        edited("job-checkpoint", |j| {
            j["systems"]["jobs"][0]["steps"] = steps
        })
    };
    let err = job_steps(json!(["import_batch", "post_checkpoint"])).unwrap_err();
    assert!(err.contains("get_checkpoint"), "{err}");
    let err = job_steps(json!([
        "get_checkpoint",
        "import_batch",
        "claim_create_only"
    ]));
    assert!(err.unwrap_err().contains("before import_batch"));
    let err = job_steps(json!(["get_checkpoint", "post_checkpoint"])).unwrap_err();
    assert!(err.contains("import_batch"), "{err}");
    let both = edited("job-checkpoint", |j| {
        j["systems"]["jobs"][0]["strategy"] = json!("version_cas")
    });
    assert!(both.unwrap_err().contains("not both"));
    let feed = edited("replica-cascade", |j| {
        j["systems"]["change_feed"]["steps"] = json!(["update_lists", "read_replica", "act"])
    });
    assert!(feed.unwrap_err().contains("must come after read_replica"));
    let feed = edited("replica-cascade", |j| {
        j["systems"]["change_feed"]["steps"] = json!(["read_replica", "act"])
    });
    assert!(feed.unwrap_err().contains("no update_lists step"));
    let responses = edited("lock-storm", |j| {
        j["systems"]["response_feed"]["steps"] = json!(["hold_small_batches"])
    });
    assert!(responses.unwrap_err().contains("first step must be insert"));
}

/// The numbered steps of the system named `name` in `variant`.
fn steps(s: &Scenario, variant: &str, name: &str) -> Vec<String> {
    let views = api::campaign_views(s, variant).unwrap();
    let system = views.systems.iter().find(|x| x.name == name);
    system.unwrap_or_else(|| panic!("no {name}")).steps.clone()
}

#[test]
fn the_reader_numbers_each_systems_steps_in_plain_words() {
    let s = builtin("job-checkpoint");
    let naive = steps(&s, "naive", "Job: Implemented Product import");
    assert_eq!(naive.len(), 3, "{naive:?}");
    assert!(naive[0].starts_with("1. GET checkpoint"), "{naive:?}");
    assert!(naive[1].starts_with("2. Import batch"), "{naive:?}");
    assert!(naive[2].starts_with("3. POST checkpoint (createOrUpdate)"));
    let claim = steps(&s, "fixed-claim", "Job: Subscription import");
    assert!(
        claim[1].starts_with("2. POST claim (createOnly)"),
        "{claim:?}"
    );
    let s = builtin("replica-cascade");
    let fixed = steps(&s, "fixed", "Change feed: list automation");
    assert!(
        fixed[0].starts_with("1. Skip if message id seen"),
        "{fixed:?}"
    );
    assert!(fixed[1].starts_with("2. Read primary, check version"));
    assert!(fixed[3].contains("East Team Welcome"), "{fixed:?}");
    let naive = steps(&s, "naive", "Change feed: list automation");
    assert!(naive[0].starts_with("1. Read replica"), "{naive:?}");
    let s = builtin("lock-storm");
    let fixed = steps(&s, "fixed", "Integration: Marketo Integration");
    assert!(fixed[1].contains("User-based async scoring"), "{fixed:?}");
    // Systems without steps have none.
    let views = api::campaign_views(&s, "fixed").unwrap();
    let campaign = views
        .systems
        .iter()
        .find(|x| x.name.starts_with("CRM campaign"));
    assert!(campaign.unwrap().steps.is_empty());
}

#[test]
fn the_difference_between_two_variants_names_each_changed_step() {
    let s = builtin("job-checkpoint");
    let d = api::variant_differences(&s, "naive", "fixed-claim").unwrap();
    assert_eq!(d.len(), 2, "both jobs differ: {d:?}");
    assert_eq!(d[0].flow, "Job: Implemented Product import");
    let c = &d[0].changes;
    assert_eq!(c.len(), 1, "{c:?}");
    assert_eq!((c[0].kind, c[0].number), (StepChangeKind::Added, 2));
    assert!(c[0].after.as_deref().unwrap().starts_with("POST claim"));
    let d = api::variant_differences(&s, "naive", "fixed").unwrap();
    let kinds: Vec<StepChangeKind> = d[0].changes.iter().map(|c| c.kind).collect();
    assert_eq!(kinds, [StepChangeKind::Added, StepChangeKind::Removed]);
    assert!(d[0].changes[1]
        .before
        .as_deref()
        .unwrap()
        .starts_with("POST checkpoint"));
    assert!(api::variant_differences(&s, "fixed", "fixed")
        .unwrap()
        .is_empty());

    let s = builtin("replica-cascade");
    let d = api::variant_differences(&s, "naive", "version-check-only").unwrap();
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].changes[0].kind, StepChangeKind::Changed);
    assert!(d[0].changes[0]
        .before
        .as_deref()
        .unwrap()
        .starts_with("Read replica"));
    assert!(d[0].changes[0]
        .after
        .as_deref()
        .unwrap()
        .starts_with("Read primary"));

    // Campaign flows too: alert-before-owner's fix changes campaigns, not systems.
    let s = builtin("alert-before-owner");
    let d = api::variant_differences(&s, "naive", "fixed").unwrap();
    assert!(
        !d.is_empty() && d.iter().all(|f| f.flow.starts_with("Campaign: ")),
        "{d:?}"
    );
    assert!(api::variant_differences(&s, "naive", "nope").is_err());
}
