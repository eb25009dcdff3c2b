//! An outside event as a version-1 link carries it: the compact JSON that serde_json writes
//! for an [`OutsideEvent`] (`{"fills_out_form":"Demo Request"}`), written by hand so that the
//! web app compiles no serialiser. The test below compares the two over every kind of event;
//! a new kind of event gets its line here (the `match` asks for it), old links stay as they are.

use crate::engine::scenario::{Json, OutsideEvent};

/// `event` exactly as `serde_json::to_string` writes it.
pub fn event_json(event: &OutsideEvent) -> String {
    use OutsideEvent as E;
    match event {
        E::FillsOutForm(form) => tagged("fills_out_form", &text(form)),
        E::AddToList(list) => tagged("add_to_list", &text(list)),
        E::ChangeDataValue { field, value } => tagged(
            "change_data_value",
            &format!("{{\"field\":{},\"value\":{value}}}", text(field)),
        ),
        E::RequestCampaign(campaign) => tagged("request_campaign", &text(campaign)),
        E::RunBatchCampaign(campaign) => tagged("run_batch_campaign", &text(campaign)),
        E::AssignOwnerInCrm(owner) => tagged("assign_owner_in_crm", &text(owner)),
        E::RunJobNow(job) => tagged("run_job_now", &text(job)),
        E::ChangeEventArrives { field } => tagged(
            "change_event_arrives",
            &format!("{{\"field\":{}}}", text(field)),
        ),
        E::ChangeEventRedelivered => text("change_event_redelivered"),
        E::DelayWebhook { webhook, extra_ms } => tagged(
            "delay_webhook",
            &format!("{{\"webhook\":{},\"extra_ms\":{extra_ms}}}", text(webhook)),
        ),
        E::ResponsesArrive { count } => {
            tagged("responses_arrive", &format!("{{\"count\":{count}}}"))
        }
    }
}

/// An enum variant with data: `{"kind":data}`.
fn tagged(kind: &str, data: &str) -> String {
    format!("{{\"{kind}\":{data}}}")
}

/// A JSON string, escaped as serde_json escapes it (it writes it).
fn text(s: &str) -> String {
    Json::from(s).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Text that JSON escapes or that only looks special.
    fn odd_texts() -> Vec<String> {
        let mut texts: Vec<String> = [
            "",
            "Demo Request",
            "say \"hi\"",
            r"back\slash \\ \n \u0041",
            "tab\tnew line\ncarriage\rbell\u{7}nul\0",
            "form feed\u{c} backspace\u{8} unit sep\u{1f} del\u{7f}",
            "naïve 🙂 日本 \u{2028}\u{2029} \u{feff} \u{ffff} \u{10ffff}",
            "</script> & < > ' {braces} [brackets] /slash",
        ]
        .map(String::from)
        .to_vec();
        texts.push((0u8..0x20).map(char::from).collect());
        texts
    }

    /// Every kind of event (the `match` fails to compile when a kind is added), each with
    /// every odd text and, for a data value change, values of every JSON kind.
    fn every_event() -> Vec<OutsideEvent> {
        use OutsideEvent as E;
        let kinds = |t: &String| {
            vec![
                E::FillsOutForm(t.clone()),
                E::AddToList(t.clone()),
                E::RequestCampaign(t.clone()),
                E::RunBatchCampaign(t.clone()),
                E::AssignOwnerInCrm(t.clone()),
                E::RunJobNow(t.clone()),
                E::ChangeEventArrives { field: t.clone() },
                E::ChangeEventRedelivered,
                E::DelayWebhook {
                    webhook: t.clone(),
                    extra_ms: 0,
                },
                E::DelayWebhook {
                    webhook: t.clone(),
                    extra_ms: u64::MAX,
                },
                E::ResponsesArrive { count: 0 },
                E::ResponsesArrive { count: u32::MAX },
            ]
        };
        let values = [
            json!(null),
            json!(true),
            json!(false),
            json!(0),
            json!(-1),
            json!(i64::MIN),
            json!(u64::MAX),
            json!(1.5),
            json!(-0.0),
            json!(1e300),
            json!(0.1),
            json!("MQL"),
            json!([]),
            json!({}),
            json!(["x", 1, {"zeta": "\"", "alpha": [null, "\u{1}"]}]),
        ];
        let mut events = Vec::new();
        for t in odd_texts() {
            events.extend(kinds(&t));
            for v in &values {
                events.push(E::ChangeDataValue {
                    field: t.clone(),
                    value: v.clone(),
                });
            }
            events.push(E::ChangeDataValue {
                field: "f".into(),
                value: json!(t),
            });
        }
        let mut seen = [false; 11];
        for e in &events {
            let kind = match e {
                E::FillsOutForm(_) => 0,
                E::AddToList(_) => 1,
                E::ChangeDataValue { .. } => 2,
                E::RequestCampaign(_) => 3,
                E::RunBatchCampaign(_) => 4,
                E::AssignOwnerInCrm(_) => 5,
                E::RunJobNow(_) => 6,
                E::ChangeEventArrives { .. } => 7,
                E::ChangeEventRedelivered => 8,
                E::DelayWebhook { .. } => 9,
                E::ResponsesArrive { .. } => 10,
            };
            seen[kind] = true;
        }
        assert!(seen.iter().all(|&s| s), "every kind of event is written");
        events
    }

    #[test]
    fn writes_what_serde_json_writes_and_reads_back() {
        for event in every_event() {
            let ours = event_json(&event);
            assert_eq!(ours, serde_json::to_string(&event).unwrap());
            let back: OutsideEvent = crate::scenarios::from_json(&ours).unwrap();
            assert_eq!(back, event);
        }
    }
}
