//! The custom-object store against the behaviour of Marketo's endpoints: reads by filter,
//! the write actions and dedupe modes, versions, batch limits and compare-and-set.

use super::*;

fn store() -> CustomObjectStore {
    CustomObjectStore::new("customObjectSyncMetadata_c", "apiName", CoLimits::default())
}

fn rec(pairs: &[(&str, CoValue)]) -> Fields {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

fn checkpoint(api: &str, mark: i64) -> Fields {
    rec(&[("apiName", api.into()), ("highWaterMark", mark.into())])
}

#[test]
fn defaults_are_300_records_and_1_mb() {
    let l = CoLimits::default();
    assert_eq!(l.max_batch_records, 300);
    assert_eq!(l.max_payload_bytes, 1_048_576);
}

#[test]
fn create_or_update_creates_then_updates_and_bumps_version() {
    let mut s = store();
    let out = s
        .write(
            WriteAction::CreateOrUpdate,
            DedupeBy::DedupeFields,
            &[checkpoint("p", 10)],
        )
        .unwrap();
    let WriteStatus::Created { guid, version } = out[0].clone() else {
        panic!("expected created, got {out:?}");
    };
    assert_eq!(version, 1);
    let out = s
        .write(
            WriteAction::CreateOrUpdate,
            DedupeBy::DedupeFields,
            &[checkpoint("p", 20)],
        )
        .unwrap();
    assert_eq!(
        out,
        vec![WriteStatus::Updated {
            guid: guid.clone(),
            version: 2
        }]
    );
    let r = s.get(&"p".into()).unwrap();
    assert_eq!(r.guid, guid);
    assert_eq!(r.version, 2);
    assert_eq!(r.fields["highWaterMark"], CoValue::Number(20));
    assert_eq!(s.len(), 1);
}

#[test]
fn create_only_on_existing_value_is_skipped_as_duplicate() {
    let mut s = store();
    let first = s
        .write(
            WriteAction::CreateOnly,
            DedupeBy::DedupeFields,
            &[checkpoint("claim", 1)],
        )
        .unwrap();
    assert!(matches!(first[0], WriteStatus::Created { .. }));
    let second = s
        .write(
            WriteAction::CreateOnly,
            DedupeBy::DedupeFields,
            &[checkpoint("claim", 2)],
        )
        .unwrap();
    assert_eq!(second, vec![WriteStatus::Skipped(SkipReason::Duplicate)]);
    assert_eq!(SkipReason::Duplicate.message(), "duplicate");
    // The loser did not overwrite the winner's claim.
    assert_eq!(
        s.get(&"claim".into()).unwrap().fields["highWaterMark"],
        1.into()
    );
    assert_eq!(s.get(&"claim".into()).unwrap().version, 1);
}

#[test]
fn update_only_on_missing_value_is_skipped_as_not_found() {
    let mut s = store();
    let out = s
        .write(
            WriteAction::UpdateOnly,
            DedupeBy::DedupeFields,
            &[checkpoint("nope", 1)],
        )
        .unwrap();
    assert_eq!(out, vec![WriteStatus::Skipped(SkipReason::NotFound)]);
    assert_eq!(SkipReason::NotFound.message(), "not found");
    assert!(s.is_empty());
}

#[test]
fn statuses_follow_input_order_within_one_batch() {
    let mut s = store();
    let out = s
        .write(
            WriteAction::CreateOrUpdate,
            DedupeBy::DedupeFields,
            &[
                checkpoint("a", 1),
                rec(&[("highWaterMark", 1.into())]),
                checkpoint("a", 2),
                checkpoint("b", 3),
            ],
        )
        .unwrap();
    assert!(matches!(out[0], WriteStatus::Created { version: 1, .. }));
    assert_eq!(out[1], WriteStatus::Skipped(SkipReason::MissingKey));
    assert!(matches!(out[2], WriteStatus::Updated { version: 2, .. }));
    assert!(matches!(out[3], WriteStatus::Created { version: 1, .. }));
    assert_eq!(s.stats().created, 2);
    assert_eq!(s.stats().updated, 1);
    assert_eq!(s.stats().skipped, 1);
}

#[test]
fn update_merges_and_keeps_dedupe_field() {
    let mut s = store();
    s.write(
        WriteAction::CreateOnly,
        DedupeBy::DedupeFields,
        &[rec(&[("apiName", "p".into()), ("file", "a.csv".into())])],
    )
    .unwrap();
    s.write(
        WriteAction::UpdateOnly,
        DedupeBy::DedupeFields,
        &[checkpoint("p", 5)],
    )
    .unwrap();
    let r = s.get(&"p".into()).unwrap();
    assert_eq!(r.fields["file"], "a.csv".into());
    assert_eq!(r.fields["highWaterMark"], 5.into());
    assert_eq!(r.fields["apiName"], "p".into());
    assert!(!r.fields.contains_key(GUID_FIELD));
}

#[test]
fn id_field_updates_by_guid_and_never_creates() {
    let mut s = store();
    let out = s
        .write(
            WriteAction::CreateOnly,
            DedupeBy::DedupeFields,
            &[checkpoint("p", 1)],
        )
        .unwrap();
    let WriteStatus::Created { guid, .. } = out[0].clone() else {
        panic!()
    };
    let by_id = rec(&[
        (GUID_FIELD, guid.as_str().into()),
        ("highWaterMark", 9.into()),
    ]);
    let out = s
        .write(WriteAction::UpdateOnly, DedupeBy::IdField, &[by_id])
        .unwrap();
    assert_eq!(out, vec![WriteStatus::Updated { guid, version: 2 }]);
    let unknown = rec(&[(GUID_FIELD, "no-such-guid".into()), ("apiName", "q".into())]);
    let out = s
        .write(WriteAction::CreateOrUpdate, DedupeBy::IdField, &[unknown])
        .unwrap();
    assert_eq!(out, vec![WriteStatus::Skipped(SkipReason::NotFound)]);
    let no_id = checkpoint("q", 1);
    let out = s
        .write(WriteAction::UpdateOnly, DedupeBy::IdField, &[no_id])
        .unwrap();
    assert_eq!(out, vec![WriteStatus::Skipped(SkipReason::MissingKey)]);
    assert_eq!(
        s.write(WriteAction::CreateOnly, DedupeBy::IdField, &[]),
        Err(WriteError::CreateOnlyById)
    );
    assert_eq!(s.len(), 1);
}

#[test]
fn read_by_filter_follows_value_order_and_matches_ids() {
    let mut s = store();
    s.write(
        WriteAction::CreateOrUpdate,
        DedupeBy::DedupeFields,
        &[checkpoint("a", 1), checkpoint("b", 1), checkpoint("c", 2)],
    )
    .unwrap();
    let got = s.read("apiName", &["c".into(), "a".into(), "zz".into()]);
    let names: Vec<_> = got.iter().map(|r| r.fields["apiName"].clone()).collect();
    assert_eq!(names, vec!["c".into(), "a".into()]);
    // A non-dedupe filter can match several records; each appears once.
    let got = s.read("highWaterMark", &[1.into(), 1.into()]);
    assert_eq!(got.len(), 2);
    let guid = got[1].guid.clone();
    let by_id = s.read(GUID_FIELD, &[guid.as_str().into()]);
    assert_eq!(by_id.len(), 1);
    assert_eq!(by_id[0].fields["apiName"], "b".into());
}

#[test]
fn text_and_number_dedupe_values_are_distinct() {
    let mut s = CustomObjectStore::new("o", "k", CoLimits::default());
    s.write(
        WriteAction::CreateOnly,
        DedupeBy::DedupeFields,
        &[rec(&[("k", "7".into())]), rec(&[("k", 7.into())])],
    )
    .unwrap();
    assert_eq!(s.len(), 2);
}

#[test]
fn too_many_records_fails_the_whole_call() {
    let mut s = store();
    let batch: Vec<Fields> = (0..301).map(|i| checkpoint(&format!("o{i}"), i)).collect();
    assert_eq!(
        s.write(WriteAction::CreateOrUpdate, DedupeBy::DedupeFields, &batch),
        Err(WriteError::TooManyRecords {
            count: 301,
            max: 300
        })
    );
    assert!(s.is_empty());
    assert_eq!(s.stats().rejected_calls, 1);
    assert!(s
        .write(
            WriteAction::CreateOrUpdate,
            DedupeBy::DedupeFields,
            &batch[..300]
        )
        .is_ok());
    assert_eq!(s.len(), 300);
}

#[test]
fn payload_over_1_mb_fails_the_whole_call() {
    assert_eq!(payload_bytes(&[checkpoint("ab", 123)]), 7 + 2 + 13 + 3);
    let mut s = store();
    let big = "x".repeat(600_000);
    let batch = vec![
        rec(&[("apiName", "a".into()), ("blob", big.as_str().into())]),
        rec(&[("apiName", "b".into()), ("blob", big.as_str().into())]),
    ];
    let err = s
        .write(WriteAction::CreateOrUpdate, DedupeBy::DedupeFields, &batch)
        .unwrap_err();
    assert!(matches!(
        err,
        WriteError::PayloadTooLarge { max: 1_048_576, .. }
    ));
    assert!(s.is_empty());
    assert!(s
        .write(
            WriteAction::CreateOrUpdate,
            DedupeBy::DedupeFields,
            &batch[..1]
        )
        .is_ok());
}

#[test]
fn read_then_write_from_two_runs_loses_an_update() {
    // Race 5: two overlapping job runs read the same checkpoint, each writes its own.
    let mut s = store();
    s.write(
        WriteAction::CreateOnly,
        DedupeBy::DedupeFields,
        &[checkpoint("p", 100)],
    )
    .unwrap();
    let run_a = s.read("apiName", &["p".into()])[0].clone();
    let run_b = s.read("apiName", &["p".into()])[0].clone();
    assert_eq!(run_a.version, run_b.version);
    s.write(
        WriteAction::UpdateOnly,
        DedupeBy::DedupeFields,
        &[checkpoint("p", 200)],
    )
    .unwrap();
    s.write(
        WriteAction::UpdateOnly,
        DedupeBy::DedupeFields,
        &[checkpoint("p", 150)],
    )
    .unwrap();
    // Both writes succeeded; the later, lower checkpoint wins.
    assert_eq!(
        s.get(&"p".into()).unwrap().fields["highWaterMark"],
        150.into()
    );
}

#[test]
fn compare_and_set_rejects_the_stale_writer() {
    let mut s = store();
    assert_eq!(
        s.compare_and_set(&"p".into(), 0, rec(&[("highWaterMark", 100.into())])),
        Ok(1)
    );
    let seen_a = s.get(&"p".into()).unwrap().version;
    let seen_b = s.get(&"p".into()).unwrap().version;
    assert_eq!(
        s.compare_and_set(&"p".into(), seen_a, rec(&[("highWaterMark", 200.into())])),
        Ok(2)
    );
    assert_eq!(
        s.compare_and_set(&"p".into(), seen_b, rec(&[("highWaterMark", 150.into())])),
        Err(CasError::VersionMismatch {
            expected: 1,
            actual: 2
        })
    );
    let r = s.get(&"p".into()).unwrap();
    assert_eq!(r.fields["highWaterMark"], 200.into());
    assert_eq!(r.fields["apiName"], "p".into());
    assert_eq!(s.stats().cas_ok, 2);
    assert_eq!(s.stats().cas_conflicts, 1);
}

#[test]
fn compare_and_set_zero_is_insert_if_absent() {
    let mut s = store();
    assert_eq!(s.compare_and_set(&"k".into(), 0, Fields::new()), Ok(1));
    assert_eq!(
        s.compare_and_set(&"k".into(), 0, Fields::new()),
        Err(CasError::VersionMismatch {
            expected: 0,
            actual: 1
        })
    );
    assert_eq!(
        s.compare_and_set(&"other".into(), 3, Fields::new()),
        Err(CasError::NotFound)
    );
    assert_eq!(
        s.compare_and_set(&CoValue::Empty, 0, Fields::new()),
        Err(CasError::MissingKey)
    );
    assert_eq!(s.len(), 1);
}

#[test]
fn guids_are_stable_and_distinct() {
    let mut s = store();
    let out = s
        .write(
            WriteAction::CreateOnly,
            DedupeBy::DedupeFields,
            &[checkpoint("a", 1), checkpoint("b", 1)],
        )
        .unwrap();
    let guids: Vec<String> = out
        .iter()
        .map(|o| match o {
            WriteStatus::Created { guid, .. } => guid.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_ne!(guids[0], guids[1]);
    assert_eq!(guids[0].len(), 36);
    s.write(
        WriteAction::UpdateOnly,
        DedupeBy::DedupeFields,
        &[checkpoint("a", 2)],
    )
    .unwrap();
    assert_eq!(s.get(&"a".into()).unwrap().guid, guids[0]);
}
