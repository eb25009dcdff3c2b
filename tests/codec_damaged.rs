//! Damaged share links (`racelab::codec::decode`): fuzzed and mutated links and damaged
//! compressed data are refused with a message and never panic, and a payload compressed any
//! valid way (stored, fixed or dynamic Huffman) still opens.

use crate::common::codec::{
    code_for_payload, code_for_payload_at, crc32, decode_no_panic, golden, link_of, payload_of,
    refused_or_same, unbase64, Gen,
};
use racelab::codec::{self, LinkError};
use racelab::spec::{RunSpec, ScenarioSource};

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
            if code.len() > codec::MAX_LINK_CHARS {
                // Stored (uncompressed) blocks of a big scenario make a link over the size
                // limit: it is refused as too large, never misread.
                let e = codec::decode(&code).unwrap_err();
                assert!(
                    matches!(e, LinkError::TooLarge { .. }),
                    "level {level}: {e:?}"
                );
                assert_eq!(level, 0, "only stored blocks come out this large");
                continue;
            }
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
