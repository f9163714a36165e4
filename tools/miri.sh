#!/usr/bin/env bash
# Runs tests/miri_kernels.rs (every path of the matrix kernels, src/kernels/) under Miri, in
# two configurations, and the Cortex-M0 kernels' Miri test (`--lib
# kernels::cortex_m::tests::miri`: the Cortex-M4F's are `asm!`, which Miri cannot run) with
# the tests of `A B^T` (`kernels::cortex_m::nt`) and the lean step's ordered products, all
# concurrently (Miri runs one test at a time on one core):
# - portable: default flags. Miri reports no AVX2, so the dispatch takes the portable path;
# - avx2: RUSTFLAGS="-C target-feature=+avx2,+fma". `is_x86_feature_detected!` is then true at
#   compile time, so the dispatch takes the AVX2 + FMA kernel of src/kernels/x86.rs, and Miri
#   interprets its intrinsics.
# MIRIFLAGS: -Zmiri-strict-provenance (no integer-to-pointer casts anywhere in the kernels or
# the test), with Miri's default Stacked Borrows aliasing checks and validity checks.
#
#   tools/miri.sh     # from anywhere in the repository; about 6 minutes on 2 cores
#
# Each configuration has its own target directory (under $CARGO_TARGET_DIR, else target/), so
# that the RUSTFLAGS of one do not rebuild the other. Needs the nightly toolchain with the
# `miri` and `rust-src` components: if missing, tries to add them with rustup; if that fails,
# prints a MIRI SKIPPED banner and exits 0. Any Miri error, failed test or test that Miri does
# not run exits non-zero.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

skipped() {
  printf '\n%s\n' "################################################################"
  printf '%s\n' "# MIRI SKIPPED: $*"
  printf '%s\n' "# The kernels' unsafe code was NOT checked under Miri."
  printf '%s\n\n' "################################################################"
  exit 0
}

if ! cargo +nightly miri --version >/dev/null 2>&1; then
  echo "miri: 'cargo +nightly miri' is not available; trying to add it:"
  echo "  rustup component add --toolchain nightly miri rust-src"
  if ! rustup component add --toolchain nightly miri rust-src </dev/null; then
    skipped "the nightly toolchain with miri and rust-src could not be installed"
  fi
  cargo +nightly miri --version >/dev/null 2>&1 \
    || skipped "'cargo +nightly miri' still does not run after installing the components"
fi
echo "miri: $(cargo +nightly miri --version) on $(rustc +nightly --version)"

BASE=${CARGO_TARGET_DIR:-$ROOT/target}
case "$BASE" in /*) ;; *) BASE="$ROOT/$BASE" ;; esac
export MIRIFLAGS="${MIRIFLAGS:--Zmiri-strict-provenance}"
echo "miri: MIRIFLAGS=$MIRIFLAGS"

# The sysroot first, once (the two runs below would otherwise both build it).
cargo +nightly miri setup </dev/null >/dev/null

LOGS=$(mktemp -d)
trap 'rm -rf "$LOGS"' EXIT
start=$SECONDS

# run NAME TARGET_DIR RUSTFLAGS TEST_ARGS...: one configuration, in the background, into
# $LOGS/NAME.log.
run() {
  (
    t0=$SECONDS
    status=0
    CARGO_TARGET_DIR="$2" RUSTFLAGS="$3" \
      cargo +nightly miri test "${@:4}" </dev/null >"$LOGS/$1.log" 2>&1 || status=$?
    echo "miri: $1: exit status $status after $((SECONDS - t0)) s" >>"$LOGS/$1.log"
    exit "$status"
  ) &
}

run portable "$BASE" "" --test miri_kernels
pid_portable=$!
run avx2 "$BASE/miri-avx2" "-C target-feature=+avx2,+fma" --test miri_kernels
pid_avx2=$!
run cortex_m "$BASE/miri-cortex-m" "" --lib -- kernels::cortex_m::tests::miri kernels::cortex_m::nt:: \
  kernels::ordered::
pid_cortex_m=$!

ok=true
for name in portable avx2 cortex_m; do
  pid_var="pid_$name"
  if ! wait "${!pid_var}"; then ok=false; fi
  case $name in
    portable) what='default flags: the dispatch takes the portable path' ;;
    avx2) what='RUSTFLAGS="-C target-feature=+avx2,+fma": the dispatch takes the AVX2 + FMA path' ;;
    cortex_m) what='the Cortex-M0 kernels (built for the host in tests): every remainder, small shapes; A B^T (nt) and the ordered products of the lean step' ;;
  esac
  printf '\n=== miri: %s (%s)\n' "$name" "$what"
  # Compilation noise out; the test lines, any Miri error and the summary in.
  grep -vE '^\s+(Compiling|Checking|Preparing|Fresh|Blocking)|^warning: .*(dependency|Cargo)' \
    "$LOGS/$name.log" | tail -n 60
  if ! grep -qE '^test result: ok\. [1-9][0-9]* passed; 0 failed' "$LOGS/$name.log"; then
    ok=false
  fi
done
printf '\nmiri: the three configurations took %d s\n' "$((SECONDS - start))"
$ok || { echo "miri: FAILED" >&2; exit 1; }
echo "miri: all kernel paths passed under Miri (portable, AVX2 + FMA, Cortex-M0 on the host)"
