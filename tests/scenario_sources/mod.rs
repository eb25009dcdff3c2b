//! The built-in scenarios' JSON texts for the browser tests. The web app fetches a scenario
//! from its server the first time it is needed; these tests have no such server, so they hand
//! the texts to the app up front, as a fetch would ([`racelab::scenarios::register`]).

/// (id, JSON text) of every built-in scenario, written by build.rs.
const SOURCES: &[(&str, &str)] = &include!(concat!(env!("OUT_DIR"), "/scenario_sources.rs"));

/// The JSON text of built-in scenario `id`.
pub fn text(id: &str) -> &'static str {
    let (_, text) = SOURCES
        .iter()
        .find(|(i, _)| *i == id)
        .expect("a built-in id");
    text
}

/// Registers built-in scenario `id`, as a successful fetch does.
pub fn register(id: &str) {
    racelab::scenarios::register(id, text(id).to_string()).expect("a built-in scenario");
}

/// Registers every built-in scenario but those in `except` (left to be fetched).
pub fn register_all_but(except: &[&str]) {
    for (id, _) in SOURCES.iter().filter(|(id, _)| !except.contains(id)) {
        register(id);
    }
}
