//! One background worker (`static/sweep-worker.js`) that answers [`crate::work`] requests with
//! typed replies: what the sweep pool ([`super::pool`]), the Explore tab and the [`Asker`] of
//! the inspector and the story view use. A worker
//! runs either the app's own wasm (sweeps: the page has already downloaded it) or the
//! explorer's separate wasm (fetched the first time it is needed). Dropping a [`Worker`]
//! terminates it: that is how work is cancelled.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::js_sys;

use crate::work::js::{from_js, to_js};
use crate::work::{Reply, Request};

/// The wasm a worker runs.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum WorkerWasm {
    /// The app's own (sweeps): the page has already downloaded it.
    App,
    /// The explorer (`src/bin/racelab-explorer.rs`), downloaded by the first worker that
    /// needs it.
    Explorer,
}

/// How many workers "all cores" means here (the browser's `hardwareConcurrency`, at most 16).
pub fn cores() -> u32 {
    web_sys::window()
        .map(|w| w.navigator().hardware_concurrency() as u32)
        .unwrap_or(1)
        .clamp(1, 16)
}

/// The explorer's binary name: trunk names its files after it (index.html builds it as a
/// worker, whose file names are not hashed).
const EXPLORER: &str = "racelab-explorer";

/// The wasm-bindgen module and wasm file of `which`. The explorer's sit next to the app's,
/// versioned by the app's (see [`super::web::beside_app`]).
fn files(which: WorkerWasm) -> Option<(String, String)> {
    match which {
        WorkerWasm::App => super::web::app_files(),
        WorkerWasm::Explorer => Some((
            super::web::beside_app(&format!("{EXPLORER}.js"))?,
            super::web::beside_app(&format!("{EXPLORER}_bg.wasm"))?,
        )),
    }
}

/// Where a worker's replies go: a handle to post the next request on.
#[derive(Clone)]
pub struct Sender(web_sys::Worker);

impl Sender {
    /// Posts `request` to the worker.
    pub fn send(&self, request: &Request) {
        let _ = self.0.post_message(&to_js(request));
    }
}

/// What gets a worker's replies.
type OnReply = dyn FnMut(&Sender, Reply);

/// A running worker; dropping it terminates the worker.
pub struct Worker {
    sender: Sender,
    /// Where its replies go (replaceable: a warm sweep worker serves one sweep after another).
    on_reply: Rc<RefCell<Box<OnReply>>>,
    /// It has sent [`Reply::Ready`]; or why it failed before it was ready.
    ready: Rc<std::cell::Cell<bool>>,
    failed: Rc<RefCell<Option<String>>>,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.sender.0.terminate();
    }
}

impl Worker {
    /// Starts a worker running `which` wasm; `on_reply` gets every message it sends (first
    /// [`Reply::Ready`], or [`Reply::Failed`] if its wasm could not be loaded), with a
    /// [`Sender`] to post requests on. A worker that stops (its script failed, its wasm
    /// trapped) sends a [`Reply::Failed`] too.
    pub fn spawn(
        which: WorkerWasm,
        on_reply: impl FnMut(&Sender, Reply) + 'static,
    ) -> Result<Worker, String> {
        Worker::spawn_with(which, None, on_reply)
    }

    /// [`Worker::spawn`], with the answers to run requests ([`Reply::Ran`]) handed to `on_ran`
    /// as they came ([`JsRan`]: their bytes not yet copied into the wasm).
    pub fn spawn_for_runs(
        on_ran: impl Fn(JsRan) + 'static,
        on_reply: impl FnMut(&Sender, Reply) + 'static,
    ) -> Result<Worker, String> {
        Worker::spawn_with(WorkerWasm::App, Some(Box::new(on_ran)), on_reply)
    }

    fn spawn_with(
        which: WorkerWasm,
        on_ran: Option<Box<dyn Fn(JsRan)>>,
        on_reply: impl FnMut(&Sender, Reply) + 'static,
    ) -> Result<Worker, String> {
        let (js, wasm) = files(which).ok_or("the app's files are not known")?;
        let url = format!(
            "sweep-worker.js?js={}&wasm={}",
            super::web::query_encode(&js),
            super::web::query_encode(&wasm)
        );
        let options = web_sys::WorkerOptions::new();
        options.set_type(web_sys::WorkerType::Module);
        let worker = web_sys::Worker::new_with_options(&url, &options)
            .map_err(|_| "this browser refused to start a worker".to_string())?;
        let sender = Sender(worker.clone());
        // Both listeners hand their news to `on_reply`.
        let on_reply: Rc<RefCell<Box<OnReply>>> = Rc::new(RefCell::new(Box::new(on_reply)));
        let ready = Rc::new(std::cell::Cell::new(false));
        let failed = Rc::new(RefCell::new(None::<String>));
        // Remembers a failure before the worker was ready, for a later `hand_to`.
        let note = {
            let (ready, failed) = (ready.clone(), failed.clone());
            move |reply: &Reply| match reply {
                Reply::Ready => ready.set(true),
                Reply::Failed { message } if !ready.get() => {
                    *failed.borrow_mut() = Some(message.clone())
                }
                _ => {}
            }
        };
        let on_message = {
            let (sender, on_reply, note) = (sender.clone(), on_reply.clone(), note.clone());
            Closure::<dyn FnMut(_)>::new(move |e: web_sys::MessageEvent| {
                let data = e.data();
                if let Some(on_ran) = on_ran.as_ref() {
                    if let Some(ran) = JsRan::of(&data) {
                        return on_ran(ran);
                    }
                }
                let reply = from_js(data, "reply").unwrap_or_else(Reply::failed);
                note(&reply);
                (on_reply.borrow_mut())(&sender, reply);
            })
        };
        let on_error = {
            let stopped = match which {
                WorkerWasm::App => "a sweep worker stopped",
                WorkerWasm::Explorer => "the explorer's worker stopped",
            };
            let (sender, on_reply) = (sender.clone(), on_reply.clone());
            Closure::<dyn FnMut(_)>::new(move |_: web_sys::Event| {
                let reply = Reply::failed(stopped);
                note(&reply);
                (on_reply.borrow_mut())(&sender, reply)
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(Worker {
            sender,
            on_reply,
            ready,
            failed,
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    /// Posts `request` to the worker (once it is ready: see [`Worker::spawn`]).
    pub fn send(&self, request: &Request) {
        self.sender.send(request);
    }

    /// Sends its replies from now on to `on_reply`; a worker that is already ready (or
    /// failed to start) gets its [`Reply::Ready`] (or [`Reply::Failed`]) there at once, as
    /// a new worker would.
    pub fn hand_to(&self, on_reply: impl FnMut(&Sender, Reply) + 'static) {
        *self.on_reply.borrow_mut() = Box::new(on_reply);
        let news = match self.failed.borrow().clone() {
            Some(message) => Some(Reply::Failed { message }),
            None => self.ready.get().then_some(Reply::Ready),
        };
        if let Some(reply) = news {
            (self.on_reply.borrow_mut())(&self.sender, reply);
        }
    }
}

/// One worker of the app's own wasm answering questions about the run on screen (the
/// inspector's snapshot, a story): while it works on one request, only the latest new one
/// waits (an older waiting one is dropped: nobody wants its answer any more).
#[derive(Default)]
pub struct Asker {
    worker: Option<Worker>,
    ready: Rc<Cell<bool>>,
    busy: Rc<Cell<bool>>,
    waiting: Rc<RefCell<Option<Request>>>,
    /// Where replies go: the `on_reply` of the latest [`Asker::ask`].
    on_reply: Rc<RefCell<Option<AnswerTo>>>,
}

/// What an [`Asker`] does with a reply.
type AnswerTo = Rc<dyn Fn(Reply)>;

impl Asker {
    /// Sends `request` now if the worker is idle, or keeps it as the next to send. The first
    /// call starts the worker; every reply but [`Reply::Ready`] goes to the `on_reply` of the
    /// latest call (an asker kept between views answers the view that asked last). Errs when
    /// no worker can start.
    pub fn ask(
        &mut self,
        request: Request,
        on_reply: impl Fn(Reply) + 'static,
    ) -> Result<(), String> {
        *self.on_reply.borrow_mut() = Some(Rc::new(on_reply));
        self.start()?;
        match &self.worker {
            Some(w) if self.ready.get() && !self.busy.get() => {
                self.busy.set(true);
                w.send(&request);
            }
            _ => *self.waiting.borrow_mut() = Some(request),
        }
        Ok(())
    }

    /// Starts the worker (loading its wasm) if it has not started yet, so that a first
    /// question does not wait for that.
    pub fn start(&mut self) -> Result<(), String> {
        if self.worker.is_none() {
            let (ready, busy, waiting) =
                (self.ready.clone(), self.busy.clone(), self.waiting.clone());
            let to = self.on_reply.clone();
            self.worker = Some(Worker::spawn(WorkerWasm::App, move |sender, reply| {
                if reply != Reply::Ready {
                    let on_reply = to.borrow().clone();
                    if let Some(f) = on_reply {
                        f(reply);
                    }
                }
                ready.set(true);
                busy.set(false);
                if let Some(next) = waiting.borrow_mut().take() {
                    busy.set(true);
                    sender.send(&next);
                }
            })?);
        }
        Ok(())
    }
}

/// A run's bytes as a worker sent them: still a JavaScript `Uint8Array` (transferred, not
/// copied), read into the wasm a part at a time (see [`crate::work::wire::Reader`]).
pub struct JsBytes(js_sys::Uint8Array);

impl crate::work::wire::Source for JsBytes {
    fn size(&self) -> usize {
        self.0.length() as usize
    }
    fn slice(&self, range: std::ops::Range<usize>) -> Option<std::borrow::Cow<'_, [u8]>> {
        if range.start > range.end || range.end > self.size() {
            return None;
        }
        let part = self.0.subarray(range.start as u32, range.end as u32);
        Some(std::borrow::Cow::Owned(part.to_vec()))
    }
}

/// The answer to a run request ([`Reply::Ran`]) as it came, its bytes not copied yet.
pub struct JsRan {
    pub id: u64,
    pub main: Result<JsBytes, String>,
    pub compare: Option<Result<JsBytes, String>>,
}

impl JsRan {
    /// The run answer `data` holds, if it is one.
    fn of(data: &JsValue) -> Option<JsRan> {
        let get = |v: &JsValue, key: &str| js_sys::Reflect::get(v, &JsValue::from_str(key)).ok();
        if get(data, "kind")?.as_string()? != "ran" {
            return None;
        }
        let id: u64 = from_js(get(data, "id")?, "run id").ok()?;
        // `{Ok: bytes}` or `{Err: message}`.
        let result = |v: &JsValue| -> Option<Result<JsBytes, String>> {
            if let Some(bytes) = get(v, "Ok").and_then(|b| b.dyn_into::<js_sys::Uint8Array>().ok())
            {
                return Some(Ok(JsBytes(bytes)));
            }
            Some(Err(get(v, "Err")?.as_string()?))
        };
        let main = result(&get(data, "main")?)?;
        let compare = get(data, "compare").filter(|c| !c.is_null() && !c.is_undefined());
        let compare = match compare {
            Some(c) => Some(result(&c)?),
            None => None,
        };
        Some(JsRan { id, main, compare })
    }
}
