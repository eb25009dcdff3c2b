//! The glossary: short plain definitions of the technical words the lessons use, for
//! marketing-operations people, and which of them a given lesson uses (the app lists those
//! under the lesson as "Words used in this lesson").

use crate::engine::Scenario;

/// One glossary entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Term {
    /// The word as the glossary heads it ("compare-and-swap").
    pub term: &'static str,
    /// What it means, in a sentence or two.
    pub definition: &'static str,
    /// The spellings a text may use for it, matched as whole words, ignoring case
    /// (the term itself included).
    pub forms: &'static [&'static str],
}

const fn t(term: &'static str, forms: &'static [&'static str], definition: &'static str) -> Term {
    Term {
        term,
        definition,
        forms,
    }
}

/// Every glossary entry, in alphabetical order.
pub const GLOSSARY: &[Term] = &[
    t("assignment rules", &["assignment rules", "assignment rule"],
      "Rules in the CRM that pick a new lead's owner or queue from its fields (region, company size). They run once, when the record arrives."),
    t("asynchronous", &["asynchronous", "asynchronously", "async"],
      "Done later, in the background, instead of while the caller waits. The caller goes on at once; the work finishes some time afterwards."),
    t("at-least-once", &["at-least-once", "at least once"],
      "A delivery promise of a queue: every message arrives, but some may arrive twice (after a lost acknowledgement). The receiver must cope with duplicates."),
    t("at-most-once", &["at-most-once", "at most once"],
      "The opposite promise: no message arrives twice, but one can be lost, for example when a worker takes an item and crashes before finishing it."),
    t("background sync", &["background sync", "sync cycle", "sync cycles"],
      "Marketo's regular exchange with the CRM, about every five minutes. Changes made in the CRM, such as a new owner, reach Marketo only on the next cycle."),
    t("backoff", &["backoff", "back off", "backing off", "backs off"],
      "Waiting before trying a refused call again, and waiting longer after each refusal (1 s, 2 s, 4 s ...), so that retries do not add to the overload."),
    t("batch campaign", &["batch campaign", "batch campaigns"],
      "A smart campaign that runs on a schedule or on demand: it takes the people in its smart list at that moment and runs each of them through the flow."),
    t("batch size", &["batch size"],
      "How many records are handled together in one go."),
    t("campaign queue", &["campaign queue", "trigger queue", "queue load"],
      "Where Marketo keeps flow steps waiting to run. A busy queue delays every trigger campaign's steps, by seconds or by minutes."),
    t("checkpoint", &["checkpoint", "checkpoints", "high-water mark"],
      "A saved marker of how far a job got (for example the time of the last record imported), so the next run can carry on from there."),
    t("cold start", &["cold start", "cold", "warm instance", "warm"],
      "A serverless function that starts on a fresh machine (cold) has nothing in memory; one that reuses a machine (warm) still has what it cached last time."),
    t("compare-and-swap", &["compare-and-swap", "compare-and-set", "CAS"],
      "A write that only succeeds if the value is still what the writer last read; otherwise it is refused and nothing changes. It stops two writers from overwriting each other."),
    t("consumer", &["consumer", "consumers"],
      "A worker that takes messages from a queue and acts on them. Several consumers run side by side."),
    t("CPU time limit", &["CPU limit", "CPU time limit", "CPU time", "CPU budget"],
      "The most computing time the CRM allows one transaction. Work that needs more is stopped and undone as a whole."),
    t("createOnly", &["createOnly", "createOrUpdate", "claim record"],
      "Ways to write a record through Marketo's REST API: createOnly refuses (\"skipped\") when a record with the same key exists, createOrUpdate overwrites it. A createOnly record can serve as a claim: only one writer creates it."),
    t("custom object", &["custom object", "custom objects"],
      "A table of your own records in Marketo (beside people and companies), read and written through the REST API."),
    t("dedupe key", &["dedupe key", "dedupe field", "deduplicate", "de-duplicate", "dedupe"],
      "The field that says whether two records are the same one; a write with a key that exists already is treated as the same record."),
    t("epoch", &["epoch", "epochs"],
      "A numbered era of some stored state: after a reset the epoch goes up, so work that started in the old epoch can tell that its view is out of date."),
    t("fencing token", &["fencing token", "fencing tokens"],
      "A number that grows each time a lease is handed out. The store refuses writes that carry an older number, so a holder whose lease ran out cannot do harm."),
    t("idempotent", &["idempotent", "idempotency", "idempotently"],
      "Safe to repeat: doing it twice has the same effect as doing it once (for example, skipping a message whose id was already handled)."),
    t("key-value store", &["key-value store"],
      "A small outside database that stores a value under a name (the key), called here through a webhook."),
    t("lease", &["lease", "leases"],
      "A claim that holds only for a set time. If the holder crashes, the lease runs out and someone else may take the work; if the holder is only slow, two may then do it."),
    t("lock", &["lock", "locks", "locked", "lock error", "lock errors", "UNABLE_TO_LOCK_ROW"],
      "A record held by one writer at a time; others wait in line. In Salesforce a writer that waits too long fails with UNABLE_TO_LOCK_ROW."),
    t("message id", &["message id", "message ids"],
      "A unique number every queue message carries, so that a second delivery of the same message can be recognised."),
    t("primary", &["primary database", "primary"],
      "The main copy of a database, where every write happens first."),
    t("quota", &["quota", "daily quota", "error 607"],
      "A fixed number of calls allowed per day. Once it is used up every call is refused until the next day, however long you back off."),
    t("race condition", &["race condition", "race conditions", "race", "races"],
      "When the result depends on which of two independent processes finishes first, and nothing controls the order. Usually right, sometimes wrong."),
    t("rate limit", &["rate limit", "rate limits", "error 606", "error 615", "API limits", "REST API limits"],
      "The most calls an API accepts in a time window (Marketo: 100 per 20 seconds, 10 at once). Calls beyond it are refused with an error."),
    t("read replica", &["read replica", "read replicas", "replica", "replicas"],
      "A copy of the primary database that serves reads to spread the load. It receives each write a little later."),
    t("read-your-writes", &["read-your-writes", "version check"],
      "Reading data at least as new as a change you know about: if the copy you read is older, read the primary instead."),
    t("redelivery", &["redelivery", "redelivered", "redeliveries", "delivered again"],
      "A queue handing out the same message again because it never got the acknowledgement that the first delivery was handled."),
    t("replica lag", &["replica lag", "lag", "lags", "lagging"],
      "How far a read replica is behind the primary: a read in that gap sees the data as it was before the latest write."),
    t("REST API", &["REST API"],
      "Marketo's web interface for programs: outside systems read and write people, lists and custom objects through it, one call at a time."),
    t("serverless", &["serverless", "serverless function", "serverless jobs"],
      "Code a cloud provider starts on demand for each run. Nothing stays in memory between runs unless it is stored elsewhere."),
    t("static list", &["static list", "static lists"],
      "A Marketo list that people are added to and removed from by flow steps or by hand (unlike a smart list, which is a saved search)."),
    t("synchronous", &["synchronous", "synchronously"],
      "Done right away, while the caller waits for it to finish."),
    t("timeout", &["timeout", "timeouts", "time out", "times out", "timed out"],
      "How long a caller waits (for an answer, for a lock) before it gives up. Giving up does not undo what the other side may already have done."),
    t("trigger", &["trigger", "triggers", "triggered"],
      "In a Marketo smart list, the event that starts a trigger campaign (Fills Out Form, Data Value Changes). In Salesforce, code the CRM runs whenever a record changes."),
    t("trigger campaign", &["trigger campaign", "trigger campaigns"],
      "A smart campaign that reacts to events (a form fill, a data value change) as they happen, one person at a time."),
    t("version", &["versioned", "version"],
      "A counter that goes up with every change of a record, so a writer can tell whether the record changed since it was read."),
    t("webhook", &["webhook", "webhooks", "Call Webhook"],
      "A call from a Marketo flow step to an outside web service; its answer can be written into fields (response mappings)."),
    t("webhook timeout", &["webhook timeout", "webhook timeouts"],
      "How long Marketo waits for a webhook's answer (at most 30 seconds). After that the flow goes on without it, though the service may still act."),
];

/// Whether `text` contains `form` as a whole word (or phrase), ignoring case.
pub fn mentions(text: &str, form: &str) -> bool {
    let hay = text.to_lowercase();
    let needle = form.to_lowercase();
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    let mut from = 0;
    while let Some(i) = hay[from..].find(&needle) {
        let start = from + i;
        let end = start + needle.len();
        let before = hay[..start].chars().next_back().is_none_or(|c| !word(c));
        let after = hay[end..].chars().next().is_none_or(|c| !word(c));
        if before && after {
            return true;
        }
        from = start + needle.len().max(1);
    }
    false
}

/// The glossary entries `text` uses, in glossary order.
pub fn terms_in(text: &str) -> Vec<&'static Term> {
    GLOSSARY
        .iter()
        .filter(|t| t.forms.iter().any(|f| mentions(text, f)))
        .collect()
}

/// The text of a scenario that a user reads about it: summary, lesson and the variants'
/// descriptions.
pub fn lesson_text(s: &Scenario) -> String {
    let mut text = format!("{}\n{}", s.summary, s.lesson);
    for v in &s.variants {
        text.push('\n');
        text.push_str(&v.description);
    }
    text
}

/// The glossary entries a scenario's lesson (with its summary and variant descriptions) uses.
pub fn lesson_terms(s: &Scenario) -> Vec<&'static Term> {
    terms_in(&lesson_text(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_words_only() {
        assert!(mentions("a lease of 10 min", "lease"));
        assert!(!mentions("please wait", "lease"));
        assert!(mentions("uses CAS on the version", "cas"));
        assert!(!mentions("in that case", "cas"));
        assert!(!mentions("failed with UNABLE_TO_LOCK_ROW", "lock"));
        assert!(mentions(
            "failed with UNABLE_TO_LOCK_ROW",
            "UNABLE_TO_LOCK_ROW"
        ));
        assert!(mentions(
            "a compare-and-set on the version",
            "compare-and-set"
        ));
    }

    #[test]
    fn the_glossary_is_sorted_and_each_term_is_one_of_its_forms() {
        let names: Vec<String> = GLOSSARY.iter().map(|t| t.term.to_lowercase()).collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
        for t in GLOSSARY {
            assert!(
                t.forms.iter().any(|f| f.eq_ignore_ascii_case(t.term)),
                "{}: its own spelling is one of its forms",
                t.term
            );
            assert!(
                !t.definition.is_empty() && t.definition.len() < 260,
                "{}",
                t.term
            );
        }
    }

    #[test]
    fn terms_are_found_in_text() {
        let found: Vec<&str> = terms_in("An idempotent consumer reads a lagging replica.")
            .iter()
            .map(|t| t.term)
            .collect();
        assert_eq!(
            found,
            ["consumer", "idempotent", "read replica", "replica lag"]
        );
    }
}
