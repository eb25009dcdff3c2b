# scripts/lib.sh: shared helpers for scripts/serve and scripts/test (source it, don't run it).
# Every tool version the project pins is set or read here, in one place:
#   trunk            TRUNK_VERSION below (0.22.x needs a newer rustc than ours)
#   wasm-bindgen CLI read from Cargo.lock (must equal the wasm-bindgen crate version exactly)
#   wasm-opt         npm package binaryen, pinned in package.json / package-lock.json
#   playwright-core  npm, pinned in package.json / package-lock.json
#   chromium         Debian packages chromium + chromium-driver (the distribution's version)
# Each ensure_* function is idempotent: it checks first and installs only what is missing.

TRUNK_VERSION=0.21.14

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

section() { printf '\n==== %s ====\n' "$*"; }
log() { printf '  %s\n' "$*"; }

# The wasm-bindgen version in Cargo.lock (the CLI must match it exactly).
wasm_bindgen_version() {
  [[ -f Cargo.lock ]] || cargo generate-lockfile --quiet
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

ensure_wasm_target() {
  if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "wasm32-unknown-unknown target: present"
  else
    rustup target add wasm32-unknown-unknown
  fi
}

# Tools we only run (never ship) are built with a cheap release profile for the install only:
# no LTO, many codegen units, opt-level 1, no debug info. On a fresh 2-core machine this is most
# of the first `./scripts/test`; the tools are no slower in any way a test run notices.
cheap_install() {
  CARGO_PROFILE_RELEASE_LTO=false \
    CARGO_PROFILE_RELEASE_CODEGEN_UNITS=256 \
    CARGO_PROFILE_RELEASE_OPT_LEVEL=1 \
    CARGO_PROFILE_RELEASE_DEBUG=false \
    CARGO_PROFILE_RELEASE_STRIP=true \
    CARGO_INCREMENTAL=0 \
    cargo install "$@"
}

ensure_trunk() {
  if [[ "$(trunk --version 2>/dev/null)" == "trunk $TRUNK_VERSION" ]]; then
    log "trunk $TRUNK_VERSION: present"
  else
    # --locked is required: without it trunk's CSS dependencies resolve to a broken mix.
    cheap_install --locked trunk --version "$TRUNK_VERSION"
  fi
}

ensure_wasm_bindgen() {
  local want
  want="$(wasm_bindgen_version)"
  [[ -n "$want" ]] || { echo "wasm-bindgen not found in Cargo.lock" >&2; return 1; }
  if [[ "$(wasm-bindgen --version 2>/dev/null)" == "wasm-bindgen $want" ]] &&
    command -v wasm-bindgen-test-runner >/dev/null; then
    log "wasm-bindgen-cli $want: present"
  else
    # No --locked: this crate's lock file pins a dependency version the registry no longer has.
    cheap_install wasm-bindgen-cli --version "$want"
  fi
}

# npm ci only when node_modules is missing or package-lock.json changed since the last install.
ensure_node_modules() {
  local stamp=node_modules/.racelab-lock-sha256 sum
  sum="$(sha256sum package-lock.json | cut -d' ' -f1)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$sum" ]]; then
    log "node_modules: up to date"
  else
    npm ci --no-audit --no-fund
    echo "$sum" >"$stamp"
  fi
}

ensure_chromium() {
  if [[ -x /usr/bin/chromium ]] && command -v chromedriver >/dev/null; then
    log "chromium + chromedriver: present"
    return
  fi
  local sudo=()
  [[ "$(id -u)" -eq 0 ]] || sudo=(sudo)
  "${sudo[@]}" apt-get update
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver
}

ensure_web_tools() {
  ensure_wasm_target
  ensure_trunk
  ensure_wasm_bindgen
  ensure_node_modules
}

ensure_all() {
  ensure_web_tools
  ensure_chromium
}

# The shipped wasm keeps the source file of each panic message. Those paths are remapped to the
# project (".") and its dependencies ("deps/<crate>-<version>/..."), so no build machine's
# directories ship in the app. Printed as CARGO_ENCODED_RUSTFLAGS (flags separated by 0x1f, so
# a path with spaces stays one flag); a later remapping wins where several match.
remapped_rustflags() {
  local sep=$'\x1f' home="${CARGO_HOME:-$HOME/.cargo}" d
  local flags="--remap-path-prefix=$home=cargo-home"
  for d in "$home"/registry/src/*/ "$home"/git/checkouts/*/; do
    [[ -d "$d" ]] && flags+="$sep--remap-path-prefix=${d%/}=deps"
  done
  flags+="$sep--remap-path-prefix=$PWD=."
  printf '%s' "$flags"
}

# Builds the web app into dist/ (release), its source paths remapped (see remapped_rustflags).
build_web() {
  cargo fetch --locked >/dev/null
  CARGO_ENCODED_RUSTFLAGS="$(remapped_rustflags)" trunk build --release "$@"
}

# Fails if a shipped wasm names the project's directory or cargo's home on this machine.
check_no_build_paths() {
  local home="${CARGO_HOME:-$HOME/.cargo}" f bad=0
  for f in dist/*.wasm; do
    if grep -q -a -F -e "$PWD/" -e "$home/" "$f"; then
      echo "$f names a directory of the build machine" >&2
      bad=1
    fi
  done
  return "$bad"
}
