//! A run as bytes, to cross the boundary between a worker and the page: a
//! [`RunView`] in a compact binary form (`bincode`; the outcomes table inside it as JSON, as
//! the CLI writes it). A 10,000-person run is a few megabytes, copied in one piece and read
//! back in milliseconds, where the same run as JavaScript objects would cost the page seconds.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::api::RunView;

/// Bytes that cross the worker boundary as one `Uint8Array` (a plain `Vec<u8>` would become
/// an array of numbers), and as an array of numbers in JSON.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Bytes(pub Vec<u8>);

impl Serialize for Bytes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(&self.0)
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Bytes;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("bytes")
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Bytes, E> {
                Ok(Bytes(v.to_vec()))
            }
            fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<Bytes, E> {
                Ok(Bytes(v))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Bytes, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 20));
                while let Some(b) = seq.next_element::<u8>()? {
                    out.push(b);
                }
                Ok(Bytes(out))
            }
        }
        d.deserialize_byte_buf(Visitor)
    }
}

/// The binary form: numbers and lengths as variable-length integers (most are small).
fn options() -> impl bincode::Options {
    bincode::DefaultOptions::new()
}

/// `view` as bytes.
pub fn encode(view: &RunView) -> Bytes {
    use bincode::Options;
    Bytes(options().serialize(view).unwrap_or_default())
}

/// The run `bytes` hold (what [`encode`] gave), or why they hold none.
pub fn decode(bytes: &Bytes) -> Result<RunView, String> {
    use bincode::Options;
    options()
        .deserialize(&bytes.0)
        .map_err(|e| format!("the run could not be read back: {e}"))
}

/// How a run's outcomes table travels inside the bytes: as JSON text (its optional fields are
/// left out when empty, which a binary form cannot follow).
pub(crate) mod outcomes_as_json {
    use std::rc::Rc;

    use serde::{Deserialize, Deserializer, Serializer};

    use crate::api::Outcomes;

    pub fn serialize<S: Serializer>(o: &Rc<Outcomes>, s: S) -> Result<S::Ok, S::Error> {
        let text = serde_json::to_string(&**o).map_err(serde::ser::Error::custom)?;
        s.serialize_str(&text)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Rc<Outcomes>, D::Error> {
        let text = String::deserialize(d)?;
        serde_json::from_str(&text)
            .map(Rc::new)
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::RunSpec;

    fn run_of(id: &str, knobs: &[(&str, i64)], variant: &str) -> RunView {
        let mut spec = RunSpec::builtin(id);
        spec.variant = variant.into();
        for (k, v) in knobs {
            spec.knobs.insert(k.to_string(), *v);
        }
        let (s, c) = spec.resolve().unwrap();
        crate::api::run_view(&s, &c, 7, &[]).unwrap()
    }

    #[test]
    fn every_built_in_run_reads_back_as_itself() {
        for card in crate::scenarios::cards() {
            let s = crate::scenarios::builtin(card.id).unwrap();
            for v in &s.variants {
                let view = run_of(card.id, &[], &v.name);
                let back = decode(&encode(&view)).unwrap();
                assert_eq!(back, view, "{} {}", card.id, v.name);
            }
        }
    }

    #[test]
    fn damaged_bytes_are_an_error_not_a_panic() {
        let bytes = encode(&run_of("list-queue", &[("people", 5)], "naive"));
        for cut in [0, 1, 7, bytes.0.len() / 2, bytes.0.len() - 1] {
            assert!(
                decode(&Bytes(bytes.0[..cut].to_vec())).is_err(),
                "cut at {cut}"
            );
        }
        let mut flipped = bytes.0.clone();
        flipped[3] ^= 0xff;
        let _ = decode(&Bytes(flipped));
    }

    #[test]
    fn a_big_run_is_a_few_bytes_a_trace_row() {
        let view = run_of("alert-before-owner", &[("people", 2_000)], "naive");
        let bytes = encode(&view);
        let per_row = bytes.0.len() / view.rows.len();
        println!("{per_row} bytes a row");
        assert!(per_row < 200, "{per_row} bytes a row");
        let text = serde_json::to_string(&Bytes(vec![1, 2, 255])).unwrap();
        assert_eq!(text, "[1,2,255]");
        assert_eq!(
            serde_json::from_str::<Bytes>(&text).unwrap().0,
            vec![1, 2, 255]
        );
    }
}
