//! Version 1 of the link format: `1.` then base64url of (CRC-32 of the payload, 4 bytes
//! little-endian) followed by the raw DEFLATE of the payload. The payload is the run spec
//! field by field, in the order of [`crate::spec::RunSpec`]; `docs/link-format.md` lists it
//! byte by byte. Never change this file's reading of a version-1 link: old links must keep
//! opening. A new layout is a new version with its own file; a new optional section (like the
//! lesson) may follow the last field, since a link without it ends where it always did.

use super::wire::{crc32, deflate, inflate, Reader, Writer};
use super::LinkError;
use super::{
    MAX_EVENT_JSON_BYTES, MAX_INJECTIONS, MAX_KNOBS, MAX_NAME_BYTES, MAX_PAYLOAD_BYTES,
    MAX_SCENARIO_JSON_BYTES, MAX_SCHEDULE, MAX_TIME_MS,
};
use crate::engine::scenario::{Injection, OutsideEvent, PeopleSelector};
use crate::spec::{Lesson, RunSpec, ScenarioSource, Tab, View};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use std::collections::BTreeMap;

const TABS: [Tab; 6] = [
    Tab::Library,
    Tab::Run,
    Tab::Compare,
    Tab::Sweep,
    Tab::Explore,
    Tab::Build,
];

/// The link code after `1.`.
pub fn encode(spec: &RunSpec) -> String {
    let payload = payload(spec);
    let mut bytes = crc32(&payload).to_le_bytes().to_vec();
    bytes.extend(deflate(&payload));
    URL_SAFE_NO_PAD.encode(bytes)
}

fn payload(spec: &RunSpec) -> Vec<u8> {
    let mut w = Writer::default();
    match &spec.scenario {
        ScenarioSource::Builtin(id) => {
            w.byte(0);
            w.string(id);
        }
        ScenarioSource::Custom(json) => {
            w.byte(1);
            w.string(json);
        }
    }
    w.string(&spec.variant);
    match &spec.compare {
        None => w.byte(0),
        Some(c) => {
            w.byte(1);
            w.string(c);
        }
    }
    w.uvarint(spec.knobs.len() as u64);
    for (name, value) in &spec.knobs {
        w.string(name);
        w.ivarint(*value);
    }
    w.uvarint(spec.seed);
    w.uvarint(spec.injections.len() as u64);
    for inj in &spec.injections {
        w.uvarint(inj.at_ms);
        match inj.people {
            PeopleSelector::All => w.byte(0),
            PeopleSelector::One(n) => {
                w.byte(1);
                w.uvarint(n as u64);
            }
            PeopleSelector::Range { first, last } => {
                w.byte(2);
                w.uvarint(first as u64);
                w.uvarint(last as u64);
            }
            PeopleSelector::None => w.byte(3),
        }
        // The event's own compact JSON keeps this format independent of new event kinds.
        w.string(&serde_json::to_string(&inj.event).expect("an outside event is JSON"));
    }
    w.uvarint(spec.schedule.len() as u64);
    for &answer in &spec.schedule {
        w.uvarint(answer as u64);
    }
    let v = &spec.view;
    w.byte(TABS.iter().position(|&t| t == v.tab).unwrap_or(0) as u8);
    w.uvarint(v.playhead_ms);
    w.uvarint(v.window_start_ms);
    w.uvarint(v.window_end_ms);
    for option in [v.person, v.event] {
        w.uvarint(option.map_or(0, |n| n as u64 + 1));
    }
    w.byte(v.presentation as u8);
    // Optional sections follow, each a tag byte then its fields; a spec without them writes
    // nothing, so its link is byte for byte what it was before they existed.
    if let Some(lesson) = &v.lesson {
        w.byte(LESSON);
        w.uvarint(lesson.violation as u64);
        match &lesson.fix {
            None => w.byte(0),
            Some(fix) => {
                w.byte(1);
                w.string(fix);
            }
        }
    }
    w.bytes
}

/// The tag of the optional lesson section (after the view's presentation byte).
const LESSON: u8 = 1;

/// Reads the link code after `1.`.
pub fn decode(code: &str) -> Result<RunSpec, LinkError> {
    // Base64url without padding, strict: only `A-Z a-z 0-9 - _`, and the unused low bits of
    // the last character zero (the crate's default), so every byte string has one text form.
    if let Some(bad) = code
        .chars()
        .find(|&c| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
    {
        return Err(LinkError::NotALink(format!(
            "it contains `{}`, which never appears in a link code",
            bad.escape_debug()
        )));
    }
    let bytes = URL_SAFE_NO_PAD.decode(code).map_err(|_| {
        LinkError::Damaged("the code has a length or an ending that no link has".into())
    })?;
    if bytes.len() < 5 {
        return Err(LinkError::Damaged("the code is too short".into()));
    }
    let expected = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    let payload = inflate(&bytes[4..], MAX_PAYLOAD_BYTES)?;
    if crc32(&payload) != expected {
        return Err(LinkError::Damaged("its checksum does not match".into()));
    }
    read_payload(&mut Reader::new(&payload))
}

/// A time in milliseconds, at most [`MAX_TIME_MS`].
fn time(r: &mut Reader, field: &str) -> Result<u64, LinkError> {
    let ms = r.uvarint(field)?;
    if ms > MAX_TIME_MS {
        return Err(LinkError::Invalid {
            field: field.into(),
            reason: format!(
                "{} days is later than any run reaches (at most {} days)",
                ms / 86_400_000,
                MAX_TIME_MS / 86_400_000
            ),
        });
    }
    Ok(ms)
}

fn read_payload(r: &mut Reader) -> Result<RunSpec, LinkError> {
    let scenario = match r.tag("scenario", 2)? {
        0 => ScenarioSource::Builtin(r.string("scenario id", MAX_NAME_BYTES)?),
        _ => ScenarioSource::Custom(r.string("scenario JSON", MAX_SCENARIO_JSON_BYTES)?),
    };
    let variant = r.string("variant", MAX_NAME_BYTES)?;
    let compare = match r.tag("compare variant", 2)? {
        0 => None,
        _ => Some(r.string("compare variant", MAX_NAME_BYTES)?),
    };
    let mut knobs = BTreeMap::new();
    for _ in 0..r.count("knobs", "knobs", MAX_KNOBS)? {
        let name = r.string("knob name", MAX_NAME_BYTES)?;
        let value = r.ivarint(&format!("knob `{name}`"))?;
        if knobs
            .last_key_value()
            .is_some_and(|(last, _)| *last >= name)
        {
            return Err(LinkError::Invalid {
                field: "knobs".into(),
                reason: format!("`{name}` is out of order or repeated"),
            });
        }
        knobs.insert(name, value);
    }
    let seed = r.uvarint("seed")?;
    let count = r.count("injections", "injections", MAX_INJECTIONS)?;
    let mut injections = Vec::with_capacity(count);
    for i in 1..=count {
        let field = |part: &str| format!("injection {i} {part}");
        let at_ms = time(r, &field("time"))?;
        let people = match r.tag(&field("people"), 4)? {
            0 => PeopleSelector::All,
            1 => PeopleSelector::One(r.u32(&field("person"))?),
            2 => PeopleSelector::Range {
                first: r.u32(&field("first person"))?,
                last: r.u32(&field("last person"))?,
            },
            _ => PeopleSelector::None,
        };
        let text = r.string(&field("event"), MAX_EVENT_JSON_BYTES)?;
        let event: OutsideEvent =
            crate::scenarios::from_json(&text).map_err(|e| LinkError::Invalid {
                field: field("event"),
                reason: format!("not an outside event this Race Lab knows: {e}"),
            })?;
        injections.push(Injection {
            at_ms,
            people,
            event,
        });
    }
    let count = r.count("schedule", "schedule entries", MAX_SCHEDULE)?;
    let mut schedule = Vec::with_capacity(count);
    for _ in 0..count {
        schedule.push(r.u32("schedule")?);
    }
    let tab = TABS[r.tag("view tab", TABS.len() as u8)? as usize];
    let playhead_ms = time(r, "view playhead")?;
    let window_start_ms = time(r, "view window start")?;
    let window_end_ms = time(r, "view window end")?;
    if window_end_ms <= window_start_ms && (window_start_ms, window_end_ms) != (0, 0) {
        return Err(LinkError::Invalid {
            field: "view window".into(),
            reason: "it ends before it starts".into(),
        });
    }
    let mut option = |field: &str| -> Result<Option<u32>, LinkError> {
        match r.uvarint(field)? {
            0 => Ok(None),
            n => u32::try_from(n - 1)
                .map(Some)
                .map_err(|_| LinkError::Invalid {
                    field: field.into(),
                    reason: format!("{} is too large", n - 1),
                }),
        }
    };
    let person = option("view person")?;
    let event = option("view event")?;
    let presentation = r.tag("view presentation", 2)? == 1;
    let lesson = if r.at_end() {
        None
    } else {
        match r.byte("lesson")? {
            LESSON => {}
            t => {
                return Err(LinkError::Invalid {
                    field: "lesson".into(),
                    reason: format!("unknown kind {t}"),
                })
            }
        }
        let violation = r.u32("lesson violation")?;
        let fix = match r.tag("lesson fix", 2)? {
            0 => None,
            _ => Some(r.string("lesson fix", MAX_NAME_BYTES)?),
        };
        Some(Lesson { violation, fix })
    };
    r.finish()?;
    Ok(RunSpec {
        scenario,
        variant,
        compare,
        knobs,
        seed,
        injections,
        schedule,
        view: View {
            tab,
            playhead_ms,
            window_start_ms,
            window_end_ms,
            person,
            event,
            presentation,
            lesson,
        },
    })
}
