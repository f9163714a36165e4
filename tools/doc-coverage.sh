#!/usr/bin/env bash
# Checks that every public item rustdoc expects an example of has one, and that every public
# item is documented: runs rustdoc's coverage report (nightly only)
#
#   cargo +nightly rustdoc --lib --features safetensors,typenum -- -Z unstable-options --show-coverage
#
# prints its table, and fails unless every file's line shows 100.0% in both percentage
# columns ("Documented" and "Examples"; a module doc without an example is left out of the
# Total but shows 0.0% on its file's line) and the exact counts of the report's JSON form
# (the Total, unrounded) have no item without docs or an example. It also fails if rustdoc's
# `missing_doc_code_examples` lint lists an item (the report does not count the methods of
# impls written in private modules; the lint does), and on failure lists those items.
#
#   tools/doc-coverage.sh    # from anywhere in the repository; about 20 s
#
# Honours CARGO_TARGET_DIR. Without a nightly toolchain (`cargo +nightly`) it prints a
# DOC COVERAGE SKIPPED banner and exits 0.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

if ! cargo +nightly --version >/dev/null 2>&1; then
  printf '\n%s\n' "################################################################"
  printf '%s\n' "# DOC COVERAGE SKIPPED: 'cargo +nightly' is not available"
  printf '%s\n' "# (rustup toolchain install nightly --profile minimal)."
  printf '%s\n' "# Doc and example coverage were NOT checked."
  printf '%s\n\n' "################################################################"
  exit 0
fi

FEATURES=safetensors,typenum
coverage() {
  cargo +nightly rustdoc --quiet --lib --features "$FEATURES" -- -Z unstable-options --show-coverage "$@"
}

TABLE=$(coverage)
printf '%s\n' "$TABLE"

fail=0
# The Total is checked below from the exact counts. Every file: rustdoc leaves a module without an example out of the Total (its own row
# shows 0.0%), so a module doc that loses its example would not move the Total.
LOW=$(printf '%s\n' "$TABLE" | awk -F'|' 'NF > 5 && $2 !~ /^ *(File|Total) *$/ {
  d = $4; e = $6; gsub(/ /, "", d); gsub(/ /, "", e)
  if (d != "100.0%" || e != "100.0%") print }')
if [ -n "$LOW" ]; then
  printf 'doc-coverage: files under 100.0%%:\n%s\n' "$LOW" >&2
  fail=1
fi

# The exact counts: {"src/x.rs":{"total":T,"with_docs":D,"total_examples":E,"with_examples":W},...}
JSON=$(coverage --output-format json)
COUNTS=$(printf '%s\n' "$JSON" | grep -oE '"(total|with_docs|total_examples|with_examples)":[0-9]+' |
  awk -F'[":]+' '{ sum[$2] += $3 }
    END { printf "%d %d %d %d", sum["total"], sum["with_docs"], sum["total_examples"], sum["with_examples"] }')
read -r total with_docs total_examples with_examples <<<"$COUNTS"
echo "doc-coverage: $with_docs of $total items documented, $with_examples of $total_examples with examples"
if [ "$total" -eq 0 ] || [ "$with_docs" -ne "$total" ] || [ "$with_examples" -ne "$total_examples" ]; then
  echo "doc-coverage: items without docs or without an example" >&2
  fail=1
fi

# The report leaves out the methods of inherent impls written in a private module (those of
# `Mlp` in src/nn/mlp/{infer,backward}.rs and src/nn/optim/{mlp_step,lean_step}.rs), though they are public and documented
# on the type's page; rustdoc's `missing_doc_code_examples` lint sees them (and every other
# item the report counts, but not modules): it must list nothing.
if ! LINT=$(cargo +nightly rustdoc --quiet --lib --features "$FEATURES" -- -Z unstable-options \
  -Z crate-attr='feature(rustdoc_missing_doc_code_examples)' \
  -W rustdoc::missing_doc_code_examples 2>&1); then
  printf '%s\n' "$LINT" >&2
  echo "doc-coverage: the missing_doc_code_examples run failed" >&2
  fail=1
fi
MISSING=$(printf '%s\n' "$LINT" | grep -E -A1 '^warning: missing code example' || true)
if [ -n "$MISSING" ]; then
  fail=1
fi

if [ "$fail" -ne 0 ]; then
  echo "doc-coverage: the items without an example (modules are not listed by this lint):" >&2
  printf '%s\n' "$MISSING" >&2
  echo "doc-coverage: FAILED" >&2
  exit 1
fi
echo "doc-coverage: OK (100.0% documented, 100.0% with examples)"
