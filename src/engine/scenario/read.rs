//! Reading scenario types from a JSON value: the one reader of scenario JSON (the web app, the
//! CLI, variant patches and tests all use it).
//!
//! Each scenario type implements [`FromJson`] in a few lines next to its definition, with the
//! `fields!` and `variants!` macros; the work (finding keys, refusing unknown ones, error
//! messages) happens in the shared, non-generic helpers here, so that the web app's wasm stays
//! small. It reads what serde's derived deserialisers read (externally tagged enums, a struct
//! only from a JSON object), with serde's error messages, and names the place of an error as a
//! path into the document: `campaigns[0].flow[1]: unknown variant `teleport`, expected …`.

use super::{
    Action, CheckpointDef, FieldType, JobStrategy, Json, OutsideEvent, RecordSource, Schedule,
    Service,
};
use crate::engine::dist::Dist;
use crate::engine::knobs::{Param, Unit};
use crate::engine::vec_map::VecMap;
use serde_json::Map;
use std::collections::BTreeMap;
use std::fmt;

/// Why JSON could not be read as a scenario type: what is wrong, and where. (Boxed: a result
/// carrying it is no bigger than its value, which keeps the readers small.)
#[derive(Clone, PartialEq, Eq)]
pub struct ReadError(Box<Detail>);

#[derive(Clone, PartialEq, Eq)]
struct Detail {
    /// Where in the document, e.g. `campaigns[0].flow[1]` (empty: the document itself).
    path: String,
    message: String,
}

impl ReadError {
    #[cold]
    pub fn new(message: impl Into<String>) -> Self {
        ReadError(Box::new(Detail {
            path: String::new(),
            message: message.into(),
        }))
    }

    /// "invalid type: string \"x\", expected a string"
    #[cold]
    pub fn invalid_type(found: &Json, expected: &str) -> Self {
        let found = match found {
            Json::Null => "null".to_string(),
            Json::Bool(b) => format!("boolean `{b}`"),
            Json::Number(n) if n.is_f64() => format!("floating point `{n}`"),
            Json::Number(n) => format!("integer `{n}`"),
            Json::String(s) => format!("string \"{s}\""),
            Json::Array(_) => "sequence".to_string(),
            Json::Object(_) => "map".to_string(),
        };
        Self::new(format!("invalid type: {found}, expected {expected}"))
    }

    /// The place of the error in the document (empty: the document itself).
    pub fn path(&self) -> &str {
        &self.0.path
    }

    /// What is wrong, without the place.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The same error, one object key further out.
    #[cold]
    pub fn at_key(self, key: &str) -> Self {
        let plain = !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        self.within(if plain {
            key.to_string()
        } else {
            format!("[\"{key}\"]")
        })
    }

    /// The same error, one array index further out.
    #[cold]
    pub fn at_index(self, index: usize) -> Self {
        self.within(format!("[{index}]"))
    }

    fn within(mut self, mut step: String) -> Self {
        let path = &mut self.0.path;
        if !(path.is_empty() || path.starts_with('[')) {
            step.push('.');
        }
        step.push_str(path);
        *path = step;
        self
    }
}

/// A syntax error of the JSON text (it names its line and column).
impl From<serde_json::Error> for ReadError {
    fn from(e: serde_json::Error) -> Self {
        ReadError::new(e.to_string())
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.0.path.is_empty() {
            write!(f, "{}: ", self.0.path)?;
        }
        f.write_str(&self.0.message)
    }
}

/// Shown as its message (like its `Display`).
impl fmt::Debug for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for ReadError {}

/// A type read from JSON.
pub trait FromJson: Sized {
    fn from_json(v: &Json) -> Result<Self, ReadError>;
}

/// Reads a `T` from JSON text: a syntax error names its line and column, an error in the
/// content its path.
pub fn from_text<T: FromJson>(text: &str) -> Result<T, ReadError> {
    T::from_json(&serde_json::from_str(text)?)
}

/// "`a`, `b` or `c`" as serde writes what it expected: "there are no fields" when empty.
#[cold]
fn one_of(names: &[&str], kind: &str) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.as_slice() {
        [] => format!("there are no {kind}s"),
        [one] => format!("expected {one}"),
        [a, b] => format!("expected {a} or {b}"),
        all => format!("expected one of {}", all.join(", ")),
    }
}

// ---- structs --------------------------------------------------------------------------

/// The fields of a JSON object being read as a struct (or as a struct variant's content).
pub struct Fields<'a> {
    map: &'a Map<String, Json>,
    /// The variant whose content this is, if any: a step of an error's path.
    variant: Option<&'a str>,
}

impl<'a> Fields<'a> {
    /// The fields of `v`, which must be an object; `what` is the struct, e.g. "struct Knob".
    pub fn of(v: &'a Json, what: &str) -> Result<Self, ReadError> {
        match v {
            Json::Object(map) => Ok(Fields { map, variant: None }),
            _ => Err(ReadError::invalid_type(v, what)),
        }
    }

    /// Refuses a key that is not one of `keys` (a struct that denies unknown fields).
    pub fn deny_unknown(&self, keys: &[&str]) -> Result<(), ReadError> {
        match self.map.keys().find(|k| !keys.contains(&k.as_str())) {
            Some(k) => Err(self.placed(ReadError::new(format!(
                "unknown field `{k}`, {}",
                one_of(keys, "field")
            )))),
            None => Ok(()),
        }
    }

    /// The field `key`, which must be there.
    #[inline(never)]
    pub fn req<T: FromJson>(&self, key: &str) -> Result<T, ReadError> {
        let v = self.value(key)?;
        T::from_json(v).map_err(|e| self.failed(e, key))
    }

    /// The field `key`, or `default()` when it is absent.
    #[inline(never)]
    pub fn or<T: FromJson>(&self, key: &str, default: fn() -> T) -> Result<T, ReadError> {
        match self.map.get(key) {
            Some(v) => T::from_json(v).map_err(|e| self.failed(e, key)),
            None => Ok(default()),
        }
    }

    /// The field `key`, or its type's default when it is absent.
    pub fn or_default<T: FromJson + Default>(&self, key: &str) -> Result<T, ReadError> {
        self.or(key, T::default)
    }

    /// Reads the field `key` into `slot`: when absent, `slot` keeps its value (a default), unless
    /// the field is `required`.
    #[inline(never)]
    pub fn fill<T: FromJson>(
        &self,
        key: &str,
        slot: &mut T,
        required: bool,
    ) -> Result<(), ReadError> {
        let v = match self.map.get(key) {
            Some(v) => v,
            None if required => return Err(self.missing(key)),
            None => return Ok(()),
        };
        *slot = T::from_json(v).map_err(|e| self.failed(e, key))?;
        Ok(())
    }

    /// Which of `key` and its `alias` the object uses (`key` when neither); both is an error.
    pub fn aliased(
        &self,
        key: &'static str,
        alias: &'static str,
    ) -> Result<&'static str, ReadError> {
        match (self.map.contains_key(key), self.map.contains_key(alias)) {
            (true, true) => Err(self.placed(ReadError::new(format!("duplicate field `{key}`")))),
            (false, true) => Ok(alias),
            _ => Ok(key),
        }
    }

    /// The value of field `key`, which must be there.
    fn value(&self, key: &str) -> Result<&'a Json, ReadError> {
        self.map.get(key).ok_or_else(|| self.missing(key))
    }

    #[cold]
    fn missing(&self, key: &str) -> ReadError {
        self.placed(ReadError::new(format!("missing field `{key}`")))
    }

    /// `e`, an error reading field `key`, placed in the document.
    #[cold]
    fn failed(&self, e: ReadError, key: &str) -> ReadError {
        self.placed(e.at_key(key))
    }

    #[cold]
    fn placed(&self, e: ReadError) -> ReadError {
        match self.variant {
            Some(name) => e.at_key(name),
            None => e,
        }
    }
}

/// Reads a struct (or a struct variant's content) from [`Fields`]:
/// `fields!(Fields::of(v, "struct Knob")?, Knob { name: req, description: or_default, .. })`,
/// with `deny` before the type to refuse unknown keys. Each field is read under its own name,
/// or under `as "key"` (`| "alias"` accepts a second name): `req` (it must be there),
/// `or_default` or `or(default_fn)` (the default when absent). Fields not read from JSON
/// follow a `;`, with their values.
///
/// A struct is built first, with its defaults and a [`Blank`] for each required field, and its
/// fields are then read into it (a failed read drops one value, not each field read so far:
/// less code); a struct variant (a path `Enum::Variant`) is built field by field.
macro_rules! fields {
    ($fields:expr, deny $($ty:ident)::+ { $($field:ident $(as $key:literal)? $(| $alias:literal)?: $how:ident $(($default:expr))?),* $(; $($other:ident: $value:expr),*)? $(,)? }) => {{
        let f = $fields;
        f.deny_unknown(&[$($($alias,)? $crate::engine::scenario::read::fields!(@key $field $($key)?)),*])?;
        $crate::engine::scenario::read::fields!(@build f, $($ty)::+ { $($field $($key)? $(| $alias)?: $how $(($default))?),* } { $($($other: $value),*)? })
    }};
    ($fields:expr, $($ty:ident)::+ { $($field:ident $(as $key:literal)? $(| $alias:literal)?: $how:ident $(($default:expr))?),* $(; $($other:ident: $value:expr),*)? $(,)? }) => {{
        let f = $fields;
        $crate::engine::scenario::read::fields!(@build f, $($ty)::+ { $($field $($key)? $(| $alias)?: $how $(($default))?),* } { $($($other: $value),*)? })
    }};
    // A struct: built with stand-ins, then its fields read into it.
    (@build $f:ident, $ty:ident { $($field:ident $($key:literal)? $(| $alias:literal)?: $how:ident $(($default:expr))?),* } { $($other:ident: $value:expr),* }) => {{
        let mut x = $ty {
            $($field: $crate::engine::scenario::read::fields!(@init $f, $crate::engine::scenario::read::fields!(@pick $f, $crate::engine::scenario::read::fields!(@key $field $($key)?) $(, $alias)?), $how $(($default))?),)*
            $($other: $value,)*
        };
        $($crate::engine::scenario::read::fields!(@fill $f, x.$field, $crate::engine::scenario::read::fields!(@pick $f, $crate::engine::scenario::read::fields!(@key $field $($key)?) $(, $alias)?), $how);)*
        x
    }};
    // A struct variant: field by field.
    (@build $f:ident, $($ty:ident)::+ { $($field:ident $($key:literal)? $(| $alias:literal)?: $how:ident $(($default:expr))?),* } { $($other:ident: $value:expr),* }) => {
        $($ty)::+ {
            $($field: $f.$how($crate::engine::scenario::read::fields!(@pick $f, $crate::engine::scenario::read::fields!(@key $field $($key)?) $(, $alias)?) $(, $default)?)?,)*
            $($other: $value,)*
        }
    };
    (@init $f:ident, $key:expr, req) => { $crate::engine::scenario::read::Blank::blank() };
    (@init $f:ident, $key:expr, or ($default:expr)) => { $default() };
    (@init $f:ident, $key:expr, or_default) => { Default::default() };
    (@fill $f:ident, $slot:expr, $key:expr, req) => { $f.fill($key, &mut $slot, true)? };
    (@fill $f:ident, $slot:expr, $key:expr, $how:ident) => { $f.fill($key, &mut $slot, false)? };
    (@key $field:ident) => { stringify!($field) };
    (@key $field:ident $key:literal) => { $key };
    (@pick $f:ident, $key:expr) => { $key };
    (@pick $f:ident, $key:expr, $alias:literal) => { $f.aliased($key, $alias)? };
}
pub(crate) use fields;

/// A stand-in for a required field while its struct is read (the field's value replaces it):
/// the type's default, or for a type without one, a value of it.
pub trait Blank {
    fn blank() -> Self;
}

impl<T: Default> Blank for T {
    fn blank() -> Self {
        T::default()
    }
}

/// `Blank` for types without a default.
macro_rules! blanks {
    ($($ty:ty => $blank:expr),* $(,)?) => {
        $(impl Blank for $ty {
            fn blank() -> Self {
                $blank
            }
        })*
    };
}

blanks! {
    Param => Param::Literal(0),
    Dist => Dist::Fixed(Param::Literal(0)),
    FieldType => FieldType::Text,
    Unit => Unit::Count,
    JobStrategy => JobStrategy::ReadThenWrite,
    Action => Action::DoNothing,
    OutsideEvent => OutsideEvent::ChangeEventRedelivered,
    Service => Service::Respond(BTreeMap::new()),
    Schedule => Schedule { at: Param::blank(), every: None },
    RecordSource => RecordSource { record_every: Param::blank() },
    CheckpointDef => CheckpointDef {
        object: String::new(),
        dedupe_field: String::new(),
        key: String::new(),
        field: String::new(),
    },
}

// ---- enums ----------------------------------------------------------------------------

/// An externally tagged enum value: a unit variant's name as a string, or an object with one
/// key, the variant's name, whose value is the variant's content.
pub struct Tag<'a> {
    pub name: &'a str,
    content: Option<&'a Json>,
}

impl<'a> Tag<'a> {
    pub fn of(v: &'a Json) -> Result<Self, ReadError> {
        match v {
            Json::String(name) => Ok(Tag {
                name,
                content: None,
            }),
            Json::Object(map) => match map.iter().next() {
                Some((name, content)) if map.len() == 1 => Ok(Tag {
                    name,
                    content: Some(content),
                }),
                _ => Err(ReadError::new(
                    "invalid value: map, expected map with a single key",
                )),
            },
            _ => Err(ReadError::invalid_type(v, "string or map")),
        }
    }

    /// A unit variant: `value`, if there is no content (or null).
    pub fn unit<T>(&self, value: T) -> Result<T, ReadError> {
        self.no_content().map(|()| value)
    }

    fn no_content(&self) -> Result<(), ReadError> {
        match self.content {
            None | Some(Json::Null) => Ok(()),
            Some(c) => Err(ReadError::invalid_type(c, "unit").at_key(self.name)),
        }
    }

    /// A newtype variant's content.
    pub fn newtype<T: FromJson>(&self) -> Result<T, ReadError> {
        T::from_json(self.content("newtype variant")?).map_err(|e| e.at_key(self.name))
    }

    /// A struct variant's content (read it with `fields!`).
    pub fn fields(&self) -> Result<Fields<'a>, ReadError> {
        match self.content("struct variant")? {
            Json::Object(map) => Ok(Fields {
                map,
                variant: Some(self.name),
            }),
            c => Err(ReadError::invalid_type(c, "struct variant").at_key(self.name)),
        }
    }

    fn content(&self, kind: &str) -> Result<&'a Json, ReadError> {
        self.content
            .ok_or_else(|| ReadError::new(format!("invalid type: unit variant, expected {kind}")))
    }

    /// The error for a variant not among `names`.
    #[cold]
    pub fn unknown(&self, names: &[&str]) -> ReadError {
        ReadError::new(format!(
            "unknown variant `{}`, {}",
            self.name,
            one_of(names, "variant")
        ))
    }
}

/// Reads an externally tagged enum: `variants!(v, t { "name" => expr, .. })` matches the
/// variant's name (`t` is the [`Tag`]); any other name is an unknown variant.
macro_rules! variants {
    ($v:expr, $t:ident { $($name:literal => $read:expr),* $(,)? }) => {{
        let $t = $crate::engine::scenario::read::Tag::of($v)?;
        match $t.name {
            $($name => $read,)*
            _ => return Err($t.unknown(&[$($name),*])),
        }
    }};
}
pub(crate) use variants;

/// An enum whose variants are all unit variants, read from their names (`names`, in the order
/// of `values`).
pub fn unit_variant<T: Copy>(v: &Json, names: &[&str], values: &[T]) -> Result<T, ReadError> {
    let t = Tag::of(v)?;
    match names.iter().position(|n| *n == t.name) {
        Some(i) => t.no_content().map(|()| values[i]),
        None => Err(t.unknown(names)),
    }
}

// ---- primitives and containers ----------------------------------------------------------

impl FromJson for String {
    fn from_json(v: &Json) -> Result<Self, ReadError> {
        match v {
            Json::String(s) => Ok(s.clone()),
            _ => Err(ReadError::invalid_type(v, "a string")),
        }
    }
}

impl FromJson for bool {
    fn from_json(v: &Json) -> Result<Self, ReadError> {
        match v {
            Json::Bool(b) => Ok(*b),
            _ => Err(ReadError::invalid_type(v, "a boolean")),
        }
    }
}

impl FromJson for Json {
    fn from_json(v: &Json) -> Result<Self, ReadError> {
        Ok(v.clone())
    }
}

/// The whole number `v` (a float is of another type); `what` names the type read ("u32").
fn whole<'a>(v: &'a Json, what: &str) -> Result<&'a serde_json::Number, ReadError> {
    match v {
        Json::Number(n) if !n.is_f64() => Ok(n),
        _ => Err(ReadError::invalid_type(v, what)),
    }
}

#[cold]
fn out_of_range(n: &serde_json::Number, what: &str) -> ReadError {
    ReadError::new(format!("invalid value: integer `{n}`, expected {what}"))
}

/// A whole number from 0 to `max`.
fn unsigned(v: &Json, what: &str, max: u64) -> Result<u64, ReadError> {
    let n = whole(v, what)?;
    n.as_u64()
        .filter(|u| *u <= max)
        .ok_or_else(|| out_of_range(n, what))
}

impl FromJson for i64 {
    fn from_json(v: &Json) -> Result<Self, ReadError> {
        let n = whole(v, "i64")?;
        n.as_i64().ok_or_else(|| out_of_range(n, "i64"))
    }
}

impl FromJson for u64 {
    fn from_json(v: &Json) -> Result<Self, ReadError> {
        unsigned(v, "u64", u64::MAX)
    }
}

impl FromJson for u32 {
    fn from_json(v: &Json) -> Result<Self, ReadError> {
        unsigned(v, "u32", u32::MAX.into()).map(|u| u as u32)
    }
}

impl<T: FromJson> FromJson for Option<T> {
    fn from_json(v: &Json) -> Result<Self, ReadError> {
        match v {
            Json::Null => Ok(None),
            _ => T::from_json(v).map(Some),
        }
    }
}

impl<T: FromJson> FromJson for Box<T> {
    fn from_json(v: &Json) -> Result<Self, ReadError> {
        T::from_json(v).map(Box::new)
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(v: &Json) -> Result<Self, ReadError> {
        let Json::Array(items) = v else {
            return Err(ReadError::invalid_type(v, "a sequence"));
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            out.push(T::from_json(item).map_err(|e| e.at_index(i))?);
        }
        Ok(out)
    }
}

/// The entries of a JSON object (in key order).
fn object(v: &Json) -> Result<&Map<String, Json>, ReadError> {
    match v {
        Json::Object(map) => Ok(map),
        _ => Err(ReadError::invalid_type(v, "a map")),
    }
}

impl<T: FromJson> FromJson for BTreeMap<String, T> {
    fn from_json(v: &Json) -> Result<Self, ReadError> {
        let mut out = BTreeMap::new();
        for (k, x) in object(v)? {
            out.insert(k.clone(), T::from_json(x).map_err(|e| e.at_key(k))?);
        }
        Ok(out)
    }
}

impl<T: FromJson> FromJson for VecMap<String, T> {
    fn from_json(v: &Json) -> Result<Self, ReadError> {
        let mut out = VecMap::new();
        for (k, x) in object(v)? {
            out.insert(k.clone(), T::from_json(x).map_err(|e| e.at_key(k))?);
        }
        Ok(out)
    }
}
