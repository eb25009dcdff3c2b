//! A pool of Web Workers for sweeps: each worker loads the app's own wasm
//! (`static/sweep-worker.js`) and answers [`crate::sweep_work`] requests, so a sweep uses every
//! core the browser offers while the page stays responsive. Dropping the pool terminates its
//! workers (that is how a sweep is cancelled).

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

/// Starts one background worker running the app's own wasm (`static/sweep-worker.js`); it
/// posts "ready" once it can take requests.
pub fn spawn_worker() -> Result<web_sys::Worker, String> {
    let (js, wasm) = super::web::app_files().ok_or("the app's files are not known")?;
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
            let worker = spawn_worker()?;
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
