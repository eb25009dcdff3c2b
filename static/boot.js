// Starts the wasm app. trunk writes the hashed file names into this script tag's data
// attributes (see pattern_script in Trunk.toml); a same-origin module keeps the CSP strict.
const tag = document.querySelector("script[data-js][data-wasm]");
const { default: init } = await import(tag.dataset.js);
await init({ module_or_path: tag.dataset.wasm });
