//! A Marketo custom-object store (seed 001): records with a dedupe field, read by filter,
//! written in batches with `action` and `dedupeBy`.
//!
//! Real-world behaviour modelled (Marketo custom objects REST endpoints):
//! - `GET /rest/v1/customobjects/{apiName}.json?filterType=..&filterValues=..` reads the
//!   records whose field equals one of the values ([`CustomObjectStore::read`]);
//! - `POST /rest/v1/customobjects/{apiName}.json` writes with `action` = createOnly |
//!   updateOnly | createOrUpdate and `dedupeBy` = dedupeFields | idField; each record comes
//!   back created, updated or skipped ([`CustomObjectStore::write`]). createOnly on an
//!   existing dedupe value is skipped as a duplicate: it is an insert-if-absent, the
//!   closest real primitive to a claim;
//! - at most 300 records per batch and about 1 MB of payload per call, else the whole call
//!   fails. The payload is estimated as the sum of field-name and value lengths.
//!
//! Every record carries a stable `marketoGUID`-like id and a `version` the store bumps on
//! every update. Real Marketo has **no** compare-and-swap, so a read-then-write from two
//! overlapping job runs loses an update (race 5). [`CustomObjectStore::compare_and_set`]
//! is the fix's primitive: it models a CAS-capable store behind a webhook (seed 004), not
//! a Marketo endpoint.

use serde::Serialize;
use std::collections::BTreeMap;

/// Name of the id field used by `dedupeBy = idField` and by id filters.
pub const GUID_FIELD: &str = "marketoGUID";

/// One field value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum CoValue {
    Text(String),
    Number(i64),
    Empty,
}

impl CoValue {
    /// Length of the value as it would appear in a JSON payload (without quotes).
    pub fn payload_len(&self) -> usize {
        match self {
            CoValue::Text(s) => s.len(),
            CoValue::Number(n) => n.to_string().len(),
            CoValue::Empty => 0,
        }
    }

    /// A string that identifies the value in the dedupe index (text and numbers never clash).
    fn index_key(&self) -> Option<String> {
        match self {
            CoValue::Text(s) if !s.is_empty() => Some(format!("t:{s}")),
            CoValue::Number(n) => Some(format!("n:{n}")),
            _ => None,
        }
    }
}

impl From<&str> for CoValue {
    fn from(s: &str) -> Self {
        CoValue::Text(s.to_string())
    }
}

impl From<i64> for CoValue {
    fn from(n: i64) -> Self {
        CoValue::Number(n)
    }
}

/// A record's fields by name.
pub type Fields = BTreeMap<String, CoValue>;

/// A stored record.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Record {
    /// Stable id assigned at creation (`marketoGUID`).
    pub guid: String,
    /// 1 at creation, +1 on every update.
    pub version: u64,
    /// Field values, including the dedupe field; never contains [`GUID_FIELD`].
    pub fields: Fields,
}

/// The write `action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum WriteAction {
    CreateOnly,
    UpdateOnly,
    CreateOrUpdate,
}

/// The write `dedupeBy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum DedupeBy {
    /// Match on the object's dedupe field.
    DedupeFields,
    /// Match on [`GUID_FIELD`]; cannot create records.
    IdField,
}

/// Why one record of a write was skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum SkipReason {
    /// createOnly and a record with this key exists.
    Duplicate,
    /// updateOnly (or idField) and no record has this key.
    NotFound,
    /// The record lacks the dedupe field (or the id, for idField).
    MissingKey,
}

impl SkipReason {
    pub fn message(self) -> &'static str {
        match self {
            SkipReason::Duplicate => "duplicate",
            SkipReason::NotFound => "not found",
            SkipReason::MissingKey => "missing dedupe field",
        }
    }
}

/// What happened to one record of a write, in input order.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub enum WriteStatus {
    Created { guid: String, version: u64 },
    Updated { guid: String, version: u64 },
    Skipped(SkipReason),
}

/// Why a whole write call failed (nothing was written).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub enum WriteError {
    TooManyRecords {
        count: usize,
        max: usize,
    },
    PayloadTooLarge {
        bytes: usize,
        max: usize,
    },
    /// createOnly with dedupeBy idField: ids are assigned by the store.
    CreateOnlyById,
}

/// Why a compare-and-set was refused.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub enum CasError {
    /// No record has this dedupe value and the expected version was not 0.
    NotFound,
    /// The record's version is not the expected one (0 = "expected absent").
    VersionMismatch { expected: u64, actual: u64 },
    /// The dedupe value is empty.
    MissingKey,
}

/// Batch limits. [`Default`] gives Marketo's numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct CoLimits {
    /// Records per write call (default 300).
    pub max_batch_records: usize,
    /// Estimated payload bytes per write call (default 1 MB = 1,048,576).
    pub max_payload_bytes: usize,
}

impl Default for CoLimits {
    fn default() -> Self {
        CoLimits {
            max_batch_records: 300,
            max_payload_bytes: 1_048_576,
        }
    }
}

/// Running totals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
pub struct CoStats {
    pub created: u64,
    pub updated: u64,
    pub skipped: u64,
    pub rejected_calls: u64,
    pub cas_ok: u64,
    pub cas_conflicts: u64,
}

/// One custom object (`apiName`) and its records.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct CustomObjectStore {
    api_name: String,
    dedupe_field: String,
    limits: CoLimits,
    /// Records by guid; guids sort in creation order.
    records: BTreeMap<String, Record>,
    /// Dedupe index: [`CoValue::index_key`] of the dedupe value -> guid.
    by_dedupe: BTreeMap<String, String>,
    next_seq: u64,
    stats: CoStats,
}

/// Estimated payload of a batch: the sum of field-name and value lengths.
pub fn payload_bytes(records: &[Fields]) -> usize {
    records
        .iter()
        .flat_map(|r| r.iter())
        .map(|(k, v)| k.len() + v.payload_len())
        .sum()
}

impl CustomObjectStore {
    pub fn new(api_name: &str, dedupe_field: &str, limits: CoLimits) -> Self {
        CustomObjectStore {
            api_name: api_name.to_string(),
            dedupe_field: dedupe_field.to_string(),
            limits,
            records: BTreeMap::new(),
            by_dedupe: BTreeMap::new(),
            next_seq: 0,
            stats: CoStats::default(),
        }
    }

    pub fn api_name(&self) -> &str {
        &self.api_name
    }

    pub fn dedupe_field(&self) -> &str {
        &self.dedupe_field
    }

    pub fn stats(&self) -> &CoStats {
        &self.stats
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Every record, in guid order.
    pub fn records(&self) -> impl Iterator<Item = &Record> {
        self.records.values()
    }

    /// The record with this dedupe value.
    pub fn get(&self, dedupe_value: &CoValue) -> Option<&Record> {
        let guid = self.by_dedupe.get(&dedupe_value.index_key()?)?;
        self.records.get(guid)
    }

    /// Records whose `filter_field` equals one of `values` (`filterType`/`filterValues`).
    /// Filtering on [`GUID_FIELD`] matches ids. Results follow the order of `values`,
    /// each record at most once.
    pub fn read(&self, filter_field: &str, values: &[CoValue]) -> Vec<Record> {
        let mut out: Vec<Record> = Vec::new();
        for value in values {
            let matches: Vec<&Record> = if filter_field == GUID_FIELD {
                match value {
                    CoValue::Text(g) => self.records.get(g).into_iter().collect(),
                    _ => Vec::new(),
                }
            } else {
                self.records
                    .values()
                    .filter(|r| r.fields.get(filter_field) == Some(value))
                    .collect()
            };
            for r in matches {
                if !out.iter().any(|o| o.guid == r.guid) {
                    out.push(r.clone());
                }
            }
        }
        out
    }

    /// Write a batch. The whole call fails if it breaks a limit; otherwise each record
    /// gets a status, in input order. Updates merge the given fields into the record
    /// (the dedupe field and the id are never changed) and bump its version.
    pub fn write(
        &mut self,
        action: WriteAction,
        dedupe_by: DedupeBy,
        records: &[Fields],
    ) -> Result<Vec<WriteStatus>, WriteError> {
        let check = self.check_batch(action, dedupe_by, records);
        if let Err(e) = check {
            self.stats.rejected_calls += 1;
            return Err(e);
        }
        Ok(records
            .iter()
            .map(|r| self.write_one(action, dedupe_by, r))
            .collect())
    }

    /// Atomically merge `fields` into the record with this dedupe value if its version is
    /// `expected_version`, bumping the version; `expected_version = 0` means "expected absent" and creates
    /// the record (an insert-if-absent claim). Returns the new version.
    pub fn compare_and_set(
        &mut self,
        dedupe_value: &CoValue,
        expected_version: u64,
        fields: Fields,
    ) -> Result<u64, CasError> {
        let key = dedupe_value.index_key().ok_or(CasError::MissingKey)?;
        let actual = self.get(dedupe_value).map_or(0, |r| r.version);
        let result = match (expected_version, actual) {
            (e, a) if e != a && a == 0 => Err(CasError::NotFound),
            (e, a) if e != a => Err(CasError::VersionMismatch {
                expected: e,
                actual: a,
            }),
            (0, _) => {
                let mut fields = fields;
                fields.insert(self.dedupe_field.clone(), dedupe_value.clone());
                let (_, version) = self.create(key, fields);
                Ok(version)
            }
            _ => {
                let guid = self.by_dedupe[&key].clone();
                Ok(self.update(&guid, fields))
            }
        };
        match result {
            Ok(_) => self.stats.cas_ok += 1,
            Err(_) => self.stats.cas_conflicts += 1,
        }
        result
    }

    fn check_batch(
        &self,
        action: WriteAction,
        dedupe_by: DedupeBy,
        records: &[Fields],
    ) -> Result<(), WriteError> {
        if action == WriteAction::CreateOnly && dedupe_by == DedupeBy::IdField {
            return Err(WriteError::CreateOnlyById);
        }
        if records.len() > self.limits.max_batch_records {
            return Err(WriteError::TooManyRecords {
                count: records.len(),
                max: self.limits.max_batch_records,
            });
        }
        let bytes = payload_bytes(records);
        if bytes > self.limits.max_payload_bytes {
            return Err(WriteError::PayloadTooLarge {
                bytes,
                max: self.limits.max_payload_bytes,
            });
        }
        Ok(())
    }

    fn write_one(
        &mut self,
        action: WriteAction,
        dedupe_by: DedupeBy,
        input: &Fields,
    ) -> WriteStatus {
        let status = self.decide(action, dedupe_by, input);
        match &status {
            WriteStatus::Created { .. } => self.stats.created += 1,
            WriteStatus::Updated { .. } => self.stats.updated += 1,
            WriteStatus::Skipped(_) => self.stats.skipped += 1,
        }
        status
    }

    fn decide(&mut self, action: WriteAction, dedupe_by: DedupeBy, input: &Fields) -> WriteStatus {
        let mut fields = input.clone();
        let id = fields.remove(GUID_FIELD);
        let (existing, key) = match dedupe_by {
            DedupeBy::IdField => match id {
                Some(CoValue::Text(g)) if !g.is_empty() => {
                    (self.records.contains_key(&g).then_some(g), None)
                }
                _ => return WriteStatus::Skipped(SkipReason::MissingKey),
            },
            DedupeBy::DedupeFields => {
                let Some(key) = fields.get(&self.dedupe_field).and_then(CoValue::index_key) else {
                    return WriteStatus::Skipped(SkipReason::MissingKey);
                };
                (self.by_dedupe.get(&key).cloned(), Some(key))
            }
        };
        match (action, existing, key) {
            (WriteAction::CreateOnly, Some(_), _) => WriteStatus::Skipped(SkipReason::Duplicate),
            (WriteAction::UpdateOnly, None, _) | (_, None, None) => {
                WriteStatus::Skipped(SkipReason::NotFound)
            }
            (_, Some(guid), _) => {
                let version = self.update(&guid, fields);
                WriteStatus::Updated { guid, version }
            }
            (_, None, Some(key)) => {
                let (guid, version) = self.create(key, fields);
                WriteStatus::Created { guid, version }
            }
        }
    }

    fn create(&mut self, key: String, mut fields: Fields) -> (String, u64) {
        fields.remove(GUID_FIELD);
        let guid = format!("00000000-0000-4000-8000-{:012x}", self.next_seq);
        self.next_seq += 1;
        let record = Record {
            guid: guid.clone(),
            version: 1,
            fields,
        };
        self.records.insert(guid.clone(), record);
        self.by_dedupe.insert(key, guid.clone());
        (guid, 1)
    }

    /// Merge `fields` into the record (never its dedupe field or id) and bump its version.
    fn update(&mut self, guid: &str, mut fields: Fields) -> u64 {
        fields.remove(GUID_FIELD);
        fields.remove(&self.dedupe_field);
        let record = self.records.get_mut(guid).expect("update of a known guid");
        record.fields.extend(fields);
        record.version += 1;
        record.version
    }
}

#[cfg(test)]
mod tests;
