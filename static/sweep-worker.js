// A background worker (sweeps and explorations): loads the app's own wasm-bindgen module and wasm (the same files as the page,
// so nothing new is downloaded), then answers requests (see src/sweep_work.rs) with
// racelab_sweep or racelab_explore. The page passes the two file names in the query string; only same-origin files
// are loaded. "ready" says the worker can take work.
const params = new URL(self.location.href).searchParams;
const url = (name) => {
  const u = new URL(params.get(name) || "", self.location.href);
  return u.origin === self.location.origin ? u.href : null;
};
const js = url("js");
const wasm = url("wasm");
if (!js || !wasm) {
  self.postMessage("err this worker needs the app's own js and wasm files");
} else {
  const mod = await import(js);
  await mod.default({ module_or_path: wasm });
  // "explore:<request>" explores every ordering; anything else is a sweep request.
  self.onmessage = (e) => {
    const data = String(e.data);
    self.postMessage(data.startsWith("explore:")
      ? mod.racelab_explore(data.slice(8))
      : mod.racelab_sweep(data));
  };
  self.postMessage("ready");
}
