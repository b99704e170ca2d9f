#!/usr/bin/env bash
# Makes the mediasoup worker binary available offline (Debian system libraries, no GitHub/PyPI)
# and prints its absolute path as the LAST line of stdout; progress goes to stderr.
#
# Usage: scripts/mediasoup-worker.sh [path/to/node_modules/mediasoup]
# Env:   MEDIASOUP_WORKER_CACHE  cache root (default $HOME/.cache/livecommerce)
#        MEDIASOUP_BUILD_JOBS    ninja parallelism (default: nproc)
#
# Why: mediasoup's postinstall downloads a prebuilt worker from GitHub and falls back to
# pip-installing meson; neither is reachable here. The worker's meson subprojects are .wrap files
# that download sources too, so we replace each with a meson.build wrapping the Debian library
# (see docs: shared/ARCHITECTURE.md, "Live room media"). Idempotent: a cached binary is reused.
set -euo pipefail

log() { printf '[mediasoup-worker] %s\n' "$*" >&2; }
die() { printf '[mediasoup-worker] ERROR: %s\n' "$*" >&2; exit 1; }

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# --- locate the mediasoup package and its version -------------------------------------------
if [[ $# -ge 1 && -n "$1" ]]; then
  pkg_dir="$1"
elif [[ -f "$script_dir/../node_modules/mediasoup/package.json" ]]; then
  pkg_dir="$script_dir/../node_modules/mediasoup"
else
  pkg_dir="$PWD/node_modules/mediasoup"
fi
[[ -f "$pkg_dir/package.json" ]] || die "mediasoup package not found: $pkg_dir/package.json is missing (pass the mediasoup package dir as \$1)"
pkg_dir="$(cd "$pkg_dir" && pwd)"

# First "version" key of package.json; sed rather than node so the script also runs without node.
version="$(sed -n 's/^[[:space:]]*"version"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' "$pkg_dir/package.json" | head -n1)"
[[ -n "$version" ]] || die "could not read \"version\" from $pkg_dir/package.json"

cache_root="${MEDIASOUP_WORKER_CACHE:-${HOME:-/tmp}/.cache/livecommerce}"
# The printed path must be absolute even when the cache is given relative to the cwd.
[[ "$cache_root" == /* ]] || cache_root="$PWD/$cache_root"
cache_dir="$cache_root/mediasoup-worker-$version"
bin="$cache_dir/mediasoup-worker"

if [[ -x "$bin" ]]; then
  printf '%s\n' "$bin"
  exit 0
fi

mkdir -p "$cache_dir" || die "cannot create cache directory $cache_dir (set MEDIASOUP_WORKER_CACHE)"
cache_dir="$(cd "$cache_dir" && pwd)"
bin="$cache_dir/mediasoup-worker"

# Serialise concurrent builds of the same version (parallel test runs, CI jobs): the second one
# waits and then finds the binary in the cache.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$cache_dir/.build.lock"
  flock 9
  if [[ -x "$bin" ]]; then
    printf '%s\n' "$bin"
    exit 0
  fi
fi

worker_src="$pkg_dir/worker"
[[ -f "$worker_src/meson.build" ]] || die "mediasoup worker sources not found: $worker_src/meson.build is missing"

# --- build dependencies (Debian packages) ---------------------------------------------------
packages=(meson ninja-build pkg-config libssl-dev libuv1-dev libsrtp2-dev libusrsctp-dev libabsl-dev nlohmann-json3-dev)
command -v g++ >/dev/null 2>&1 || packages+=(g++)
command -v gcc >/dev/null 2>&1 || packages+=(gcc)
command -v make >/dev/null 2>&1 || packages+=(make)

missing=()
for p in "${packages[@]}"; do
  status="$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)"
  [[ "$status" == *" installed" ]] || missing+=("$p")
done

if [[ ${#missing[@]} -gt 0 ]]; then
  command -v apt-get >/dev/null 2>&1 || die "missing build packages (${missing[*]}) and apt-get is not available to install them"
  sudo_cmd=()
  if [[ "$(id -u)" -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo_cmd=(sudo -n)
    else
      die "missing build packages (${missing[*]}); run as root or install them: apt-get install ${missing[*]}"
    fi
  fi
  log "installing Debian packages: ${missing[*]}"
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update >&2 \
    || die "apt-get update failed (needed to install: ${missing[*]})"
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2 \
    || die "apt-get install failed for: ${missing[*]}"
fi

for tool in meson ninja pkg-config g++ gcc; do
  command -v "$tool" >/dev/null 2>&1 || die "required tool '$tool' not found on PATH after installing packages"
done

# --- prepare a patched copy of the worker sources -------------------------------------------
work="$(mktemp -d "${TMPDIR:-/tmp}/mediasoup-worker-build.XXXXXX")"
# A second signal must not cut the removal short.
cleanup() { trap '' TERM INT; rm -rf "$work"; }
trap cleanup EXIT
# Killed mid-build (npm start stopped): an untrapped signal would skip the EXIT trap and leave the
# copied sources and objects in $TMPDIR.
trap 'exit 143' TERM INT

log "mediasoup $version: building worker in $work (this takes a few minutes)"
cp -a "$worker_src" "$work/worker"
# A previous in-tree build dir (npm's own build) must not leak into ours.
rm -rf "$work/worker/out" "$work/worker/B"
src="$work/worker"

# Debian bookworm ships meson 1.0.1; the worker asks for >= 1.1.0 but builds fine with 1.0.
sed -i -E "s/meson_version:[[:space:]]*'>=[[:space:]]*[0-9.]+'/meson_version: '>= 1.0.0'/" "$src/meson.build"

# Wrap files would make meson download sources; replace each subproject with a local one.
rm -f "$src"/subprojects/*.wrap
sub="$src/subprojects"

# write_subproject NAME: creates subprojects/NAME with meson.build from stdin and an empty C file
# used for the placeholder static libraries (the worker's libmediasoup-worker target link_whole's
# the subprojects' static libraries; the real code comes in via the shared system libraries).
write_subproject() {
  local name="$1"
  mkdir -p "$sub/$name"
  cat >"$sub/$name/meson.build"
  local ident="${name//[^A-Za-z0-9]/_}"
  printf 'int ms_system_%s_placeholder = 0;\n' "$ident" >"$sub/$name/placeholder.c"
}

write_subproject openssl <<'EOF'
project('openssl', 'c')
openssl_dep = dependency('openssl', version: '>= 3.0.0')
libcrypto_lib = static_library('ms_openssl_crypto_placeholder', 'placeholder.c', c_args: ['-DMS_CRYPTO'])
libssl_lib = static_library('ms_openssl_ssl_placeholder', 'placeholder.c', c_args: ['-DMS_SSL'])
EOF
# Two libraries from one object would define the same symbol twice under link_whole.
cat >"$sub/openssl/placeholder.c" <<'EOF'
#ifdef MS_CRYPTO
int ms_system_openssl_crypto_placeholder = 0;
#else
int ms_system_openssl_ssl_placeholder = 0;
#endif
EOF

write_subproject nlohmann_json <<'EOF'
project('nlohmann_json', 'cpp')
nlohmann_json_dep = dependency('nlohmann_json', version: '>= 3.10.0')
EOF

write_subproject libuv <<'EOF'
project('libuv', 'c')
libuv_dep = dependency('libuv', version: '>= 1.44.0')
libuv = static_library('ms_libuv_placeholder', 'placeholder.c')
EOF
cat >"$sub/libuv/meson_options.txt" <<'EOF'
option('build_tests', type: 'boolean', value: false)
option('build_benchmarks', type: 'boolean', value: false)
EOF

write_subproject libsrtp2 <<'EOF'
project('libsrtp2', 'c')
_srtp = dependency('libsrtp2', version: '>= 2.4.0')
# The worker includes <srtp.h>; Debian installs it under include/srtp2/.
libsrtp2_dep = declare_dependency(
  dependencies: _srtp,
  compile_args: ['-I' + _srtp.get_variable(pkgconfig: 'includedir', default_value: '/usr/include') / 'srtp2'],
)
libsrtp2 = static_library('ms_libsrtp2_placeholder', 'placeholder.c')
EOF
cat >"$sub/libsrtp2/meson_options.txt" <<'EOF'
option('crypto-library', type: 'combo', choices: ['none', 'openssl', 'nss', 'mbedtls'], value: 'openssl')
option('crypto-library-kdf', type: 'feature', value: 'auto')
option('tests', type: 'feature', value: 'disabled')
EOF

write_subproject usrsctp <<'EOF'
project('usrsctp', 'c')
usrsctp_dep = dependency('usrsctp')
usrsctp = static_library('ms_usrsctp_placeholder', 'placeholder.c')
EOF
cat >"$sub/usrsctp/meson_options.txt" <<'EOF'
option('sctp_build_programs', type: 'boolean', value: false)
EOF

write_subproject abseil-cpp <<'EOF'
project('abseil-cpp', ['c', 'cpp'])
absl_container_dep = declare_dependency(dependencies: [
  dependency('absl_flat_hash_map'),
  dependency('absl_flat_hash_set'),
  dependency('absl_inlined_vector'),
])
absl_strings_dep = dependency('absl_strings')
absl_types_dep = declare_dependency(dependencies: [
  dependency('absl_optional'),
  dependency('absl_variant'),
  dependency('absl_span'),
])
absl_container_lib = static_library('ms_absl_container_placeholder', 'placeholder.c')
EOF

# Catch2 is only used by the worker's unit-test targets, which we do not build.
write_subproject catch2 <<'EOF'
project('catch2', 'cpp')
catch2_dep = declare_dependency()
EOF

# --- configure and build --------------------------------------------------------------------
jobs="${MEDIASOUP_BUILD_JOBS:-$(nproc 2>/dev/null || echo 2)}"
start=$(date +%s)
( cd "$src" && meson setup B --buildtype=release --wrap-mode=nodownload ) >&2 \
  || die "meson setup failed (see output above)"
ninja -C "$src/B" -j "$jobs" mediasoup-worker >&2 \
  || die "ninja build of mediasoup-worker failed (see output above)"
built="$src/B/mediasoup-worker"
[[ -x "$built" ]] || die "build finished but $built is missing"

if command -v ldd >/dev/null 2>&1; then
  if ldd "$built" | grep -q 'not found'; then
    ldd "$built" >&2
    die "built worker has unresolved shared libraries (see ldd output above)"
  fi
fi

# Atomic install: a concurrent reader never sees a half-written binary.
tmp_bin="$cache_dir/.mediasoup-worker.tmp.$$"
cp "$built" "$tmp_bin"
chmod 0755 "$tmp_bin"
mv -f "$tmp_bin" "$bin"
log "built in $(( $(date +%s) - start ))s: $bin"

printf '%s\n' "$bin"
