//! Field values and the text interner. Values are small `Copy` data so that simulation
//! state hashes and clones cheaply; text is stored once in [`Symbols`] and referred to by id.

use super::scenario::{FieldTest, FieldType, Json};

/// An interned text id.
pub type Sym = u32;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Value {
    #[default]
    Empty,
    Text(Sym),
    Number(i64),
    Bool(bool),
    Time(u64),
}

impl Value {
    pub fn is_empty(self) -> bool {
        self == Value::Empty
    }

    /// Whether the value already has the type of a `kind` field.
    pub fn fits(self, kind: FieldType) -> bool {
        matches!(
            (self, kind),
            (Value::Empty, _)
                | (Value::Text(_), FieldType::Text)
                | (Value::Number(_), FieldType::Number)
                | (Value::Bool(_), FieldType::Bool)
                | (Value::Time(_), FieldType::DateTime)
        )
    }

    fn as_number(self) -> Option<i64> {
        match self {
            Value::Number(n) => Some(n),
            Value::Time(t) => Some(t as i64),
            _ => None,
        }
    }
}

/// Interned text, shared by a compiled model and the runs made from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbols {
    texts: Vec<String>,
    /// The ids in the order of their texts, for lookups by bisection (a sorted `Vec` of
    /// small ids: each text is stored once, and an insert moves only 4-byte ids).
    index: Vec<Sym>,
}

/// Words the simulator itself writes (webhook response attributes, the owner queue of a
/// manual assignment): every text table starts with them, so their ids are fixed.
pub const RUNTIME_WORDS: [&str; 5] = ["ok", "value", "manual", "true", "false"];
pub const SYM_OK: Sym = 0;
pub const SYM_VALUE: Sym = 1;
pub const SYM_MANUAL: Sym = 2;

impl Default for Symbols {
    fn default() -> Self {
        let mut syms = Symbols {
            texts: Vec::new(),
            index: Vec::new(),
        };
        for word in RUNTIME_WORDS {
            syms.intern(word);
        }
        syms
    }
}

impl Symbols {
    pub fn intern(&mut self, s: &str) -> Sym {
        match self.find(s) {
            Ok(i) => self.index[i],
            Err(i) => {
                let id = self.texts.len() as Sym;
                self.texts.push(s.to_string());
                self.index.insert(i, id);
                id
            }
        }
    }

    /// Where `s` is in the index (`Ok`), or where it would go (`Err`).
    fn find(&self, s: &str) -> Result<usize, usize> {
        self.index
            .binary_search_by(|&id| self.texts[id as usize].as_str().cmp(s))
    }

    /// The same texts numbered in a canonical order: [`RUNTIME_WORDS`] first, then the others
    /// sorted. Ids then depend only on which texts there are, not on the order they were met.
    pub fn sorted(&self) -> Symbols {
        let mut syms = Symbols::default();
        for &id in &self.index {
            syms.intern(&self.texts[id as usize]);
        }
        syms
    }

    /// How many texts the table holds (a run may add some: the explorer watches this).
    pub fn len(&self) -> usize {
        self.texts.len()
    }

    /// Never true in practice: every table starts with [`RUNTIME_WORDS`].
    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }

    pub fn get(&self, s: &str) -> Option<Sym> {
        self.find(s).ok().map(|i| self.index[i])
    }

    pub fn text(&self, id: Sym) -> &str {
        self.texts.get(id as usize).map_or("?", |s| s.as_str())
    }

    /// A value as people read it.
    pub fn show(&self, v: Value) -> String {
        match v {
            Value::Empty => "(empty)".to_string(),
            Value::Text(s) => self.text(s).to_string(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Time(t) => format!("t={t}ms"),
        }
    }

    /// Converts a scenario JSON scalar for a field of type `kind`.
    pub fn from_json(&mut self, j: &Json, kind: FieldType) -> Result<Value, String> {
        Ok(match (j, kind) {
            (Json::Null, _) => Value::Empty,
            (Json::String(s), FieldType::Text) => Value::Text(self.intern(s)),
            (Json::Number(n), FieldType::Text) => Value::Text(self.intern(&n.to_string())),
            (Json::Bool(b), FieldType::Text) => Value::Text(self.intern(&b.to_string())),
            (Json::Number(n), FieldType::Number) => Value::Number(
                n.as_i64()
                    .ok_or_else(|| format!("{n} is not a whole number"))?,
            ),
            (Json::Number(n), FieldType::DateTime) => Value::Time(
                n.as_u64()
                    .ok_or_else(|| format!("{n} is not a time in ms"))?,
            ),
            (Json::Bool(b), FieldType::Bool) => Value::Bool(*b),
            (other, kind) => return Err(format!("{other} is not a {kind:?} value")),
        })
    }

    /// Converts a runtime value (e.g. a webhook response) to a field's type.
    pub fn coerce(&mut self, v: Value, kind: FieldType) -> Value {
        match (v, kind) {
            (Value::Empty, _) => Value::Empty,
            (Value::Text(_), FieldType::Text)
            | (Value::Number(_), FieldType::Number)
            | (Value::Bool(_), FieldType::Bool)
            | (Value::Time(_), FieldType::DateTime) => v,
            (Value::Number(n), FieldType::DateTime) => Value::Time(n.max(0) as u64),
            (Value::Time(t), FieldType::Number) => Value::Number(t as i64),
            (other, FieldType::Text) => {
                let s = self.show(other);
                Value::Text(self.intern(&s))
            }
            (Value::Text(s), FieldType::Number) => {
                self.text(s).parse().map_or(Value::Empty, Value::Number)
            }
            (Value::Text(s), FieldType::Bool) => Value::Bool(self.text(s) == "true"),
            _ => Value::Empty,
        }
    }
}

/// A compiled [`FieldTest`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Test {
    Is(Vec<Value>),
    IsNot(Vec<Value>),
    IsEmpty,
    IsNotEmpty,
    GreaterThan(i64),
    LessThan(i64),
}

impl Test {
    pub fn compile(t: &FieldTest, kind: FieldType, syms: &mut Symbols) -> Result<Test, String> {
        let list = |vs: &Vec<Json>, syms: &mut Symbols| -> Result<Vec<Value>, String> {
            vs.iter().map(|v| syms.from_json(v, kind)).collect()
        };
        let number = |j: &Json| -> Result<i64, String> {
            j.as_i64()
                .ok_or_else(|| format!("{j} is not a whole number to compare with"))
        };
        Ok(match t {
            FieldTest::Is(vs) => Test::Is(list(vs, syms)?),
            FieldTest::IsNot(vs) => Test::IsNot(list(vs, syms)?),
            FieldTest::IsEmpty => Test::IsEmpty,
            FieldTest::IsNotEmpty => Test::IsNotEmpty,
            FieldTest::GreaterThan(j) => Test::GreaterThan(number(j)?),
            FieldTest::LessThan(j) => Test::LessThan(number(j)?),
        })
    }

    pub fn matches(&self, v: Value) -> bool {
        match self {
            Test::Is(vs) => vs.contains(&v),
            Test::IsNot(vs) => !vs.contains(&v),
            Test::IsEmpty => v.is_empty(),
            Test::IsNotEmpty => !v.is_empty(),
            Test::GreaterThan(n) => v.as_number().is_some_and(|x| x > *n),
            Test::LessThan(n) => v.as_number().is_some_and(|x| x < *n),
        }
    }
}
