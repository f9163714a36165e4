#!/usr/bin/env bash
# Builds the firmware for the Cortex-M4F (QEMU mps2-an386) and the Cortex-M0 (QEMU microbit),
# runs each image in QEMU, and prints the cost table of f32 inference for every shape listed
# (instructions per inference and per multiply-add, sizes, stack), and of the MLPerf Tiny
# autoencoder on the Cortex-M4F.
#
#   tools/firmware.sh            # from anywhere in the repository
#
# What it checks (any failure exits non-zero):
# - `digits`: the main job's model (models/digits.bin) and the 64-32-10 model classify 40 test
#   digits as the host does (exit status of the firmware);
# - `train`: on-device SGD, loss going down, weights within tolerance of the host's;
# - `kernel_check`: the Cortex-M one-sample kernels (`Mlp::logits`, `Dense` through `Seq`)
#   equal a plain reference bit for bit, for every row and column remainder and inputs with
#   zeros, infinities and NaN;
# - `cost`: Mlp<12,6,3>, <30,16,1>, <10,8,1>, <20,20,3>, <64,32,10> (random weights) give
#   the host's logits bit for bit, the digits model the host's classes;
# - `deep` (Cortex-M4F): the autoencoder 640-128x4-8-128x4-640, weights in flash, gives the
#   host's 640 outputs bit for bit;
# - `train_cost` (both boards): lean SGD steps (`Mlp::train_step_lean`) of Mlp<64, 32, 10> at
#   B = 8 lower the loss and give the host's losses and weights bit for bit, its network and
#   workspace within the micro:bit's 16 KiB of RAM; `train_cost_full` (Cortex-M4F, 22.7 KB of
#   static RAM): the general step (`Mlp::train_step`) lowers the loss;
# - `minimal`: the project from zero of examples/firmware/README.md, verbatim, prints its class;
# - `cost`, `digits` (inference) and `train` (the on-device training step: forward, backward,
#   SGD update) are built with `panic-is-link-error`: they link only if no panic is reachable;
#   `panic_probe`, which has one, must not link with it (negative control);
# - the numbers of the table, against the targets: instructions per multiply-add (one
#   inference call / its multiply-adds) <= 1.5 on the M4F (<= 2.0 below 500 multiply-adds)
#   and <= 100 on the M0 for every shape (random weights and inputs included); <= 6 KiB of
#   .text on the M4F, <= 512 B of stack for the cost image, no heap; int8 inference (its own
#   block at the end): <= 1.5 instructions per multiply-add on the M4F and <= 5 on the M0
#   where met (64-32-10, the 640 x 128 layer, the autoencoder; 61-29-3 on the M0), the other
#   int8 shapes reported as open and held to a regression limit each.
#
# Installs what is missing, idempotently (needs root or sudo for apt): the two rustup targets,
# qemu-system-arm (apt, --no-install-recommends), gcc (for the QEMU plugin), and LLVM's
# llvm-size/llvm-objdump (from PATH, else rustup's llvm-tools component). No stdin needed.
# Builds into $CARGO_TARGET_DIR if set (relative to examples/firmware), else
# examples/firmware/target.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
FW="$ROOT/examples/firmware"
TARGET_DIR=${CARGO_TARGET_DIR:-$FW/target}
case "$TARGET_DIR" in /*) ;; *) TARGET_DIR="$FW/$TARGET_DIR" ;; esac
TIMEOUT=${FIRMWARE_TIMEOUT:-120}
M4F=thumbv7em-none-eabihf
M0=thumbv6m-none-eabi

step() { printf '\n=== firmware: %s\n' "$*"; }
fail() { printf 'firmware: FAILED: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    fail "need root (or sudo) to run: $*"
  fi
}

apt_install() { # packages...
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" </dev/null
}

step "tools"
cd "$FW" # rust-toolchain.toml (the repository's) and .cargo/config.toml (the firmware's) apply
rustup target add "$M4F" "$M0" </dev/null
command -v qemu-system-arm >/dev/null || apt_install qemu-system-arm
command -v gcc >/dev/null || apt_install gcc libc6-dev
qemu-system-arm --version | head -1

# llvm-size and llvm-objdump: Debian's, or the ones of the pinned toolchain.
LLVM_SIZE=$(command -v llvm-size || true)
LLVM_OBJDUMP=$(command -v llvm-objdump || true)
if [ -z "$LLVM_SIZE" ] || [ -z "$LLVM_OBJDUMP" ]; then
  rustup component add llvm-tools </dev/null
  LLVM_BIN="$(rustc --print sysroot)/lib/rustlib/$(rustc -vV | sed -n 's/^host: //p')/bin"
  LLVM_SIZE="$LLVM_BIN/llvm-size"
  LLVM_OBJDUMP="$LLVM_BIN/llvm-objdump"
fi
export LLVM_OBJDUMP

step "formatting, and the host tool that regenerates the 64-32-10 model still builds"
if cargo fmt --version >/dev/null 2>&1; then
  cargo fmt --check
  (cd "$ROOT/tools/train-small-digits" && cargo fmt --check)
fi
# From its own folder: the firmware's .cargo/config.toml (thumb target) must not apply.
(cd "$ROOT/tools/train-small-digits" && cargo check --quiet </dev/null)

step "the README's project from zero is src/bin/minimal.rs, verbatim"
# The rust block after the marker line in examples/firmware/README.md.
mkdir -p "$TARGET_DIR"
awk '/^<!-- src\/bin\/minimal.rs -->$/ { m = 1; next } m == 1 && /^```rust$/ { m = 2; next }
     m == 2 && /^```$/ { exit } m == 2 { print }' "$FW/README.md" >"$TARGET_DIR/readme_minimal.rs"
diff -u "$FW/src/bin/minimal.rs" "$TARGET_DIR/readme_minimal.rs" \
  || fail "examples/firmware/README.md's project from zero differs from src/bin/minimal.rs"
echo "same"

PLUGIN_DIR="$TARGET_DIR/qemu-insncount"
mkdir -p "$PLUGIN_DIR"
gcc -shared -fPIC -O2 -o "$PLUGIN_DIR/libinsncount.so" "$ROOT/tools/qemu-insncount/insncount.c"

declare -A QEMU_ARGS=(
  [$M4F]="-machine mps2-an386 -cpu cortex-m4"
  [$M0]="-machine microbit"
)
declare -A BOARD=([$M4F]="Cortex-M4F" [$M0]="Cortex-M0")

# run TARGET BIN: runs an image in QEMU with no stdin, under timeout; prints its output.
run() {
  local elf="$TARGET_DIR/$1/release/$2"
  # shellcheck disable=SC2086
  timeout "$TIMEOUT" qemu-system-arm ${QEMU_ARGS[$1]} -display none -monitor none -serial null \
    -semihosting-config enable=on,target=native -kernel "$elf" </dev/null \
    || fail "$2 on ${BOARD[$1]} exited with status $?"
}

# The shapes of the table (D_H_K) and their multiply-adds (D H + H K); `cost` has an
# `infer_D_H_K` for each (and `infer_digits`, the digits model, Mlp<64, 32, 10>).
SHAPES=(12_6_3 10_8_1 20_20_3 30_16_1 64_32_10 digits)
declare -A MACS=([12_6_3]=90 [10_8_1]=88 [20_20_3]=460 [30_16_1]=496 [64_32_10]=2368 [digits]=2368)
DEEP_MACS=$((640 * 128 + 3 * 128 * 128 + 128 * 8 + 8 * 128 + 3 * 128 * 128 + 128 * 640))

# count TARGET ELF SYMBOL: sets COUNT to the mean instructions per call of SYMBOL.
count() {
  local out windows
  # shellcheck disable=SC2086
  out=$(PLUGIN="$PLUGIN_DIR/libinsncount.so" timeout "$TIMEOUT" \
    "$ROOT/tools/qemu-insncount/count-insns.sh" "$2" "$3" ${QEMU_ARGS[$1]} </dev/null 2>&1) \
    || { printf '%s\n' "$out"; fail "$3 on ${BOARD[$1]}"; }
  COUNT=$(printf '%s\n' "$out" | sed -n 's/.*insncount:.* per_window=\([0-9]*\).*/\1/p')
  windows=$(printf '%s\n' "$out" | sed -n 's/.*insncount:.* windows=\([0-9]*\) .*/\1/p')
  [ "${windows:-0}" -ge 1 ] || fail "the instruction counter saw no call of $3 on ${BOARD[$1]}"
}

declare -A TEXT RODATA DATA BSS INSNS STACK TRAIN_INSNS TRAIN_RAM TRAIN_STACK
for target in "$M4F" "$M0"; do
  step "build for ${BOARD[$target]} ($target)"
  # The inference images and the training image: any reachable panic is a link error.
  # The autoencoder (1 MiB of weights) and the general training step of Mlp<64, 32, 10> at
  # B = 8 (22.7 KB of static RAM) fit only the M4F board (the micro:bit: 256 KiB / 16 KiB);
  # the lean step (`train_cost`) fits both.
  deep=()
  [ "$target" = "$M4F" ] && deep=(--bin deep --bin train_cost_full)
  cargo build --release --target "$target" --features panic-is-link-error \
    --bin cost --bin digits --bin train --bin train_cost "${deep[@]}" </dev/null \
    || fail "panic-free build (inference and training) for $target (a link error naming error_a_panic_is_reachable_in_this_firmware means a panic is reachable)"
  echo "cost, digits${deep[*]:+, deep} (inference) and train, train_cost${deep[*]:+, train_cost_full} (training steps) link with panic-is-link-error: no reachable panic"
  mkdir -p "$TARGET_DIR"
  if cargo build --release --target "$target" --features panic-is-link-error --bin panic_probe \
    </dev/null >"$TARGET_DIR/panic_probe.log" 2>&1; then
    fail "panic_probe linked with panic-is-link-error: the panic-free check proves nothing"
  fi
  grep -q error_a_panic_is_reachable_in_this_firmware "$TARGET_DIR/panic_probe.log" \
    || { cat "$TARGET_DIR/panic_probe.log"; fail "panic_probe failed to build for another reason"; }
  echo "panic_probe (a reachable panic) does not link with panic-is-link-error, as it must"
  cargo build --release --target "$target" --bin kernel_check --bin minimal </dev/null

  step "digits on ${BOARD[$target]}"
  run "$target" digits
  step "train on ${BOARD[$target]}"
  run "$target" train
  step "kernel_check on ${BOARD[$target]}"
  run "$target" kernel_check
  step "minimal (the README's project from zero) on ${BOARD[$target]}"
  out=$(run "$target" minimal)
  printf '%s\n' "$out"
  [ "$out" = "class 2" ] || fail "minimal on ${BOARD[$target]} printed '$out', not 'class 2'"

  step "cost on ${BOARD[$target]}"
  out=$(run "$target" cost)
  printf '%s\n' "$out"
  STACK[$target]=$(printf '%s\n' "$out" | sed -n 's/.*max stack \([0-9]*\) B.*/\1/p')
  elf="$TARGET_DIR/$target/release/cost"
  for shape in "${SHAPES[@]}"; do
    count "$target" "$elf" "infer_$shape"
    INSNS[$target,$shape]=$COUNT
  done
  sizes=$("$LLVM_SIZE" -A "$elf")
  section() { printf '%s\n' "$sizes" | awk -v s="$1" '$1 == s { print $2 }'; }
  TEXT[$target]=$(section .text)
  RODATA[$target]=$(section .rodata)
  DATA[$target]=$(section .data)
  BSS[$target]=$(section .bss)
  # Zero heap: no allocator in the image.
  if "$LLVM_OBJDUMP" -t "$elf" | grep -qE '__rust_alloc|__rg_alloc|__rust_no_alloc_shim'; then
    fail "the cost image of ${BOARD[$target]} links an allocator"
  fi

  if [ "$target" = "$M4F" ]; then
    step "deep (the autoencoder) on ${BOARD[$target]}"
    out=$(run "$target" deep)
    printf '%s\n' "$out"
    DEEP_STACK=$(printf '%s\n' "$out" | sed -n 's/.*max stack \([0-9]*\) B.*/\1/p')
    elf="$TARGET_DIR/$target/release/deep"
    count "$target" "$elf" infer_autoencoder
    DEEP_INSNS=$COUNT
    sizes=$("$LLVM_SIZE" -A "$elf")
    DEEP_TEXT=$(section .text)
    DEEP_RODATA=$(section .rodata)

    step "train_cost_full (Mlp::train_step of Mlp<64, 32, 10>, B = 8) on ${BOARD[$target]}"
    out=$(run "$target" train_cost_full)
    printf '%s\n' "$out"
    FULL_STACK=$(printf '%s\n' "$out" | sed -n 's/.*max stack \([0-9]*\) B.*/\1/p')
    elf="$TARGET_DIR/$target/release/train_cost_full"
    count "$target" "$elf" train_step_full_64_32_10
    FULL_INSNS=$COUNT
    sizes=$("$LLVM_SIZE" -A "$elf")
    FULL_RAM=$(($(section .data) + $(section .bss)))
  fi

  # The lean training step on both boards: exits non-zero unless the loss goes down and the
  # losses and weights are the host's bit for bit.
  step "train_cost (Mlp::train_step_lean of Mlp<64, 32, 10>, B = 8) on ${BOARD[$target]}"
  out=$(run "$target" train_cost)
  printf '%s\n' "$out"
  TRAIN_STACK[$target]=$(printf '%s\n' "$out" | sed -n 's/.*max stack \([0-9]*\) B.*/\1/p')
  elf="$TARGET_DIR/$target/release/train_cost"
  count "$target" "$elf" train_step_lean_64_32_10
  TRAIN_INSNS[$target]=$COUNT
  sizes=$("$LLVM_SIZE" -A "$elf")
  TRAIN_RAM[$target]=$(($(section .data) + $(section .bss)))
done

step "cost of f32 inference (tools/firmware.sh)"
# per_mac INSNS MACS: instructions per multiply-add, two decimals.
per_mac() { awk -v i="$1" -v m="$2" 'BEGIN { printf "%.2f", i / m }'; }
row() { printf '| %-34s | %7s | %10s | %6s | %10s | %6s |\n' "$@"; }
row "f32 inference, one call" "MACs" "M4F insns" "/MAC" "M0 insns" "/MAC"
row "----------------------------------" "------:" "---------:" "-----:" "---------:" "-----:"
ok=true
for shape in "${SHAPES[@]}"; do
  m=${MACS[$shape]}
  a=${INSNS[$M4F,$shape]}
  b=${INSNS[$M0,$shape]}
  if [ "$shape" = digits ]; then name="Mlp<64, 32, 10>, 40 test digits"; else
    IFS=_ read -r d h k <<<"$shape"
    name="Mlp<$d, $h, $k>, random weights"
  fi
  row "$name" "$m" "$a" "$(per_mac "$a" "$m")" "$b" "$(per_mac "$b" "$m")"
  limit=150
  [ "$m" -lt 500 ] && limit=200
  if [ $((a * 100)) -gt $((limit * m)) ]; then
    printf 'firmware: target missed: M4F %s: %s instructions per MAC > %s\n' "$name" \
      "$(per_mac "$a" "$m")" "$(per_mac "$limit" 100)" >&2
    ok=false
  fi
  if [ "$b" -gt $((100 * m)) ]; then
    printf 'firmware: target missed: M0 %s: %s instructions per MAC > 100\n' "$name" \
      "$(per_mac "$b" "$m")" >&2
    ok=false
  fi
done
row "autoencoder 640-128x4-8-128x4-640" "$DEEP_MACS" "$DEEP_INSNS" "$(per_mac "$DEEP_INSNS" "$DEEP_MACS")" "-" "-"
if [ $((DEEP_INSNS * 100)) -gt $((150 * DEEP_MACS)) ]; then
  printf 'firmware: target missed: M4F autoencoder: %s instructions per MAC > 1.50\n' \
    "$(per_mac "$DEEP_INSNS" "$DEEP_MACS")" >&2
  ok=false
fi
echo
row2() { printf '| %-40s | %10s | %10s | %-14s |\n' "$@"; }
row2 "image" "Cortex-M4F" "Cortex-M0" "target"
row2 "----------------------------------------" "---------:" "---------:" "--------------"
row2 "cost (all shapes): .text (B)" "${TEXT[$M4F]}" "${TEXT[$M0]}" "<= 6,144 (M4F)"
row2 "cost: .rodata (B; the models and inputs)" "${RODATA[$M4F]}" "${RODATA[$M0]}" ""
row2 "cost: .data / .bss (B)" "${DATA[$M4F]} / ${BSS[$M4F]}" "${DATA[$M0]} / ${BSS[$M0]}" ""
row2 "cost: max stack (B)" "${STACK[$M4F]}" "${STACK[$M0]}" "<= 512"
row2 "cost: heap (B)" "0" "0" "0"
row2 "deep: .text (B)" "$DEEP_TEXT" "-" ""
row2 "deep: .rodata, flash (B; weights file)" "$DEEP_RODATA" "-" "<= 4 MiB"
row2 "deep: max stack (B)" "$DEEP_STACK" "-" ""
row2 "train_cost (lean step): insns per step" "${TRAIN_INSNS[$M4F]}" "${TRAIN_INSNS[$M0]}" ""
row2 "train_cost: static RAM, .data + .bss (B)" "${TRAIN_RAM[$M4F]}" "${TRAIN_RAM[$M0]}" ""
row2 "train_cost: max stack (B)" "${TRAIN_STACK[$M4F]}" "${TRAIN_STACK[$M0]}" ""
row2 "train_cost: static RAM + stack (B)" "$((${TRAIN_RAM[$M4F]} + ${TRAIN_STACK[$M4F]}))" \
  "$((${TRAIN_RAM[$M0]} + ${TRAIN_STACK[$M0]}))" "<= 16,384 (M0)"
row2 "train_cost_full (train_step): insns/step" "$FULL_INSNS" "-" ""
row2 "train_cost_full: static RAM (B)" "$FULL_RAM" "-" ""
row2 "train_cost_full: max stack (B)" "$FULL_STACK" "-" ""

check() { # description, value, limit
  if [ -z "$2" ] || [ "$2" -gt "$3" ]; then
    printf 'firmware: target missed: %s = %s > %s\n' "$1" "${2:-?}" "$3" >&2
    ok=false
  fi
}
check "M4F .text" "${TEXT[$M4F]}" 6144
check "M4F max stack" "${STACK[$M4F]}" 512
check "M0 max stack" "${STACK[$M0]}" 512
check "M0 train_cost static RAM + stack" "$((${TRAIN_RAM[$M0]} + ${TRAIN_STACK[$M0]}))" 16384
$ok || fail "cost targets"
step "all firmware checks passed"

# ---- issue 10: a PyTorch-trained model on both boards (safetensors converted by build.rs) ----
# build.rs converts models/pytorch/digits.safetensors into the network's weights file in
# OUT_DIR (a file of another architecture fails the build) and checks the host's predictions
# against PyTorch's; `pytorch_digits` must link with no reachable panic and, in QEMU, predict
# what the host (and PyTorch) predicts on the 40 embedded digits (its exit status).
for target in "$M4F" "$M0"; do
  step "pytorch_digits (PyTorch-trained, safetensors -> flash at build time) on ${BOARD[$target]}"
  cargo build --release --target "$target" --features panic-is-link-error --bin pytorch_digits \
    </dev/null || fail "panic-free build of pytorch_digits for $target"
  run "$target" pytorch_digits
done
step "pytorch_digits passed on both boards"

# ==== int8 inference (issue 11) ====================================================== #
# A separate block, additive: the firmware's Mlp<64, 32, 10> quantized on the host
# (examples/firmware/models/digits-64-32-10-int8.bin, from tests/int8_digits.rs) runs on
# both boards (int8_cost, built with panic-is-link-error); the CRC-32 of its int8 logits on
# the 40 embedded digits must equal the host's (bit-identity); int8_kernel_check compares
# the board's int8 kernel (M4: SMLAD asm; M0: Thumb-1 asm) with a plain reference on input
# and output widths of every remainder; prints instructions per inference and per
# multiply-add, flash and stack next to the f32 numbers above.
step "int8: host reference (tests/int8_digits.rs)"
host_crc=$(cd "$ROOT" && cargo test --quiet --test int8_digits -- --nocapture </dev/null 2>&1 \
  | sed -n 's/.*int8 logits crc32 \(0x[0-9a-f]*\).*/\1/p')
[ -n "$host_crc" ] || fail "int8: no host CRC from tests/int8_digits.rs"
echo "host int8 logits crc32 $host_crc"
INT8_MACS=$((64 * 32 + 32 * 10))
declare -A I8_INSNS I8_TEXT I8_RODATA I8_STACK
for target in "$M4F" "$M0"; do
  step "int8_cost on ${BOARD[$target]}"
  cargo build --release --target "$target" --features panic-is-link-error --bin int8_cost </dev/null \
    || fail "int8_cost panic-free build for $target"
  cargo build --release --target "$target" --bin int8_kernel_check </dev/null
  step "int8_kernel_check on ${BOARD[$target]} (the target's int8 kernel vs a plain reference, every remainder)"
  run "$target" int8_kernel_check
  elf="$TARGET_DIR/$target/release/int8_cost"
  # shellcheck disable=SC2086
  out=$(PLUGIN="$PLUGIN_DIR/libinsncount.so" timeout "$TIMEOUT" \
    "$ROOT/tools/qemu-insncount/count-insns.sh" "$elf" infer_int8 ${QEMU_ARGS[$target]} </dev/null 2>&1) \
    || { printf '%s\n' "$out"; fail "int8_cost on ${BOARD[$target]}"; }
  printf '%s\n' "$out"
  dev_crc=$(printf '%s\n' "$out" | sed -n 's/.*int8 logits crc32 \(0x[0-9a-f]*\).*/\1/p')
  [ "$dev_crc" = "$host_crc" ] || fail "int8 logits on ${BOARD[$target]} ($dev_crc) differ from the host's ($host_crc)"
  echo "int8 logits on ${BOARD[$target]} are bit-identical to the host's"
  I8_INSNS[$target]=$(printf '%s\n' "$out" | sed -n 's/.*insncount:.* per_window=\([0-9]*\).*/\1/p')
  I8_STACK[$target]=$(printf '%s\n' "$out" | sed -n 's/.*max stack \([0-9]*\) B.*/\1/p')
  sizes=$("$LLVM_SIZE" -A "$elf")
  I8_TEXT[$target]=$(printf '%s\n' "$sizes" | awk '$1 == ".text" { print $2 }')
  I8_RODATA[$target]=$(printf '%s\n' "$sizes" | awk '$1 == ".rodata" { print $2 }')
done
# Other shapes: QDense<61, 29> (every remainder) and QDense<640, 128> (MLPerf Tiny
# autoencoder's first layer), weights made by a const fn, checked on the device.
declare -A I8_ODD I8_WIDE
for target in "$M4F" "$M0"; do
  step "int8_shapes on ${BOARD[$target]}"
  cargo build --release --target "$target" --bin int8_shapes </dev/null
  elf="$TARGET_DIR/$target/release/int8_shapes"
  for sym in infer_odd infer_wide; do
    # shellcheck disable=SC2086
    out=$(PLUGIN="$PLUGIN_DIR/libinsncount.so" timeout "$TIMEOUT" \
      "$ROOT/tools/qemu-insncount/count-insns.sh" "$elf" "$sym" ${QEMU_ARGS[$target]} </dev/null 2>&1) \
      || { printf '%s\n' "$out"; fail "int8_shapes ($sym) on ${BOARD[$target]}"; }
    printf '%s\n' "$out"
    n=$(printf '%s\n' "$out" | sed -n 's/.*insncount:.* per_window=\([0-9]*\).*/\1/p')
    if [ "$sym" = infer_odd ]; then I8_ODD[$target]=$n; else I8_WIDE[$target]=$n; fi
  done
done
per() { awk -v n="$1" -v m="$2" 'BEGIN { printf "%.2f", n / m }'; }
step "int8 dense layers of other shapes: instructions per call (per multiply-add)"
# Own table printer: this block does not depend on the column layout of the f32 tables.
i8row() { printf '| %-46s | %14s | %14s | %-28s |\n' "$@"; }
i8row "" "Cortex-M4F" "Cortex-M0" "CMSIS-NN (issue 11)"
i8row "----------------------------------------------" "--------------" "--------------" "----------------------------"
i8row "QDense<61, 29> (1,769 MACs)" "${I8_ODD[$M4F]} ($(per "${I8_ODD[$M4F]}" 1769))" "${I8_ODD[$M0]} ($(per "${I8_ODD[$M0]}" 1769))" ""
i8row "QDense<640, 128> (81,920 MACs)" "${I8_WIDE[$M4F]} ($(per "${I8_WIDE[$M4F]}" 81920))" "${I8_WIDE[$M0]} ($(per "${I8_WIDE[$M0]}" 81920))" "1.95 / 6.2 per MAC"
per_mac() { case "$1" in '' | *[!0-9]*) echo "?" ;; *) awk -v n="$1" -v m="$INT8_MACS" 'BEGIN { printf "%.2f", n / m }' ;; esac; }
# The f32 numbers of the part above, whichever way it keys them (by board, or by board and
# shape); "?" if absent.
f32_of() { # array-name board
  local -n arr=$1
  printf '%s' "${arr[$2,64_32_10]:-${arr[$2]:-?}}"
}
step "int8 vs f32, Mlp<64, 32, 10> ($INT8_MACS multiply-adds; tools/firmware.sh)"
F4=$(f32_of INSNS "$M4F"); F0=$(f32_of INSNS "$M0")
i8row "" "Cortex-M4F" "Cortex-M0" ""
i8row "----------------------------------------------" "--------------" "--------------" "----------------------------"
i8row "f32: instructions per inference" "$F4" "$F0" ""
i8row "int8: instructions per inference" "${I8_INSNS[$M4F]}" "${I8_INSNS[$M0]}" ""
i8row "f32: instructions per multiply-add" "$(per_mac "$F4")" "$(per_mac "$F0")" ""
i8row "int8: instructions per multiply-add" "$(per_mac "${I8_INSNS[$M4F]}")" "$(per_mac "${I8_INSNS[$M0]}")" "<= 1.5 / <= 5; CMSIS 2.87/8.1"
i8row "f32 model in flash (B, file)" "$(stat -c %s "$FW/models/digits-64-32-10.bin")" "" ""
i8row "int8 model in flash (B, file)" "$(stat -c %s "$FW/models/digits-64-32-10-int8.bin")" "" ""
i8row "f32 image (cost): .text / .rodata (B)" "$(f32_of TEXT "$M4F") / $(f32_of RODATA "$M4F")" "$(f32_of TEXT "$M0") / $(f32_of RODATA "$M0")" ""
i8row "int8 image (int8_cost): .text / .rodata (B)" "${I8_TEXT[$M4F]} / ${I8_RODATA[$M4F]}" "${I8_TEXT[$M0]} / ${I8_RODATA[$M0]}" ""
i8row "max stack (B): f32 / int8" "$(f32_of STACK "$M4F") / ${I8_STACK[$M4F]}" "$(f32_of STACK "$M0") / ${I8_STACK[$M0]}" ""
# The M4F int8 target (issue 11): <= 1.5 instructions per multiply-add. Met for
# Mlp<64, 32, 10> and QDense<640, 128>: above 1.5 fails. Not met for QDense<61, 29> (rows of
# 61 bytes are not word-aligned: two LDRs per row and pass instead of one LDRD): said
# loudly, and a regression past its limit fails.
i8ok=true
i8_target() { # name insns macs limit (per MAC x 100) [open]
  if [ $(($2 * 100)) -gt $(($4 * $3)) ]; then
    printf 'firmware: int8 M4F %s: %s instructions per MAC > %s\n' "$1" \
      "$(per "$2" "$3")" "$(per "$4" 100)" >&2
    i8ok=false
  elif [ -n "${5:-}" ] && [ $(($2 * 100)) -gt $((150 * $3)) ]; then
    printf 'firmware: TARGET NOT MET (known, open): int8 M4F %s: %s instructions per MAC > 1.50\n' \
      "$1" "$(per "$2" "$3")" >&2
  fi
}
i8_target "Mlp<64, 32, 10>" "${I8_INSNS[$M4F]}" "$INT8_MACS" 150
i8_target "QDense<61, 29>" "${I8_ODD[$M4F]}" 1769 180 open
i8_target "QDense<640, 128>" "${I8_WIDE[$M4F]}" 81920 150
$i8ok || fail "int8 M4F instructions per multiply-add"
# The Cortex-M0 int8 target (issue 11): at most 5 instructions per multiply-add (one call /
# its multiply-adds) for every shape above; a miss fails.
for shape in "Mlp<64, 32, 10>|${I8_INSNS[$M0]}|$INT8_MACS" "QDense<61, 29>|${I8_ODD[$M0]}|1769" \
  "QDense<640, 128>|${I8_WIDE[$M0]}|81920"; do
  IFS='|' read -r name n macs <<<"$shape"
  case "$n" in '' | *[!0-9]*) fail "int8: no Cortex-M0 instruction count for $name" ;; esac
  [ "$n" -le $((5 * macs)) ] \
    || fail "int8 $name on the Cortex-M0: $n instructions, $(per "$n" "$macs") per multiply-add (target <= 5)"
done
echo "int8 on the Cortex-M0: <= 5 instructions per multiply-add for Mlp<64, 32, 10> and the two layers above (met; the small shapes below: reported)"
# int8 per shape next to f32, the MLPerf Tiny autoencoder in int8 (int8_mlps, int8_deep).
# shellcheck source=tools/firmware-int8-shapes.sh
. "$ROOT/tools/firmware-int8-shapes.sh"
step "int8 firmware checks passed"
# ==== end of the int8 block (issue 11) =============================================== #
