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
  // A run's bytes (Uint8Arrays in the reply, at most two levels down) are transferred, not
  // copied: the page then reads them a part at a time. The second argument of racelab_work
  // posts progress while the work goes on (the explorer's searches).
  const buffers = (v, depth = 0, out = []) => {
    if (v instanceof Uint8Array) out.push(v.buffer);
    else if (v && typeof v === "object" && depth < 2) for (const x of Object.values(v)) buffers(x, depth + 1, out);
    return out;
  };
  self.onmessage = (e) => {
    const reply = mod.racelab_work(e.data, (p) => self.postMessage(p));
    self.postMessage(reply, buffers(reply));
  };
  self.postMessage({ kind: "ready" });
}
