//! The story view's work off the main thread: telling the story of a violation or a person
//! re-runs the scenario ([`crate::api::story`]), which for a big run takes longer than a
//! frame, so the app asks a worker for it as it asks for the inspector's snapshot.

use super::{resolve_code, work_code, Reply, Request};
use crate::api::StoryOf;
use crate::spec::RunSpec;

/// The request for the story `of` of `spec`'s main run, answered with `id`.
pub fn story_request(spec: &RunSpec, id: u64, of: StoryOf) -> Request {
    Request::Story {
        id,
        code: work_code(spec),
        of,
    }
}

/// Answers a story request as [`crate::api::story`] does. Never panics on any input.
pub fn serve_story(id: u64, code: &str, of: StoryOf) -> Reply {
    let story = resolve_code(code).and_then(|(scenario, config)| {
        let spec = crate::saved::work_spec(code)?;
        crate::api::story(&scenario, &config, spec.seed, &spec.schedule, of)
    });
    Reply::Told { id, story }
}

#[cfg(test)]
mod tests {
    use super::super::serve_sweep;
    use super::*;

    #[test]
    fn a_story_request_gives_the_story_the_api_gives() {
        let mut spec = RunSpec::builtin("list-queue");
        spec.seed = 1;
        let (s, c) = spec.resolve().unwrap();
        let run = crate::api::run_view(&s, &c, 1, &[]).unwrap();
        assert!(!run.violations.is_empty());
        for of in [
            StoryOf::Violation(0),
            StoryOf::Person(3),
            StoryOf::Violation(99),
        ] {
            let reply = serve_sweep(&story_request(&spec, 5, of));
            let direct = crate::api::story(&s, &c, 1, &[], of);
            assert_eq!(
                reply,
                Reply::Told {
                    id: 5,
                    story: direct
                },
                "{of:?}"
            );
        }
        // The story is of the run on screen: a hand-picked schedule is followed.
        spec.schedule = run.decisions.iter().map(|&(_, a)| a as u32 ^ 1).collect();
        let forked = crate::api::story(&s, &c, 1, &spec.schedule, StoryOf::Person(3));
        let Reply::Told { story, .. } = serve_sweep(&story_request(&spec, 6, StoryOf::Person(3)))
        else {
            panic!("not a story answer")
        };
        assert_eq!(story, forked);
        // A bad code is an error, not a panic.
        let bad = serve_story(1, "1.AAAA", StoryOf::Violation(0));
        assert!(matches!(bad, Reply::Told { story: Err(e), .. } if !e.is_empty()));
    }

    #[test]
    fn a_story_crosses_the_worker_boundary_as_itself() {
        let spec = RunSpec::builtin("list-queue");
        let reply = serve_sweep(&story_request(&spec, 2, StoryOf::Violation(0)));
        let text = serde_json::to_string(&reply).unwrap();
        assert!(text.starts_with(r#"{"kind":"told","id":2,"#), "{text}");
        assert_eq!(serde_json::from_str::<Reply>(&text).unwrap(), reply);
        let request = story_request(&spec, 2, StoryOf::Person(4));
        let text = serde_json::to_string(&request).unwrap();
        assert_eq!(serde_json::from_str::<Request>(&text).unwrap(), request);
    }
}
