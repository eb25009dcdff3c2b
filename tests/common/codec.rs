//! Helpers for the share-link codec tests: random run specs, `decode` that names the input
//! when it panics, the golden version-1 links, and links built by hand (base64, an
//! independent CRC-32 and miniz compression) as a buggy or hostile encoder could write them.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use racelab::codec::{self, LinkError};
use racelab::engine::rng::SplitMix64;
use racelab::engine::scenario::{Injection, OutsideEvent, PeopleSelector};
use racelab::spec::{Lesson, RunSpec, ScenarioSource, Tab, View};
use serde_json::json;
use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Characters for random strings: ASCII, accents, CJK, emoji, controls and JSON specials.
pub const CHARS: &[char] = &[
    'a', 'b', 'z', 'A', 'Q', '0', '9', ' ', '-', '_', '.', '#', '/', ':', '"', '\\', '\n', '\t',
    '\0', '{', '}', 'é', 'ß', 'ø', '漢', '字', '🙂', '🏁', '\u{200b}', '\u{ffff}', 'Ω',
];

pub struct Gen(SplitMix64);

impl Gen {
    pub fn new(seed: u64) -> Self {
        Gen(SplitMix64::new(seed))
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.0.below(n)
    }
    pub fn chance(&mut self, one_in: u64) -> bool {
        self.below(one_in) == 0
    }
    pub fn string(&mut self, max_len: u64) -> String {
        let len = self.below(max_len + 1);
        (0..len)
            .map(|_| CHARS[self.below(CHARS.len() as u64) as usize])
            .collect()
    }
    /// Small, edge and arbitrary 64-bit numbers.
    pub fn u64(&mut self) -> u64 {
        match self.below(4) {
            0 => self.below(100),
            1 => [0, 1, 127, 128, u32::MAX as u64, u64::MAX - 1, u64::MAX][self.below(7) as usize],
            2 => self.below(1 << 40),
            _ => self.0.next_u64(),
        }
    }
    pub fn u32(&mut self) -> u32 {
        self.u64() as u32
    }
    /// A time a link may carry: small, edge (0 and the limit) or arbitrary up to the limit.
    pub fn time(&mut self) -> u64 {
        match self.below(3) {
            0 => self.below(100),
            1 => [0, 1, codec::MAX_TIME_MS][self.below(3) as usize],
            _ => self.below(codec::MAX_TIME_MS + 1),
        }
    }
    pub fn i64(&mut self) -> i64 {
        match self.below(3) {
            0 => self.below(2000) as i64 - 1000,
            1 => [i64::MIN, i64::MAX, -1, 0][self.below(4) as usize],
            _ => self.0.next_u64() as i64,
        }
    }
    pub fn event(&mut self) -> OutsideEvent {
        let name = self.string(12);
        match self.below(6) {
            0 => OutsideEvent::FillsOutForm(name),
            1 => OutsideEvent::AddToList(name),
            2 => OutsideEvent::RequestCampaign(name),
            3 => OutsideEvent::RunBatchCampaign(name),
            4 => OutsideEvent::AssignOwnerInCrm(name),
            _ => OutsideEvent::ChangeDataValue {
                field: name,
                value: match self.below(5) {
                    0 => json!(null),
                    1 => json!(self.chance(2)),
                    2 => json!(self.i64()),
                    3 => json!(self.string(10)),
                    _ => json!(["x", 1, {"k": self.string(4)}]),
                },
            },
        }
    }
    pub fn people(&mut self) -> PeopleSelector {
        match self.below(4) {
            0 => PeopleSelector::All,
            1 => PeopleSelector::One(self.u32()),
            2 => PeopleSelector::Range {
                first: self.u32(),
                last: self.u32(),
            },
            _ => PeopleSelector::None,
        }
    }
    pub fn option_u32(&mut self) -> Option<u32> {
        (!self.chance(3)).then(|| self.u32())
    }

    /// A random spec: any scenario source, unicode names, edge numbers, every view field.
    pub fn spec(&mut self) -> RunSpec {
        let ids: Vec<&str> = racelab::scenarios::ids().collect();
        let id = ids[self.below(ids.len() as u64) as usize];
        let scenario = match self.below(4) {
            0 => ScenarioSource::Builtin(id.to_string()),
            1 => ScenarioSource::Builtin(self.string(20)),
            2 => ScenarioSource::Custom(racelab::scenarios::source(id).unwrap().to_string()),
            _ => ScenarioSource::Custom(self.string(300)),
        };
        let knobs: BTreeMap<String, i64> = (0..self.below(8))
            .map(|_| (self.string(16), self.i64()))
            .collect();
        let injections = (0..[0, 1, 5, 40][self.below(4) as usize])
            .map(|_| Injection {
                at_ms: self.time(),
                people: self.people(),
                event: self.event(),
            })
            .collect();
        let schedule = (0..[0, 3, 50, 2000][self.below(4) as usize])
            .map(|_| self.u32())
            .collect();
        // A view window ends after it starts, or is (0, 0): fit all.
        let window = match (self.time(), self.time()) {
            (a, b) if a < b => (a, b),
            (a, b) if a > b => (b, a),
            _ => (0, 0),
        };
        let tabs = [
            Tab::Library,
            Tab::Run,
            Tab::Compare,
            Tab::Sweep,
            Tab::Explore,
        ];
        RunSpec {
            scenario,
            variant: self.string(12),
            compare: (!self.chance(3)).then(|| self.string(12)),
            knobs,
            seed: self.u64(),
            injections,
            schedule,
            view: View {
                tab: tabs[self.below(5) as usize],
                playhead_ms: self.time(),
                window_start_ms: window.0,
                window_end_ms: window.1,
                person: self.option_u32(),
                event: self.option_u32(),
                presentation: self.chance(2),
                lesson: self.chance(3).then(|| Lesson {
                    violation: self.option_u32().unwrap_or(0),
                    fix: self.chance(2).then(|| self.string(12)),
                }),
            },
        }
    }
}

/// `decode`, turning a panic into a test failure that names the input.
pub fn decode_no_panic(input: &str) -> Result<RunSpec, LinkError> {
    catch_unwind(AssertUnwindSafe(|| codec::decode(input)))
        .unwrap_or_else(|_| panic!("decode panicked on {input:?}"))
}

/// `decode` must refuse `input` with a message (or, for a mutation that still checks out,
/// give back exactly `original`). Returns whether it was refused.
pub fn refused_or_same(input: &str, original: Option<&RunSpec>) -> bool {
    match decode_no_panic(input) {
        Err(e) => {
            assert!(
                !e.to_string().trim().is_empty(),
                "empty message for {input:?}"
            );
            true
        }
        Ok(spec) => {
            assert_eq!(Some(&spec), original, "{input:?} decoded to something else");
            false
        }
    }
}

/// Version-1 links checked into the test. They must decode to these specs in every later
/// release (old links keep opening), and today's encoder writes the same payload (it may
/// compress it differently: these were written with one fixed-Huffman block). A change of
/// format is a new version with new golden links, added beside these, never a change here.
pub fn golden() -> Vec<(RunSpec, &'static str)> {
    let defaults = RunSpec::builtin("alert-before-owner");
    let shared = RunSpec {
        scenario: ScenarioSource::Builtin("list-queue".into()),
        variant: "fixed".into(),
        compare: None,
        knobs: BTreeMap::from([("trigger_delay_s".to_string(), 120)]),
        seed: 42,
        injections: vec![Injection {
            at_ms: 60_000,
            people: PeopleSelector::One(3),
            event: OutsideEvent::FillsOutForm("Demo Request".into()),
        }],
        schedule: vec![0, 1, 2],
        view: View {
            tab: Tab::Run,
            playhead_ms: 90_000,
            window_start_ms: 0,
            window_end_ms: 600_000,
            person: Some(3),
            event: Some(17),
            presentation: true,
            lesson: None,
        },
    };
    let custom = RunSpec {
        scenario: ScenarioSource::Custom(r#"{"id":"tiny","title":"Tiny ✓"}"#.into()),
        variant: "naïve 🙂".into(),
        compare: Some("fixed".into()),
        knobs: BTreeMap::from([("a".to_string(), -5), ("b".to_string(), i64::MAX)]),
        seed: u64::MAX,
        injections: vec![
            Injection {
                at_ms: 0,
                people: PeopleSelector::Range { first: 1, last: 10 },
                event: OutsideEvent::ChangeDataValue {
                    field: "Lead Status".into(),
                    value: json!("MQL"),
                },
            },
            Injection {
                at_ms: 86_400_000,
                people: PeopleSelector::None,
                event: OutsideEvent::RunBatchCampaign("Nightly".into()),
            },
        ],
        schedule: vec![],
        view: View {
            tab: Tab::Explore,
            playhead_ms: 1,
            window_start_ms: 2,
            window_end_ms: 3,
            person: None,
            event: Some(0),
            presentation: false,
            lesson: None,
        },
    };
    vec![
        (
            defaults,
            "1.9WDr32MQSsxJLSrRTUpNyy9K1c0vz0stYs1LzCxLZWRNy6xITWFgZIABAA",
        ),
        (
            shared,
            "1.xjgBFmPgysksLtEtLE0tTWVNy6xITWFg5C8pykxPTy2KT0nNSayML_7AqMX44AozI7NitVJaZk5OcXx-aUl8Wn5R\
             rpKVkktqbr5CUCrQgOISpVpmBkYmxgn7WRkOnFdhEWIEAA",
        ),
        (
            custom,
            "1.1-6ROWNUqFbKTFGyUirJzKtU0gFSJTmpQG4IkKvwaM5kpVruvMTD68tSFT7Mn9nEyJqWWZGawsSYyMmY9O8_FDDC\
             GP8ZmRiYGLmsq5WSMxLz0lPjUxJLEuPLEnNKgUZWK6VlpuaArPJJTUxRCC5JLCktBtoIlVbyDfRRqq1t2DFTkxnopq\
             LSvPikxJLkjPjkxNyCxMz0PKASv8z0jJKcSqVaBhZGJmYGRgYA",
        ),
    ]
}

/// Base64url without padding, as links write it.
pub fn unbase64(text: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(text).unwrap()
}

/// The version-1 code whose bytes are `bytes`.
pub fn link_of(bytes: &[u8]) -> String {
    format!("1.{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// A version-1 code for `payload` with a correct checksum, compressed at miniz `level`
/// (0 stores it): what a buggy or hostile encoder could write.
pub fn code_for_payload_at(payload: &[u8], level: u8) -> String {
    let mut bytes = crc32(payload).to_le_bytes().to_vec();
    bytes.extend(miniz_oxide::deflate::compress_to_vec(payload, level));
    link_of(&bytes)
}

pub fn code_for_payload(payload: &[u8]) -> String {
    code_for_payload_at(payload, 6)
}

/// The payload inside a version-1 code (inflated with miniz, independently of the codec).
pub fn payload_of(code: &str) -> Vec<u8> {
    let bytes = unbase64(&code[2..]);
    miniz_oxide::inflate::decompress_to_vec(&bytes[4..]).unwrap()
}

/// CRC-32 written here too, so the test does not trust the codec's.
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                0xEDB8_8320 ^ (crc >> 1)
            } else {
                crc >> 1
            };
        }
    }
    !crc
}
