//! Thin wrappers over the browser APIs the app uses (URL fragment and history, clipboard,
//! downloads, file reading, fetching, timing; saved work is in [`super::storage`]). Each
//! fails quietly to `None`/`false` (or says why): a browser that refuses the clipboard must
//! not break the app.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

/// The URL fragment without its `#`, if there is one.
pub fn fragment() -> Option<String> {
    let hash = window()?.location().hash().ok()?;
    let hash = hash.strip_prefix('#').unwrap_or(&hash);
    (!hash.is_empty()).then(|| hash.to_string())
}

/// The page's address without the fragment.
pub fn base_url() -> String {
    window()
        .and_then(|w| w.location().href().ok())
        .map(|h| h.split('#').next().unwrap_or_default().to_string())
        .unwrap_or_default()
}

/// Writes the address bar and this history entry's state, without reloading: a new entry
/// (`push`, for a newly opened scenario or link) or in place (a change to the open one). The
/// URL carries `code` as its fragment, or no fragment; `state` is kept with the entry (work
/// too large for a link). A state the browser refuses is dropped, the URL still written.
pub fn write_history(push: bool, state: Option<&str>, code: Option<&str>) {
    let Some(h) = window().and_then(|w| w.history().ok()) else {
        return;
    };
    let url = match code {
        Some(code) => format!("#{code}"),
        None => base_url(),
    };
    let write = |state: &wasm_bindgen::JsValue| {
        if push {
            h.push_state_with_url(state, "", Some(&url))
        } else {
            h.replace_state_with_url(state, "", Some(&url))
        }
    };
    let state = state.map_or(wasm_bindgen::JsValue::NULL, wasm_bindgen::JsValue::from_str);
    if write(&state).is_err() {
        let _ = write(&wasm_bindgen::JsValue::NULL);
    }
}

/// The text kept with the current history entry, if any (see [`write_history`]).
pub fn history_state() -> Option<String> {
    window()?.history().ok()?.state().ok()?.as_string()
}

/// Removes the fragment (after a bad link was reported).
pub fn clear_fragment() {
    if let Some(h) = window().and_then(|w| w.history().ok()) {
        let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&base_url()));
    }
}

/// Puts `text` on the clipboard (asynchronously; a refusal is ignored: the link is also shown).
pub fn copy_to_clipboard(text: &str) {
    if let Some(w) = window() {
        let _ = w.navigator().clipboard().write_text(text);
    }
}

/// Offers `text` as a file download named `name`.
pub fn download(name: &str, mime: &str, text: &str) {
    let Some(doc) = window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(a) = doc.create_element("a") else {
        return;
    };
    let url = format!("data:{mime};charset=utf-8,{}", percent_encode(text));
    let _ = a.set_attribute("href", &url);
    let _ = a.set_attribute("download", name);
    if let Some(a) = a.dyn_ref::<web_sys::HtmlElement>() {
        a.click();
    }
}

/// Percent-encodes everything but unreserved characters (for a data: URL).
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3 / 2);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The first file chosen in `input`, if any.
pub fn chosen_file(input: &web_sys::HtmlInputElement) -> Option<web_sys::File> {
    input.files()?.get(0)
}

/// The change handler of an "Import JSON" file input: the chosen file is refused from its size
/// (over [`crate::saved::MAX_IMPORT_BYTES`]) before it is read, else read as text; `done` gets
/// the text or the message to show ("Import failed: …"). The input is cleared, so the same file
/// can be chosen again.
pub fn on_import(done: impl Fn(Result<String, String>) + 'static) -> yew::Callback<web_sys::Event> {
    let done = std::rc::Rc::new(done);
    yew::Callback::from(move |e: web_sys::Event| {
        use yew::TargetCast;
        let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() else {
            return;
        };
        let Some(file) = chosen_file(&input) else {
            return;
        };
        input.set_value("");
        if let Err(message) = crate::saved::check_import_size(&file.name(), file.size() as u64) {
            return done(Err(message));
        }
        let done = done.clone();
        read_file(&file, move |text| {
            done(text.map_err(|e| format!("Import failed: {e}")))
        });
    })
}

/// Reads `file` as text and calls `done` with it (or an error).
pub fn read_file(file: &web_sys::File, done: impl FnOnce(Result<String, String>) + 'static) {
    let Ok(reader) = web_sys::FileReader::new() else {
        return done(Err("this browser cannot read files".into()));
    };
    let r = reader.clone();
    let onload = Closure::once(move || {
        let text = r.result().ok().and_then(|v| v.as_string());
        done(text.ok_or_else(|| "the file could not be read as text".to_string()));
    });
    reader.set_onloadend(Some(onload.as_ref().unchecked_ref()));
    onload.forget();
    let _ = reader.read_as_text(file);
}

/// How long a fetch may take before it counts as failed.
const FETCH_TIMEOUT_MS: u32 = 30_000;

/// Fetches `url` (relative to the page) as text and calls `done` once with it, or with why
/// not (offline, an error status, a timeout).
pub fn fetch_text(url: &str, done: impl FnOnce(Result<String, String>) + 'static) {
    let done = Rc::new(RefCell::new(Some(done)));
    let finish = move |result| {
        if let Some(done) = done.borrow_mut().take() {
            done(result);
        }
    };
    let Ok(request) = web_sys::XmlHttpRequest::new() else {
        return finish(Err("this browser cannot fetch files".into()));
    };
    let (r, end) = (request.clone(), finish.clone());
    let onloadend = Closure::once(move || {
        end(match r.status().unwrap_or(0) {
            200 => r
                .response_text()
                .ok()
                .flatten()
                .ok_or_else(|| "the answer is not text".to_string()),
            0 => Err("no answer from the server (offline?)".into()),
            status => Err(format!("the server answered {status}")),
        })
    });
    request.set_onloadend(Some(onloadend.as_ref().unchecked_ref()));
    onloadend.forget();
    request.set_timeout(FETCH_TIMEOUT_MS);
    if request
        .open("GET", url)
        .and_then(|_| request.send())
        .is_err()
    {
        finish(Err("the request could not be sent".into()));
    }
}

/// Milliseconds from a monotonic browser clock (for sweep chunking and reported figures; never
/// used by the engine).
pub fn now_ms() -> f64 {
    window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// The outer markup of the element with `id` (the timeline SVG, for export).
pub fn outer_html(id: &str) -> Option<String> {
    Some(window()?.document()?.get_element_by_id(id)?.outer_html())
}

/// The app's own wasm-bindgen module and wasm file (from the boot script's data attributes),
/// which the sweep workers load too.
pub fn app_files() -> Option<(String, String)> {
    let tag = window()?
        .document()?
        .query_selector("script[data-js][data-wasm]")
        .ok()??;
    Some((
        tag.get_attribute("data-js")?,
        tag.get_attribute("data-wasm")?,
    ))
}

/// The address of `file`, which trunk puts next to the app's own files (the js or wasm of
/// another binary, whose names are not hashed), with the app's wasm name as its version: a new
/// build is never paired with a cached file of an older one.
pub fn beside_app(file: &str) -> Option<String> {
    let (js, wasm) = app_files()?;
    let base = &js[..js.rfind('/').map_or(0, |i| i + 1)];
    let version = query_encode(&wasm[wasm.rfind('/').map_or(0, |i| i + 1)..]);
    Some(format!("{base}{file}?v={version}"))
}

/// Percent-encodes `text` for a URL query value.
pub fn query_encode(text: &str) -> String {
    percent_encode(text)
}
