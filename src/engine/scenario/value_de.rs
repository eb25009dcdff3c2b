//! Reading scenario types from a JSON value ([`from_value`]): what the variant patches and the
//! web app's scenario parse use.
//!
//! It reads exactly what `serde_json::from_value` reads, with the same error messages, with one
//! exception: a struct must be a JSON object (serde_json also accepts an array of the field
//! values in order, which no scenario uses). Refusing arrays there means the derived
//! deserialisers' array code is never compiled, which, with reading by reference, keeps the web
//! bundle smaller. Map keys are read as text (every map in a scenario has text keys).

use super::Json;
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, EnumAccess, Expected, MapAccess, SeqAccess,
    Unexpected, VariantAccess, Visitor,
};
use serde::Deserialize;
use serde_json::{Error, Map};

/// Reads a `T` from `value`.
pub fn from_value<T: DeserializeOwned>(value: &Json) -> Result<T, Error> {
    T::deserialize(Value(value))
}

#[derive(Clone, Copy)]
struct Value<'a>(&'a Json);

impl Value<'_> {
    #[cold]
    fn invalid_type(self, exp: &dyn Expected) -> Error {
        let unexpected = match self.0 {
            Json::Null => Unexpected::Unit,
            Json::Bool(b) => Unexpected::Bool(*b),
            Json::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
                (Some(u), _, _) => Unexpected::Unsigned(u),
                (None, Some(i), _) => Unexpected::Signed(i),
                (None, None, f) => Unexpected::Float(f.unwrap_or(f64::NAN)),
            },
            Json::String(s) => Unexpected::Str(s),
            Json::Array(_) => Unexpected::Seq,
            Json::Object(_) => Unexpected::Map,
        };
        de::Error::invalid_type(unexpected, exp)
    }
}

fn visit_array<'de, V: Visitor<'de>>(array: &'de [Json], visitor: V) -> Result<V::Value, Error> {
    let mut seq = Seq(array.iter());
    let value = visitor.visit_seq(&mut seq)?;
    match seq.0.len() {
        0 => Ok(value),
        _ => Err(de::Error::invalid_length(
            array.len(),
            &"fewer elements in array",
        )),
    }
}

fn visit_object<'de, V: Visitor<'de>>(
    object: &'de Map<String, Json>,
    visitor: V,
) -> Result<V::Value, Error> {
    let mut map = Entries {
        iter: object.iter(),
        value: None,
    };
    let value = visitor.visit_map(&mut map)?;
    match map.iter.len() {
        0 => Ok(value),
        _ => Err(de::Error::invalid_length(
            object.len(),
            &"fewer elements in map",
        )),
    }
}

/// The `deserialize_*` methods that read one kind of JSON value and refuse any other.
macro_rules! read {
    ($($method:ident)*, $pattern:pat => |$visitor:ident| $read:expr) => {
        $(
            fn $method<V: Visitor<'de>>(self, $visitor: V) -> Result<V::Value, Error> {
                match self.0 {
                    $pattern => $read,
                    _ => Err(self.invalid_type(&$visitor)),
                }
            }
        )*
    };
}

impl<'de> de::Deserializer<'de> for Value<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Json::Null => visitor.visit_unit(),
            Json::Bool(b) => visitor.visit_bool(*b),
            Json::Number(n) => n.deserialize_any(visitor),
            Json::String(s) => visitor.visit_borrowed_str(s),
            Json::Array(a) => visit_array(a, visitor),
            Json::Object(o) => visit_object(o, visitor),
        }
    }

    read!(deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64
        deserialize_f32 deserialize_f64, Json::Number(n) => |v| n.deserialize_any(v));
    read!(deserialize_bool, Json::Bool(b) => |v| v.visit_bool(*b));
    read!(deserialize_char deserialize_str deserialize_string deserialize_identifier,
        Json::String(s) => |v| v.visit_borrowed_str(s));
    read!(deserialize_unit, Json::Null => |v| v.visit_unit());
    read!(deserialize_seq, Json::Array(a) => |v| visit_array(a, v));
    read!(deserialize_map, Json::Object(o) => |v| visit_object(o, v));

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_map(visitor)
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Json::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.0 {
            Json::String(variant) => visitor.visit_enum(Enum(variant, Variant(None))),
            Json::Object(o) => {
                let mut entries = o.iter();
                match (entries.next(), entries.next()) {
                    (Some((variant, value)), None) => {
                        visitor.visit_enum(Enum(variant, Variant(Some(Value(value)))))
                    }
                    _ => Err(de::Error::invalid_value(
                        Unexpected::Map,
                        &"map with a single key",
                    )),
                }
            }
            _ => Err(self.invalid_type(&"string or map")),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! { i128 u128 bytes byte_buf }
}

struct Seq<'de>(std::slice::Iter<'de, Json>);

impl<'de> SeqAccess<'de> for Seq<'de> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        self.0
            .next()
            .map(|v| seed.deserialize(Value(v)))
            .transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

struct Entries<'de> {
    iter: serde_json::map::Iter<'de>,
    value: Option<&'de Json>,
}

impl<'de> MapAccess<'de> for Entries<'de> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        match self.iter.next() {
            Some((key, value)) => {
                self.value = Some(value);
                seed.deserialize(Text(key)).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, Error> {
        match self.value.take() {
            Some(value) => seed.deserialize(Value(value)),
            None => Err(de::Error::custom("value is missing")),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

/// A map key or a variant name: text, whatever is asked for.
struct Text<'de>(&'de str);

impl<'de> de::Deserializer<'de> for Text<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_borrowed_str(self.0)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

struct Enum<'de>(&'de str, Variant<'de>);

/// The value of an enum variant written as `{"name": value}` (none for `"name"`).
struct Variant<'de>(Option<Value<'de>>);

impl<'de> EnumAccess<'de> for Enum<'de> {
    type Error = Error;
    type Variant = Variant<'de>;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Self::Variant), Error> {
        Ok((seed.deserialize(Text(self.0))?, self.1))
    }
}

impl<'de> VariantAccess<'de> for Variant<'de> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        match self.0 {
            Some(value) => <()>::deserialize(value),
            None => Ok(()),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        match self.0 {
            Some(value) => seed.deserialize(value),
            None => Err(de::Error::invalid_type(
                Unexpected::UnitVariant,
                &"newtype variant",
            )),
        }
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Some(Value(Json::Array(a))) if a.is_empty() => visitor.visit_unit(),
            Some(Value(Json::Array(a))) => visit_array(a, visitor),
            Some(other) => Err(other.invalid_type(&"tuple variant")),
            None => Err(de::Error::invalid_type(
                Unexpected::UnitVariant,
                &"tuple variant",
            )),
        }
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.0 {
            Some(Value(Json::Object(o))) => visit_object(o, visitor),
            Some(other) => Err(other.invalid_type(&"struct variant")),
            None => Err(de::Error::invalid_type(
                Unexpected::UnitVariant,
                &"struct variant",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Scenario;

    /// What serde_json's own reading gives, as text to compare.
    fn both(v: &Json) -> (Result<Scenario, String>, Result<Scenario, String>) {
        let ours = from_value::<Scenario>(v).map_err(|e| e.to_string());
        let theirs = serde_json::from_value::<Scenario>(v.clone()).map_err(|e| e.to_string());
        (ours, theirs)
    }

    /// Every node of a scenario replaced by values of every kind, every object key removed and
    /// an unknown one added: the result (scenario or error message) is serde_json's, except
    /// that a struct written as an array is refused.
    #[test]
    fn reads_like_serde_json_from_value() {
        let replacements: Vec<Json> = serde_json::from_str(
            r#"[null, true, 0, -1, 7, 1.5, 18446744073709551615, "x", "", [], ["x", 1], {},
                {"a": 1}, {"a": 1, "b": 2}]"#,
        )
        .unwrap();
        let (mut checked, mut refused) = (0, 0);
        for id in ["list-queue", "job-checkpoint", "replica-cascade"] {
            let base: Json = serde_json::from_str(crate::scenarios::source(id).unwrap()).unwrap();
            let mut pointers = Vec::new();
            collect(&base, String::new(), &mut pointers);
            for p in &pointers {
                let mut variants: Vec<Json> = replacements
                    .iter()
                    .map(|r| {
                        let mut v = base.clone();
                        *v.pointer_mut(p).unwrap() = r.clone();
                        v
                    })
                    .collect();
                if let Some(Json::Object(_)) = base.pointer(p) {
                    let mut v = base.clone();
                    v.pointer_mut(p)
                        .unwrap()
                        .as_object_mut()
                        .unwrap()
                        .insert("unknown".into(), Json::Null);
                    variants.push(v);
                    for key in base.pointer(p).unwrap().as_object().unwrap().keys() {
                        let mut v = base.clone();
                        v.pointer_mut(p)
                            .unwrap()
                            .as_object_mut()
                            .unwrap()
                            .remove(key);
                        variants.push(v);
                    }
                }
                for v in &variants {
                    let (ours, theirs) = both(v);
                    if ours != theirs {
                        let msg = ours.as_ref().err().map_or("", |e| e.as_str());
                        assert!(
                            msg.starts_with("invalid type: sequence, expected struct"),
                            "{id} at {p}: ours {ours:?}\ntheirs {theirs:?}"
                        );
                        refused += 1;
                    }
                    checked += 1;
                }
            }
        }
        assert!(checked > 10_000, "{checked} checked");
        assert!(refused > 0);
    }

    fn collect(v: &Json, at: String, out: &mut Vec<String>) {
        out.push(at.clone());
        match v {
            Json::Array(items) => {
                for (i, x) in items.iter().enumerate() {
                    collect(x, format!("{at}/{i}"), out);
                }
            }
            Json::Object(map) => {
                for (k, x) in map {
                    collect(
                        x,
                        format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                        out,
                    );
                }
            }
            _ => {}
        }
    }
}
