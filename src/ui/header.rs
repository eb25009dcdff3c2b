//! The top bar: tabs, the open scenario's title, the presentation toggle, and the share,
//! export and import actions.

use yew::prelude::*;

use super::build_tab;
use super::parts::{button, send};
use super::state::{Action, App, Dispatch, Loaded};
use super::web;
use crate::spec::RunSpec;
use crate::spec::Tab;

const TABS: [(Tab, &str); 6] = [
    (Tab::Library, "Library"),
    (Tab::Run, "Run"),
    (Tab::Compare, "Compare"),
    (Tab::Sweep, "Sweep"),
    (Tab::Explore, "Explore"),
    (Tab::Build, "Build"),
];

/// The top bar.
pub fn header(app: &App) -> Html {
    let current = app.spec.view.tab;
    let open = app.loaded.is_some();
    let tabs = TABS.iter().map(|&(tab, label)| {
        let onclick = send(&app.dispatcher(), Action::Tab(tab));
        let disabled = !matches!(tab, Tab::Library | Tab::Build) && !open;
        // The builder starts loading when the pointer or focus reaches its tab.
        let build = tab == Tab::Build;
        let onpointerenter = build.then(|| Callback::from(|_: PointerEvent| build_tab::preload()));
        let onfocus = build.then(|| Callback::from(|_: FocusEvent| build_tab::preload()));
        html! {
            <button role="tab" id={format!("tab-{}", label.to_ascii_lowercase())}
                aria-selected={(tab == current).to_string()} {disabled} {onclick}
                {onpointerenter} {onfocus}>
                { label }
            </button>
        }
    });
    let title = app
        .loaded
        .as_ref()
        .map(|l| l.scenario.title.clone())
        .unwrap_or_default();
    let toggle = send(
        &app.dispatcher(),
        Action::Presentation(!app.spec.view.presentation),
    );
    html! {
        <header class="top">
            <span class="brand">{ "Race Lab" }</span>
            <nav role="tablist" aria-label="Views">{ for tabs }</nav>
            <span class="title" id="scenario-title">{ title }</span>
            <label class="toggle">
                <input type="checkbox" id="presentation" checked={app.spec.view.presentation}
                    onchange={toggle} />
                { "Presentation" }
            </label>
            if let Some(loaded) = &app.loaded {
                <Share spec={app.spec.clone()} loaded={loaded.clone()} dispatch={app.dispatcher()} />
            }
            { import(app) }
        </header>
    }
}

/// "Copy link" (shown in a field too), "Export JSON" and "Export SVG".
#[derive(Properties, PartialEq)]
pub struct ShareProps {
    /// The set-up and view a link shares.
    pub spec: RunSpec,
    /// The open scenario (exported as it was read).
    pub loaded: Loaded,
    pub dispatch: Dispatch,
}

#[function_component(Share)]
fn share(props: &ShareProps) -> Html {
    let dispatch = &props.dispatch;
    let link = use_state(String::new);
    let copy = {
        let (spec, dispatch, link) = (props.spec.clone(), dispatch.clone(), link.clone());
        Callback::from(move |_| match crate::codec::encode_checked(&spec) {
            Ok(code) => {
                let url = format!("{}#{code}", web::base_url());
                web::copy_to_clipboard(&url);
                link.set(url);
            }
            Err(e) => dispatch.dispatch(Action::Notice(Some(format!(
                "This run cannot be shared as a link: {e}"
            )))),
        })
    };
    let export_json = {
        let l = props.loaded.clone();
        Callback::from(move |_| {
            web::download(
                &format!("{}.json", l.scenario.id),
                "application/json",
                &l.source,
            )
        })
    };
    let export_svg = {
        let dispatch = dispatch.clone();
        Callback::from(move |_| match web::outer_html("timeline-svg") {
            Some(svg) => web::download("race-lab-timeline.svg", "image/svg+xml", &svg),
            None => dispatch.dispatch(Action::Notice(Some(
                "Open the Run tab to export its timeline.".into(),
            ))),
        })
    };
    html! {
        <div class="share">
            { button("copy-link", "", "Copy link", false, copy) }
            if !link.is_empty() {
                <input id="share-link" class="link" readonly=true aria-label="Share link"
                    value={(*link).clone()} />
            }
            { button("export-json", "", "Export JSON", false, export_json) }
            { button("export-svg", "", "Export SVG", false, export_svg) }
        </div>
    }
}

/// "Import JSON": opens a scenario file. A file over [`crate::saved::MAX_IMPORT_BYTES`] is
/// refused from its size, before it is read; a file that fails leaves the work as it was.
fn import(app: &App) -> Html {
    let onchange = {
        let app = app.clone();
        web::on_import(move |text| match text {
            Ok(json) => app.dispatch(Action::Import(json)),
            Err(message) => app.dispatch(Action::Notice(Some(message))),
        })
    };
    let limit = crate::saved::human_bytes(crate::saved::MAX_IMPORT_BYTES);
    html! {
        <label class="import button" title={format!("A scenario file of up to {limit}")}>
            { "Import JSON" }
            <input type="file" id="import-json" accept=".json,application/json" {onchange} />
        </label>
    }
}
