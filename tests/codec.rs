//! The share-link codec (`racelab::codec`): round trips over many random run specs, golden
//! version-1 links that pin the format, a fuzz-style test of `decode` on random and damaged
//! input, links compressed every valid way (stored, fixed and dynamic Huffman), and a decoded
//! link that runs to the same trace hash as the spec it came from.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use racelab::codec::{self, LinkError};
use racelab::engine::rng::SplitMix64;
use racelab::engine::scenario::{Injection, OutsideEvent, PeopleSelector};
use racelab::spec::{RunSpec, ScenarioSource, Tab, View};
use serde_json::json;
use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Characters for random strings: ASCII, accents, CJK, emoji, controls and JSON specials.
const CHARS: &[char] = &[
    'a', 'b', 'z', 'A', 'Q', '0', '9', ' ', '-', '_', '.', '#', '/', ':', '"', '\\', '\n', '\t',
    '\0', '{', '}', 'é', 'ß', 'ø', '漢', '字', '🙂', '🏁', '\u{200b}', '\u{ffff}', 'Ω',
];

struct Gen(SplitMix64);

impl Gen {
    fn new(seed: u64) -> Self {
        Gen(SplitMix64::new(seed))
    }
    fn below(&mut self, n: u64) -> u64 {
        self.0.below(n)
    }
    fn chance(&mut self, one_in: u64) -> bool {
        self.below(one_in) == 0
    }
    fn string(&mut self, max_len: u64) -> String {
        let len = self.below(max_len + 1);
        (0..len)
            .map(|_| CHARS[self.below(CHARS.len() as u64) as usize])
            .collect()
    }
    /// Small, edge and arbitrary 64-bit numbers.
    fn u64(&mut self) -> u64 {
        match self.below(4) {
            0 => self.below(100),
            1 => [0, 1, 127, 128, u32::MAX as u64, u64::MAX - 1, u64::MAX][self.below(7) as usize],
            2 => self.below(1 << 40),
            _ => self.0.next_u64(),
        }
    }
    fn u32(&mut self) -> u32 {
        self.u64() as u32
    }
    fn i64(&mut self) -> i64 {
        match self.below(3) {
            0 => self.below(2000) as i64 - 1000,
            1 => [i64::MIN, i64::MAX, -1, 0][self.below(4) as usize],
            _ => self.0.next_u64() as i64,
        }
    }
    fn event(&mut self) -> OutsideEvent {
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
    fn people(&mut self) -> PeopleSelector {
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
    fn option_u32(&mut self) -> Option<u32> {
        (!self.chance(3)).then(|| self.u32())
    }

    /// A random spec: any scenario source, unicode names, edge numbers, every view field.
    fn spec(&mut self) -> RunSpec {
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
                at_ms: self.u64(),
                people: self.people(),
                event: self.event(),
            })
            .collect();
        let schedule = (0..[0, 3, 50, 2000][self.below(4) as usize])
            .map(|_| self.u32())
            .collect();
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
                playhead_ms: self.u64(),
                window_start_ms: self.u64(),
                window_end_ms: self.u64(),
                person: self.option_u32(),
                event: self.option_u32(),
                presentation: self.chance(2),
            },
        }
    }
}

/// `decode`, turning a panic into a test failure that names the input.
fn decode_no_panic(input: &str) -> Result<RunSpec, LinkError> {
    catch_unwind(AssertUnwindSafe(|| codec::decode(input)))
        .unwrap_or_else(|_| panic!("decode panicked on {input:?}"))
}

/// `decode` must refuse `input` with a message (or, for a mutation that still checks out,
/// give back exactly `original`). Returns whether it was refused.
fn refused_or_same(input: &str, original: Option<&RunSpec>) -> bool {
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

#[test]
fn random_specs_round_trip_exactly() {
    let mut g = Gen::new(0xC0DEC);
    for i in 0..3000 {
        let spec = g.spec();
        let code = codec::encode(&spec);
        assert!(code.starts_with("1."), "{code}");
        assert!(
            code[2..]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
            "not URL-safe: {code}"
        );
        for link in [
            code.clone(),
            format!("#{code}"),
            format!("http://127.0.0.1:8080/#{code}"),
            format!("  https://example.org/racelab/index.html?x=1#{code}\n"),
        ] {
            assert_eq!(codec::decode(&link), Ok(spec.clone()), "spec {i}: {link}");
        }
        assert_eq!(codec::encode_checked(&spec), Ok(code));
    }
}

#[test]
fn a_built_in_scenario_is_a_short_link_and_a_custom_one_carries_its_json() {
    let spec = RunSpec::builtin("list-queue");
    assert!(codec::encode(&spec).len() < 60, "{}", codec::encode(&spec));
    let json = racelab::scenarios::source("list-queue").unwrap();
    let custom = RunSpec {
        scenario: ScenarioSource::Custom(json.to_string()),
        ..spec
    };
    let code = codec::encode(&custom);
    // Compressed: the JSON (23 KB) travels in far fewer characters.
    assert!(code.len() < json.len() / 2, "{} chars", code.len());
    assert_eq!(codec::decode(&code).unwrap(), custom);
}

/// Version-1 links checked into the test. They must decode to these specs in every later
/// release (old links keep opening), and today's encoder writes the same payload (it may
/// compress it differently: these were written with one fixed-Huffman block). A change of
/// format is a new version with new golden links, added beside these, never a change here.
fn golden() -> Vec<(RunSpec, &'static str)> {
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

#[test]
fn golden_version_1_links_are_stable() {
    for (spec, code) in golden() {
        let today = codec::encode(&spec);
        assert_eq!(
            payload_of(&today),
            payload_of(code),
            "the payload of {spec:?} changed"
        );
        assert_eq!(codec::decode(&today), Ok(spec.clone()));
        assert_eq!(codec::decode(code), Ok(spec.clone()));
        assert_eq!(
            codec::decode(&format!("http://127.0.0.1:8080/#{code}")),
            Ok(spec)
        );
    }
}

#[test]
fn each_kind_of_bad_link_says_what_is_wrong() {
    let good = codec::encode(&RunSpec::builtin("list-queue"));
    let message = |link: &str| codec::decode(link).unwrap_err().to_string();
    for link in [
        "",
        "   ",
        "http://127.0.0.1:8080/",
        "http://127.0.0.1:8080/#",
        "hello",
    ] {
        assert!(
            message(link).contains("not a Race Lab link"),
            "{link:?}: {}",
            message(link)
        );
    }
    let bad_char = format!("{}%{}", &good[..5], &good[5..]);
    assert!(message(&bad_char).contains("`%`"), "{}", message(&bad_char));
    for version in ["2", "17", "999999999"] {
        let link = format!("{version}.{}", &good[2..]);
        assert_eq!(
            codec::decode(&link),
            Err(LinkError::UnknownVersion(version.parse().unwrap()))
        );
        assert_eq!(
            message(&link),
            format!(
                "the link has version {version}, made by a newer Race Lab; this one reads \
                 versions 1..=1"
            )
        );
    }
    // The version is read first: even a future version's unreadable body is "a newer version".
    assert_eq!(codec::decode("2.~~~"), Err(LinkError::UnknownVersion(2)));
    for bad_version in ["0.abc", "01.abc", "x.abc", ".abc", "1234567890.abc"] {
        assert!(
            message(bad_version).contains("not a Race Lab link"),
            "{bad_version}"
        );
    }
    let truncated = &good[..good.len() - 3];
    assert!(
        message(truncated).contains("truncated or damaged"),
        "{}",
        message(truncated)
    );
    // A wrong checksum: the same body under another spec's checksum.
    let bytes = unbase64(&good[2..]);
    let mut other = unbase64(&codec::encode(&RunSpec::builtin("free-trial"))[2..]);
    other.truncate(4);
    other.extend_from_slice(&bytes[4..]);
    let swapped = link_of(&other);
    assert_eq!(
        message(&swapped),
        "the link is truncated or damaged (its checksum does not match); copy the whole link again"
    );
    let huge = format!("1.{}", "A".repeat(codec::MAX_LINK_CHARS));
    assert_eq!(
        message(&huge),
        format!(
            "the link is too large: {} characters of link code, the limit is 65536",
            codec::MAX_LINK_CHARS + 2
        )
    );
}

/// Base64url without padding, as links write it.
fn unbase64(text: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(text).unwrap()
}

/// The version-1 code whose bytes are `bytes`.
fn link_of(bytes: &[u8]) -> String {
    format!("1.{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// A version-1 code for `payload` with a correct checksum, compressed at miniz `level`
/// (0 stores it): what a buggy or hostile encoder could write.
fn code_for_payload_at(payload: &[u8], level: u8) -> String {
    let mut bytes = crc32(payload).to_le_bytes().to_vec();
    bytes.extend(miniz_oxide::deflate::compress_to_vec(payload, level));
    link_of(&bytes)
}

fn code_for_payload(payload: &[u8]) -> String {
    code_for_payload_at(payload, 6)
}

/// The payload inside a version-1 code (inflated with miniz, independently of the codec).
fn payload_of(code: &str) -> Vec<u8> {
    let bytes = unbase64(&code[2..]);
    miniz_oxide::inflate::decompress_to_vec(&bytes[4..]).unwrap()
}

/// CRC-32 written here too, so the test does not trust the codec's.
fn crc32(data: &[u8]) -> u32 {
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

#[test]
fn limits_are_enforced_and_named() {
    let mut spec = RunSpec::builtin("list-queue");
    let event = OutsideEvent::AddToList("Queue".into());
    spec.injections = vec![
        Injection {
            at_ms: 1,
            people: PeopleSelector::All,
            event,
        };
        codec::MAX_INJECTIONS + 1
    ];
    let err = codec::encode_checked(&spec).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the link is too large: 1001 injections, the limit is 1000"
    );
    spec.injections.truncate(codec::MAX_INJECTIONS);
    assert!(codec::encode_checked(&spec).is_ok());

    let mut spec = RunSpec::builtin("list-queue");
    spec.schedule = vec![1; codec::MAX_SCHEDULE + 1];
    assert!(codec::encode_checked(&spec)
        .unwrap_err()
        .to_string()
        .contains("100001 schedule entries, the limit is 100000"));

    let mut spec = RunSpec::builtin("list-queue");
    spec.variant = "v".repeat(codec::MAX_NAME_BYTES + 1);
    assert!(codec::encode_checked(&spec)
        .unwrap_err()
        .to_string()
        .contains("257 bytes in variant"));

    // A payload that inflates past 1 MiB (a "zip bomb") stops at the limit.
    let bomb = code_for_payload(&vec![0u8; codec::MAX_PAYLOAD_BYTES + 1]);
    assert!(bomb.len() < codec::MAX_LINK_CHARS, "{}", bomb.len());
    assert_eq!(
        codec::decode(&bomb).unwrap_err().to_string(),
        "the link is too large: more than 1048576 bytes of decompressed payload"
    );
}

#[test]
fn content_errors_name_the_field() {
    let good = codec::encode(&RunSpec::builtin("list-queue"));
    let payload = payload_of(&good);
    let message = |payload: &[u8]| {
        codec::decode(&code_for_payload(payload))
            .unwrap_err()
            .to_string()
    };
    // Scenario tag 7 does not exist.
    let mut p = payload.clone();
    p[0] = 7;
    assert_eq!(
        message(&p),
        "the link's content is invalid: scenario: unknown kind 7"
    );
    // Cut short, and with bytes after the end.
    assert!(message(&payload[..payload.len() - 1]).contains("view presentation"));
    let mut p = payload.clone();
    p.push(0);
    assert!(message(&p).contains("end: 1 unexpected bytes"));
    // An injected event that is not an outside event.
    let mut spec = RunSpec::builtin("list-queue");
    spec.injections.push(Injection {
        at_ms: 5,
        people: PeopleSelector::All,
        event: OutsideEvent::AddToList("Q".into()),
    });
    let p = payload_of(&codec::encode(&spec));
    let text = br#"{"add_to_list":"Q"}"#;
    let at = p.windows(text.len()).position(|w| w == text).unwrap();
    let mut bad = p.clone();
    bad[at + 2] = b'x';
    let m = message(&bad);
    assert!(m.contains("injection 1 event: not an outside event"), "{m}");
    // Knobs out of order.
    let mut spec = RunSpec::builtin("list-queue");
    spec.knobs = BTreeMap::from([("a".into(), 1), ("b".into(), 2)]);
    let p = payload_of(&codec::encode(&spec));
    let at = p.windows(3).position(|w| w == [1, b'a', 2]).unwrap();
    let mut bad = p.clone();
    bad[at + 1] = b'c';
    assert!(message(&bad).contains("knobs: `b` is out of order"));
}

#[test]
fn fuzzed_and_damaged_links_never_panic() {
    let mut g = Gen::new(7);
    let alphabet: Vec<char> = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        .chars()
        .collect();
    let mut inputs = 0;
    // Random text, mostly link-like.
    for _ in 0..10_000 {
        let s = match g.below(3) {
            0 => g.string(80),
            1 => format!("1.{}", g.string(80)),
            _ => (0..g.below(120))
                .map(|_| alphabet[g.below(64) as usize])
                .collect::<String>(),
        };
        refused_or_same(&s, None);
        inputs += 1;
    }
    // Random bytes under the right version; random payloads under a correct checksum.
    for _ in 0..10_000 {
        let bytes: Vec<u8> = (0..g.below(200)).map(|_| g.below(256) as u8).collect();
        refused_or_same(&link_of(&bytes), None);
        let _ = decode_no_panic(&code_for_payload(&bytes));
        inputs += 2;
    }
    // Mutations of valid links.
    let mut originals: Vec<RunSpec> = golden().into_iter().map(|(s, _)| s).collect();
    originals.extend((0..6).map(|_| g.spec()));
    let mut accepted = 0;
    let mut mutations = 0;
    for spec in &originals {
        let code = codec::encode(spec);
        let n = code.len();
        let mut check = |s: &str| {
            mutations += 1;
            accepted += !refused_or_same(s, Some(spec)) as usize;
        };
        for cut in 0..n.min(3000) {
            check(&code[..cut]);
        }
        for _ in 0..1500 {
            let at = 2 + g.below(n as u64 - 2) as usize;
            let c = alphabet[g.below(64) as usize];
            let (head, tail) = code.split_at(at);
            check(&format!("{head}{c}{tail}")); // inserted
            check(&format!("{head}{}", &tail[1..])); // deleted
            check(&format!("{head}{c}{}", &tail[1..])); // replaced
        }
        let bytes = unbase64(&code[2..]);
        for _ in 0..1500 {
            let mut b = bytes.clone();
            let bit = g.below(b.len() as u64 * 8) as usize;
            b[bit / 8] ^= 1 << (bit % 8);
            check(&link_of(&b));
        }
        // Bytes after the end of the compressed stream.
        for extra in [&[0u8][..], &[0xff], &[1, 2, 3]] {
            let mut b = bytes.clone();
            b.extend_from_slice(extra);
            assert!(
                matches!(codec::decode(&link_of(&b)), Err(LinkError::Damaged(_))),
                "{extra:?} after {code}"
            );
        }
        for version in ["0", "2", "3", "10", "v1", "1,", "", "1 "] {
            let s = format!("{version}.{}", &code[2..]);
            assert!(codec::decode(&s).is_err(), "{s}");
        }
        // The payload itself damaged (a byte changed) under a correct checksum.
        let payload = payload_of(&code);
        for _ in 0..300 {
            let mut p = payload.clone();
            let at = g.below(p.len() as u64) as usize;
            p[at] = g.below(256) as u8;
            let _ = decode_no_panic(&code_for_payload(&p));
        }
    }
    inputs += mutations;
    assert!(inputs > 50_000, "{inputs}");
    // Only damage that leaves the payload intact (padding bits, equivalent back-references)
    // may decode, and then to the same spec; that is rare.
    assert!(
        accepted * 100 < mutations,
        "{accepted} of {mutations} accepted"
    );
}

/// Whatever DEFLATE blocks a link's payload was compressed with (stored, fixed Huffman as
/// links made before miniz_oxide, dynamic Huffman as today), it opens to the same spec.
#[test]
fn a_payload_compressed_any_valid_way_opens() {
    let mut g = Gen::new(99);
    let mut specs: Vec<RunSpec> = golden().into_iter().map(|(s, _)| s).collect();
    specs.extend((0..200).map(|_| g.spec()));
    for spec in specs {
        let payload = payload_of(&codec::encode(&spec));
        for level in [0, 1, 6, 9, 10] {
            let code = code_for_payload_at(&payload, level);
            assert_eq!(codec::decode(&code), Ok(spec.clone()), "level {level}");
        }
    }
    // A custom scenario's JSON is compressed well (dynamic Huffman).
    let json = racelab::scenarios::source("list-queue").unwrap();
    let custom = RunSpec {
        scenario: ScenarioSource::Custom(json.to_string()),
        ..RunSpec::builtin("list-queue")
    };
    let code = codec::encode(&custom);
    assert!(code.len() < json.len() / 4, "{} chars", code.len());
}

/// Every kind of outside event, with text that JSON escapes, survives a link: the event's
/// JSON as serde_json writes it reads back to the same event.
#[test]
fn every_kind_of_injected_event_survives_a_link() {
    use OutsideEvent as E;
    let mut texts: Vec<String> = [
        "",
        "Demo Request",
        "say \"hi\"",
        r"back\slash \\ \n \u0041",
        "tab\tnew line\ncarriage\rbell\u{7}nul\0",
        "naïve 🙂 日本 \u{2028}\u{2029} \u{feff} \u{ffff} \u{10ffff}",
        "</script> & < > ' {braces} [brackets] /slash",
    ]
    .map(String::from)
    .to_vec();
    texts.push((0u8..0x20).map(char::from).collect());
    let values = [
        json!(null),
        json!(true),
        json!(0),
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
    for t in &texts {
        events.extend([
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
                extra_ms: u64::MAX,
            },
            E::ResponsesArrive { count: u32::MAX },
        ]);
        events.extend(values.iter().map(|v| E::ChangeDataValue {
            field: t.clone(),
            value: v.clone(),
        }));
    }
    // The `match` stops compiling when a kind of event is added: add it above too.
    let mut seen = [false; 11];
    for e in &events {
        seen[match e {
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
        }] = true;
    }
    assert!(seen.iter().all(|&s| s), "every kind of event is tried");
    let mut spec = RunSpec::builtin("list-queue");
    spec.injections = (events.into_iter())
        .map(|event| Injection {
            at_ms: 1,
            people: PeopleSelector::All,
            event,
        })
        .collect();
    let code = codec::encode_checked(&spec).expect("every event survives");
    assert_eq!(codec::decode(&code), Ok(spec.clone()));
    // The payload carries each event as serde_json writes it.
    let payload = payload_of(&code);
    for inj in &spec.injections {
        let text = serde_json::to_string(&inj.event).unwrap();
        assert!(
            payload.windows(text.len()).any(|w| w == text.as_bytes()),
            "{text}"
        );
    }
}

#[test]
fn damaged_compressed_data_never_panics() {
    let mut g = Gen::new(3);
    let text = racelab::scenarios::source("lock-storm").unwrap().as_bytes();
    let streams = [0, 1, 9].map(|level| miniz_oxide::deflate::compress_to_vec(text, level));
    let crc = crc32(text).to_le_bytes();
    for _ in 0..20_000 {
        let base = &streams[g.below(3) as usize];
        let mut s = base.clone();
        match g.below(3) {
            0 => {
                let bit = g.below(s.len() as u64 * 8) as usize;
                s[bit / 8] ^= 1 << (bit % 8);
            }
            1 => s.truncate(g.below(s.len() as u64) as usize),
            _ => s = (0..g.below(300)).map(|_| g.below(256) as u8).collect(),
        }
        let code = link_of(&[&crc[..], &s].concat());
        let _ = decode_no_panic(&code);
    }
}

#[test]
fn a_decoded_link_runs_to_the_same_trace_hash() {
    for id in racelab::scenarios::ids() {
        let scenario = racelab::scenarios::builtin(id).unwrap();
        let main = scenario.knobs.iter().find(|k| k.main).unwrap();
        for variant in ["naive", "fixed"] {
            let mut spec = RunSpec::builtin(id);
            spec.variant = variant.into();
            spec.seed = 12345;
            spec.knobs.insert(main.name.clone(), main.max);
            if let Some(s) = scenario.script.first() {
                spec.injections.push(Injection {
                    at_ms: 1_000,
                    people: s.people.clone(),
                    event: s.event.clone(),
                });
            }
            let back = codec::decode(&codec::encode(&spec)).unwrap();
            assert_eq!(back, spec);
            let run = |spec: &RunSpec| {
                let (s, config) = spec.resolve().unwrap();
                racelab::api::run(&s, &config, spec.seed).unwrap()
            };
            let (a, b) = (run(&spec), run(&back));
            assert_eq!(a.trace_hash, b.trace_hash, "{id} {variant}");
            assert_eq!(a.events, b.events);
            // The injection took part: the run differs from the one without it.
            let mut plain = spec.clone();
            plain.injections.clear();
            if !spec.injections.is_empty() {
                assert_ne!(run(&plain).trace_hash, a.trace_hash, "{id} {variant}");
            }
            // The same scenario carried as JSON runs the same way.
            let custom = RunSpec {
                scenario: ScenarioSource::Custom(racelab::scenarios::source(id).unwrap().into()),
                ..spec.clone()
            };
            let back = codec::decode(&codec::encode(&custom)).unwrap();
            assert_eq!(
                run(&back).trace_hash,
                a.trace_hash,
                "{id} {variant} as JSON"
            );
        }
    }
}
