//! Web Workers (`static/sweep-worker.js`) answering [`crate::sweep_work`] requests: a pool for
//! sweeps, whose workers load the app's own wasm, so a sweep uses every core the browser offers
//! while the page stays responsive; and the Explore tab's worker, which loads the explorer's
//! separate wasm (fetched on first use). Dropping the pool terminates its workers (that is how
//! a sweep is cancelled).

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::sweep_work::{parse_reply, Counts};

/// One request and the sweep point it belongs to.
pub struct Unit {
    pub point: usize,
    pub request: String,
}

/// Called with each answered unit's point and counts, or with an error.
pub type OnResult = Rc<dyn Fn(usize, Result<Counts, String>)>;

pub struct Pool {
    workers: Vec<web_sys::Worker>,
    _listeners: Vec<Closure<dyn FnMut(web_sys::MessageEvent)>>,
}

impl Drop for Pool {
    fn drop(&mut self) {
        for w in &self.workers {
            w.terminate();
        }
    }
}

/// How many workers "all cores" means here (the browser's `hardwareConcurrency`, at most 16).
pub fn cores() -> u32 {
    web_sys::window()
        .map(|w| w.navigator().hardware_concurrency() as u32)
        .unwrap_or(1)
        .clamp(1, 16)
}

/// The wasm a worker runs.
#[derive(Clone, Copy)]
pub enum WorkerWasm {
    /// The app's own (sweeps): the page has already downloaded it.
    App,
    /// The explorer (`src/bin/racelab-explorer.rs`), downloaded by the first worker that
    /// needs it.
    Explorer,
}

/// The explorer's binary name: trunk names its files after it (index.html builds it as a
/// worker, whose file names are not hashed).
const EXPLORER: &str = "racelab-explorer";

/// The wasm-bindgen module and wasm file of `which`. The explorer's sit next to the app's;
/// the app's own (hashed) wasm name is their version, so a new build is never paired with a
/// cached explorer from an older one.
fn files(which: WorkerWasm) -> Option<(String, String)> {
    let (js, wasm) = super::web::app_files()?;
    match which {
        WorkerWasm::App => Some((js, wasm)),
        WorkerWasm::Explorer => {
            let base = &js[..js.rfind('/').map_or(0, |i| i + 1)];
            let version = super::web::query_encode(&wasm[wasm.rfind('/').map_or(0, |i| i + 1)..]);
            Some((
                format!("{base}{EXPLORER}.js?v={version}"),
                format!("{base}{EXPLORER}_bg.wasm?v={version}"),
            ))
        }
    }
}

/// Starts one background worker running `which` wasm (`static/sweep-worker.js`); it posts
/// "ready" once it can take requests ("err …" if its wasm could not be loaded).
pub fn spawn_worker(which: WorkerWasm) -> Result<web_sys::Worker, String> {
    let (js, wasm) = files(which).ok_or("the app's files are not known")?;
    let url = format!(
        "sweep-worker.js?js={}&wasm={}",
        super::web::query_encode(&js),
        super::web::query_encode(&wasm)
    );
    let options = web_sys::WorkerOptions::new();
    options.set_type(web_sys::WorkerType::Module);
    web_sys::Worker::new_with_options(&url, &options)
        .map_err(|_| "this browser refused to start a worker".to_string())
}

impl Pool {
    /// Starts `n` workers working through `units`, or says why workers cannot run here (the
    /// caller then sweeps on the main thread).
    pub fn start(n: u32, units: Vec<Unit>, on_result: OnResult) -> Result<Pool, String> {
        let queue = Rc::new(RefCell::new(units.into_iter().rev().collect::<Vec<_>>()));
        let mut pool = Pool {
            workers: Vec::new(),
            _listeners: Vec::new(),
        };
        for _ in 0..n.max(1) {
            let worker = spawn_worker(WorkerWasm::App)?;
            let (w, queue, on_result) = (worker.clone(), queue.clone(), on_result.clone());
            let current = Rc::new(RefCell::new(None::<usize>));
            let listener = Closure::<dyn FnMut(_)>::new(move |e: web_sys::MessageEvent| {
                let reply = e.data().as_string().unwrap_or_default();
                if reply != "ready" {
                    let point = current.borrow_mut().take();
                    match (point, parse_reply(&reply)) {
                        (Some(p), result) => on_result(p, result),
                        (None, Err(e)) => on_result(usize::MAX, Err(e)),
                        (None, Ok(_)) => {}
                    }
                }
                if let Some(unit) = queue.borrow_mut().pop() {
                    *current.borrow_mut() = Some(unit.point);
                    let _ = w.post_message(&unit.request.into());
                }
            });
            worker.set_onmessage(Some(listener.as_ref().unchecked_ref()));
            pool.workers.push(worker);
            pool._listeners.push(listener);
        }
        Ok(pool)
    }
}
