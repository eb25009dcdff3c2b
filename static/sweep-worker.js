// A background worker (the app's runs, sweeps and explorations): loads the wasm-bindgen module and wasm named in
// its query string, then answers each request (a `Request` of src/work.rs, as an object) with
// the wasm's racelab_work (a `Reply`). Sweep workers load the app's own files (the same as the
// page, so nothing new is downloaded); the Explore tab's worker loads the explorer's files
// (racelab-explorer, a second wasm fetched the first time it is needed). Only same-origin files
// are loaded. `{kind: "ready"}` says the worker takes work; `{kind: "failed", message}` that it
// cannot.
const params = new URL(self.location.href).searchParams;
const url = (name) => {
  const u = new URL(params.get(name) || "", self.location.href);
  return u.origin === self.location.origin ? u.href : null;
};
const js = url("js");
const wasm = url("wasm");
let mod = null;
try {
  if (!js || !wasm) throw new Error("this worker needs same-origin js and wasm files");
  mod = await import(js);
  await mod.default({ module_or_path: wasm });
} catch (e) {
  mod = null;
  self.postMessage({ kind: "failed", message: `could not load the worker's wasm: ${e.message}` });
}
if (mod) {
  // The second argument posts progress while the work goes on (the explorer's searches).
  self.onmessage = (e) => self.postMessage(mod.racelab_work(e.data, (p) => self.postMessage(p)));
  self.postMessage({ kind: "ready" });
}
