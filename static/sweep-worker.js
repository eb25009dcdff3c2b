// A background worker (sweeps and explorations): loads the wasm-bindgen module and wasm named in
// its query string, then answers requests (see src/sweep_work.rs). Sweep workers load the app's
// own files (the same as the page, so nothing new is downloaded) and answer with racelab_sweep;
// the Explore tab's worker loads the explorer's files (racelab-explorer, a second wasm fetched
// the first time it is needed) and answers "explore:<request>" with racelab_explore. Only
// same-origin files are loaded. "ready" says the worker can take work; "err <message>" that it
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
  self.postMessage(`err could not load the worker's wasm: ${e.message}`);
}
if (mod) {
  // "explore:<request>" explores every ordering; anything else is a sweep request.
  self.onmessage = (e) => {
    const data = String(e.data);
    const [serve, request] = data.startsWith("explore:")
      ? [mod.racelab_explore, data.slice(8)]
      : [mod.racelab_sweep, data];
    self.postMessage(serve ? serve(request) : "err this worker's wasm cannot serve that request");
  };
  self.postMessage("ready");
}
