//! What the browser app's campaign reader and inject menu ask of `racelab::api`: the campaigns
//! of each variant as built (`campaign_views`) and the outside events each scenario offers
//! (`inject_options`), each of which runs.

use crate::common::{builtin, config, every_variant};
use racelab::api::{self, LaneKind};

// ---- campaign reader -----------------------------------------------------------------

fn flow(views: &api::Views, campaign: &str) -> Vec<String> {
    views
        .campaigns
        .iter()
        .find(|c| c.name == campaign)
        .unwrap_or_else(|| panic!("no campaign {campaign}"))
        .flow
        .iter()
        .map(|s| s.text.clone())
        .collect()
}

#[test]
fn reader_shows_alert_before_owner_variants_as_built() {
    let s = builtin("alert-before-owner");
    let naive = api::campaign_views(&s, "naive").unwrap();
    let wait = api::campaign_views(&s, "wait").unwrap();
    let fixed = api::campaign_views(&s, "fixed").unwrap();
    assert_eq!(
        flow(&naive, "Fast Track Alert"),
        ["1. Send Alert: New fast-track lead"]
    );
    assert_eq!(
        flow(&wait, "Fast Track Alert"),
        ["1. Wait 5 min", "2. Send Alert: New fast-track lead"]
    );
    assert_eq!(
        flow(&fixed, "Fast Track Alert"),
        [
            "1. Add to List: Awaiting Owner",
            "2. Request Campaign: Send Owner Alert"
        ]
    );
    assert!(naive.campaigns.iter().all(|c| c.name != "Send Owner Alert"));
    let alert = fixed
        .campaigns
        .iter()
        .find(|c| c.name == "Send Owner Alert")
        .unwrap();
    assert_eq!(alert.kind, "Trigger campaign");
    assert_eq!(
        alert.qualification,
        "Each person can run through the flow every time"
    );
    assert_eq!(
        alert.triggers,
        [
            "Campaign is Requested (source: Marketo Flow Action)",
            "Data Value Changes: Lead Owner (new value is not empty)"
        ]
    );
    assert_eq!(
        alert.filters,
        ["Member of List: Awaiting Owner", "Lead Owner is not empty"]
    );
    assert_eq!(alert.logic, None);
    assert_eq!(
        flow(&fixed, "Send Owner Alert"),
        [
            "1. Remove from List: Awaiting Owner",
            "2. Send Alert: New fast-track lead"
        ]
    );
    let sync = &naive.campaigns[0];
    assert_eq!(sync.name, "New Lead Sync");
    assert_eq!(sync.triggers, ["Person is Created"]);
    assert_eq!(sync.description, "Pushes every new lead to the CRM.");
    assert_eq!(sync.program, s.title);
    assert!(sync.active);
    let crm = naive.systems.iter().find(|x| x.name == "CRM").unwrap();
    assert!(crm
        .lines
        .contains(&"If Region is EMEA → owner Alice Martin (EMEA Sales)".to_string()));
    // Knobs the user set show as their values.
    let mut config = config("wait");
    config.knobs.insert("alert_wait_min".into(), 7);
    let seven = api::campaign_views_for(&s, &config).unwrap();
    assert_eq!(flow(&seven, "Fast Track Alert")[0], "1. Wait 7 min");
}

#[test]
fn reader_shows_choices_schedules_and_systems() {
    let s = builtin("sync-before-enrichment");
    let fixed = api::campaign_views(&s, "fixed").unwrap();
    let enrich = fixed
        .campaigns
        .iter()
        .find(|c| c.name == "Enrich New Lead")
        .unwrap();
    assert_eq!(enrich.flow[0].text, "1. Call Webhook: Enrichment");
    assert!(enrich.flow[0].choices.is_empty());
    assert_eq!(
        enrich.flow[2].choices,
        [
            "If Enrichment Status is empty, then Change Data Value: Enrichment Status = failed",
            "Default: Do Nothing"
        ]
    );
    let hook = fixed
        .systems
        .iter()
        .find(|x| x.name == "Webhook: Enrichment")
        .unwrap();
    assert!(hook
        .lines
        .contains(&"response mapping: status → Enrichment Status".to_string()));
    let s = builtin("list-queue");
    let naive = api::campaign_views(&s, "naive").unwrap();
    let hourly = (naive.campaigns.iter())
        .find(|c| c.name == "Drain Queue (hourly)")
        .unwrap();
    assert_eq!(hourly.kind, "Batch campaign, runs every 1 h (first at 1 h)");
    assert_eq!(hourly.filters, ["Member of List: Work Queue"]);
    let fixed = api::campaign_views(&s, "fixed").unwrap();
    let claim = fixed
        .systems
        .iter()
        .find(|x| x.name == "Webhook: Claim Entry (hourly)")
        .expect("the claim webhook");
    assert!(claim.lines.iter().any(|l| l.contains("compare-and-swap")));
    assert!(naive.systems.iter().all(|x| !x.name.starts_with("Webhook")));
    let e = api::campaign_views(&s, "nope").unwrap_err();
    assert!(e.contains("unknown variant `nope`"), "{e}");
}

#[test]
fn reader_shows_program_statuses_with_their_step_numbers() {
    let s = builtin("score-recycle");
    let program = |variant: &str| {
        let views = api::campaign_views(&s, variant).unwrap();
        let p = views
            .systems
            .iter()
            .find(|x| x.name == "Program: Lead Scoring");
        p.expect("the program").lines[0].clone()
    };
    assert_eq!(
        program("naive"),
        "statuses: Scoring (step 1), Reached Threshold (step 1), Recycled - Holding (step 1)"
    );
    assert_eq!(
        program("numbered-steps"),
        "statuses: Scoring (step 1), Reached Threshold (step 2), Recycled - Holding (step 3)"
    );
}

#[test]
fn reader_covers_every_scenario_and_names_systems_like_lanes() {
    for (s, v) in every_variant() {
        let views = api::campaign_views(&s, &v).unwrap();
        let model = racelab::engine::compile(&s, &config(&v)).unwrap();
        let lanes = api::lanes(&model);
        for c in &views.campaigns {
            assert!(!c.flow.is_empty(), "{}/{v}: {}", s.id, c.name);
            for (i, step) in c.flow.iter().enumerate() {
                assert!(step.text.starts_with(&format!("{}. ", i + 1)));
            }
            assert!(!c.kind.is_empty() && !c.qualification.is_empty());
        }
        for sys in &views.systems {
            assert!(!sys.lines.is_empty(), "{}/{v}: {}", s.id, sys.name);
            let lane_like = [
                "CRM",
                "Webhook: ",
                "Job: ",
                "Integration: ",
                "CRM campaign: ",
                "Change feed: ",
            ];
            if lane_like.iter().any(|p| sys.name.starts_with(p)) {
                assert!(
                    lanes.iter().any(|l| l.name == sys.name),
                    "{}/{v}: system {} has no lane",
                    s.id,
                    sys.name
                );
            }
        }
    }
}

// ---- inject menu ---------------------------------------------------------------------

#[test]
fn inject_options_exist_for_every_scenario_and_each_one_runs() {
    use racelab::engine::scenario::{Injection, PeopleSelector};
    for (s, v) in every_variant() {
        let options = api::inject_options(&s, &v).unwrap();
        assert!(!options.is_empty(), "{}/{v}", s.id);
        let mut labels: Vec<&str> = options.iter().map(|o| o.label.as_str()).collect();
        labels.sort_unstable();
        labels.dedup();
        assert_eq!(
            labels.len(),
            options.len(),
            "{}/{v}: duplicate labels",
            s.id
        );
        let horizon = racelab::engine::compile(&s, &config(&v)).unwrap().horizon;
        for o in &options {
            assert_eq!(o.needs_person, o.event.needs_person(), "{}", o.label);
            let mut c = config(&v);
            c.injections.push(Injection {
                at_ms: horizon / 3,
                people: if o.needs_person {
                    PeopleSelector::One(1)
                } else {
                    PeopleSelector::None
                },
                event: o.event.clone(),
            });
            let view = api::run_view(&s, &c, 3, &[])
                .unwrap_or_else(|e| panic!("{}/{v}: {}: {e}", s.id, o.label));
            assert_eq!(view.lanes.first().map(|l| l.kind), Some(LaneKind::Outside));
        }
    }
}

#[test]
fn inject_options_name_what_the_scenario_has() {
    use racelab::engine::scenario::OutsideEvent;
    let find = |id: &str, v: &str, label: &str| -> api::InjectOption {
        api::inject_options(&builtin(id), v)
            .unwrap()
            .into_iter()
            .find(|o| o.label == label)
            .unwrap_or_else(|| panic!("{id}/{v}: no option `{label}`"))
    };
    let o = find("sync-before-enrichment", "naive", "Form fill: Contact Us");
    assert_eq!(o.event, OutsideEvent::FillsOutForm("Contact Us".into()));
    assert!(o.needs_person);
    let o = find(
        "sync-before-enrichment",
        "wait",
        "Extra delay on one webhook call: Enrichment (+24 s)",
    );
    assert_eq!(
        o.event,
        OutsideEvent::DelayWebhook {
            webhook: "Enrichment".into(),
            extra_ms: 24_000
        }
    );
    find(
        "alert-before-owner",
        "naive",
        "Owner assigned in the CRM: Alice Martin",
    );
    let o = find(
        "list-queue",
        "naive",
        "Batch campaign runs now: Drain Queue (hourly)",
    );
    assert!(!o.needs_person);
    find(
        "list-queue",
        "naive",
        "Added to list by an import: Work Queue",
    );
    let o = find(
        "job-checkpoint",
        "naive",
        "Job fires now: Implemented Product import",
    );
    assert_eq!(
        (o.event, o.needs_person),
        (
            OutsideEvent::RunJobNow("Implemented Product import".into()),
            false
        )
    );
    find("replica-cascade", "naive", "Change event arrives: Region");
    find(
        "replica-cascade",
        "naive",
        "Change event delivered again (a duplicate)",
    );
    let o = find("lock-storm", "naive", "Burst of responses arrives: 200");
    assert_eq!(o.event, OutsideEvent::ResponsesArrive { count: 200 });
    // A variant's own campaigns bring their own options.
    find(
        "alert-before-owner",
        "fixed",
        "Added to list by an import: Awaiting Owner",
    );
    assert!(api::inject_options(&builtin("alert-before-owner"), "naive")
        .unwrap()
        .iter()
        .all(|o| !o.label.contains("Awaiting Owner")));
    let e = api::inject_options(&builtin("list-queue"), "nope").unwrap_err();
    assert!(e.contains("unknown variant `nope`"), "{e}");
}
