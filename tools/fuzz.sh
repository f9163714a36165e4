#!/usr/bin/env bash
# Runs the cargo-fuzz targets in fuzz/ (weights_loader, csv_parser, train_step, int8_loader), each for a
# fixed time, starting from the committed seeds (fuzz/seeds/<target>) and crash regressions
# (fuzz/regressions/<target>). Fails (exit 1) if any target crashes.
#
#   tools/fuzz.sh           # 60 s per target, from anywhere in the repository
#   tools/fuzz.sh 300       # 300 s per target
#   FUZZ_TARGETS="csv_parser" tools/fuzz.sh 30
#
# Needs a nightly toolchain (`cargo +nightly`; rust-toolchain.toml's pin is overridden). Without
# one it prints a FUZZ SKIPPED banner and exits 0, as it does if cargo-fuzz is missing and
# cannot be installed (`cargo install cargo-fuzz --locked`, about a minute on 2 cores).
# One fuzz process at a time, no -fork: it uses one core. No stdin needed.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
FUZZ="$ROOT/fuzz"
SECONDS_PER_TARGET=${1:-60}
TARGETS=${FUZZ_TARGETS:-weights_loader csv_parser train_step int8_loader}
CARGO_FUZZ_VERSION=${CARGO_FUZZ_VERSION:-0.13.2}
RSS_LIMIT_MB=2048

case "$SECONDS_PER_TARGET" in
  '' | *[!0-9]*) echo "usage: $0 [seconds-per-target]" >&2; exit 2 ;;
esac

step() { printf '\n=== fuzz: %s\n' "$*"; }
skipped() {
  printf '\n%s\n' '########################################################################'
  printf '#### FUZZ SKIPPED: %s\n' "$*"
  printf '%s\n\n' '########################################################################'
  exit 0
}

if ! cargo +nightly --version >/dev/null 2>&1; then
  skipped "no nightly toolchain (rustup toolchain install nightly)"
fi
step "$(cargo +nightly --version)"

if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  step "installing cargo-fuzz $CARGO_FUZZ_VERSION"
  start=$(date +%s)
  if ! cargo +nightly install cargo-fuzz --locked --version "$CARGO_FUZZ_VERSION" </dev/null; then
    skipped "cargo-fuzz is missing and 'cargo install cargo-fuzz --locked' failed"
  fi
  echo "cargo-fuzz installed in $(($(date +%s) - start)) s"
fi
step "$(cargo +nightly fuzz --version)"

cd "$FUZZ"
step "build (release, ASan, coverage instrumentation)"
start=$(date +%s)
cargo +nightly fuzz build </dev/null
echo "built in $(($(date +%s) - start)) s"

LOGS=$(mktemp -d "${TMPDIR:-/tmp}/ctensor-fuzz.XXXXXX")
summary=()
failed=0
for target in $TARGETS; do
  step "$target for ${SECONDS_PER_TARGET} s"
  # The first directory receives new inputs (fuzz/corpus is not committed); the others are
  # read only.
  dirs=("corpus/$target")
  mkdir -p "corpus/$target"
  for d in "seeds/$target" "regressions/$target"; do
    if [ -d "$d" ]; then dirs+=("$d"); fi
  done
  log="$LOGS/$target.log"
  start=$(date +%s)
  status=0
  cargo +nightly fuzz run "$target" "${dirs[@]}" -- \
    -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb="$RSS_LIMIT_MB" \
    </dev/null >"$log" 2>&1 || status=$?
  took=$(($(date +%s) - start))
  runs=$(sed -n 's/^Done \([0-9]*\) runs in .*/\1/p' "$log" | tail -n 1)
  corpus=$(find "corpus/$target" -type f | wc -l)
  if [ "$status" = 0 ] && [ -n "$runs" ]; then
    summary+=("$(printf '%-15s ok     %10s runs in %4s s, corpus %s' "$target" "$runs" "$took" "$corpus")")
  else
    failed=$((failed + 1))
    artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
    summary+=("$(printf '%-15s CRASH  after %s s: %s' "$target" "$took" "${artifact:-no artifact, exit $status}")")
    echo "--- $target failed (exit $status); the panic and the input:"
    grep -A 3 -m 1 -E "panicked at|ERROR: (AddressSanitizer|libFuzzer)" "$log" || tail -n 30 "$log"
    if [ -n "$artifact" ] && [ -f "$artifact" ]; then
      cargo +nightly fuzz fmt "$target" "$artifact" </dev/null 2>&1 | sed -n '/^Output of/,$p' | head -n 60 || true
      echo "reproduce: (cd fuzz && cargo +nightly fuzz run $target $artifact)"
    fi
    echo "full log: $log"
  fi
done

step "summary"
printf '%s\n' "${summary[@]}"
total=$(printf '%s\n' $TARGETS | wc -l)
echo "fuzz targets: $((total - failed)) passed, $failed failed"
[ "$failed" = 0 ]
