// The campaign builder's loader. The app adds this module the first time the Build tab opens
// (src/ui/build_tab.rs); it loads the builder's own wasm (racelab-builder, its wasm-bindgen
// module and wasm file named in the query string; only same-origin files are loaded) and
// hands the module to the app in a "racelab-builder" event on the document: `{module}` when it
// is ready, `{failed: message}` when it could not be loaded.
const params = new URL(import.meta.url).searchParams;
const url = (name) => {
  if (!params.get(name)) return null;
  const u = new URL(params.get(name), import.meta.url);
  return u.origin === self.location.origin ? u.href : null;
};
let detail;
try {
  const js = url("js");
  const wasm = url("wasm");
  if (!js || !wasm) throw new Error("the builder's files must come from this site");
  const module = await import(js);
  await module.default({ module_or_path: wasm });
  detail = { module };
} catch (e) {
  detail = { failed: (e && e.message) || String(e) };
}
document.dispatchEvent(new CustomEvent("racelab-builder", { detail }));
