//! Build script: reads the built-in scenarios (`src/scenarios/*.json`, the one source of truth)
//! and writes two small Rust tables into `OUT_DIR` for `src/scenarios.rs`:
//!
//! - `scenario_cards.rs`: what each library card shows (id, title, summary, race, control), so
//!   that the web app draws the library without the scenario texts, which it fetches on first
//!   use, and a fingerprint of each file, which keys that fetch (a changed file is never taken
//!   from a browser's cache);
//! - `scenario_sources.rs`: each scenario's id and JSON text (`include_str!`), embedded by native
//!   builds (CLI, tests, benches) and handed to the app up front by the browser tests.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let dir = Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"))
        .join("src")
        .join("scenarios");
    println!("cargo:rerun-if-changed=src/scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();

    let (mut cards, mut sources) = (String::from("&[\n"), String::from("[\n"));
    for path in &files {
        let text =
            std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let json: serde_json::Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let field = |name: &str| json.get(name).and_then(|v| v.as_str()).unwrap_or_default();
        let id = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        assert_eq!(
            field("id"),
            id,
            "{}: the id must be the file's name",
            path.display()
        );
        let control = json
            .get("control")
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        // `{:?}` of a str is a valid Rust string literal.
        writeln!(
            cards,
            "    Card {{ id: {id:?}, title: {:?}, summary: {:?}, race: {:?}, control: {control}, \
             fingerprint: \"{:016x}\" }},",
            field("title"),
            field("summary"),
            field("race"),
            fnv1a(text.as_bytes()),
        )
        .expect("writing to a String");
        writeln!(
            sources,
            "    ({id:?}, include_str!({:?})),",
            path.display().to_string()
        )
        .expect("writing to a String");
    }
    cards.push(']');
    sources.push(']');
    let out = Path::new(&std::env::var("OUT_DIR").expect("set by cargo")).to_path_buf();
    std::fs::write(out.join("scenario_cards.rs"), cards).expect("writing OUT_DIR");
    std::fs::write(out.join("scenario_sources.rs"), sources).expect("writing OUT_DIR");
}

/// The 64-bit FNV-1a hash of `bytes`.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    })
}
