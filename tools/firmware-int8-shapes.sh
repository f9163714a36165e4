# Part of tools/firmware.sh, sourced by it after its int8 block: uses its variables (ROOT,
# TARGET_DIR, M4F, M0, QEMU_ARGS, BOARD, INSNS, STACK, DEEP_*, LLVM_SIZE, TIMEOUT) and its
# functions (step, fail, count). Not a script of its own: run tools/firmware.sh.
#
# ---- int8 per shape, next to f32 (issue 11): the cost table's shapes, a shape with no ----
# dimension a multiple of 4, and the MLPerf Tiny autoencoder. int8_mlps: the random Mlps of
# `cost` and Mlp<61, 29, 3> (also run in f32 there) quantized on the host (build-int8/lib.rs,
# post-training quantization), on both boards. int8_deep: `deep`'s autoencoder quantized on
# the host, on the M4F and, as its 291 KB of int8 weights do not fit the micro:bit's 256 KiB
# of flash, as Cortex-M0 code (thumbv6m, linked by build.rs for 4 MiB of flash and the
# micro:bit's 16 KiB of RAM) on mps2-an385, a Cortex-M3 that runs the same ARMv6-M code
# instruction for instruction (checked below: the M0 int8_mlps image counts the same on both
# boards). Each image exits non-zero unless its int8 outputs equal the host's bit for bit;
# both are built with panic-is-link-error.
AN385=an385
QEMU_ARGS[$AN385]="-machine mps2-an385"
BOARD[$AN385]="Cortex-M0 code on mps2-an385 (Cortex-M3)"
declare -A Q8_INSNS Q8_FLASH Q8_STACK Q8_TEXT Q8_RODATA F32_ODD
Q8_SHAPES=(12_6_3 10_8_1 20_20_3 30_16_1 64_32_10 61_29_3)
# q8run KEY ELF: runs ELF on board KEY, prints its output and keeps it in OUT; fails on a
# non-zero exit (a wrong answer or a fault).
q8run() {
  local rc=0
  # shellcheck disable=SC2086
  OUT=$(timeout "$TIMEOUT" qemu-system-arm ${QEMU_ARGS[$1]} -display none -monitor none \
    -serial null -semihosting-config enable=on,target=native -kernel "$2" </dev/null) || rc=$?
  printf '%s\n' "$OUT"
  [ "$rc" = 0 ] || fail "$(basename "$2") on ${BOARD[$1]} exited with status $rc"
}
for target in "$M4F" "$M0"; do
  step "int8_mlps (int8 cost-table shapes, host-quantized) on ${BOARD[$target]}"
  cargo build --release --target "$target" --features panic-is-link-error --bin int8_mlps \
    </dev/null || fail "int8_mlps panic-free build for $target"
  elf="$TARGET_DIR/$target/release/int8_mlps"
  q8run "$target" "$elf"
  Q8_STACK[$target]=$(sed -n 's/.*int8 max stack \([0-9]*\) B.*/\1/p' <<<"$OUT")
  for shape in "${Q8_SHAPES[@]}"; do
    count "$target" "$elf" "infer_i8_$shape"
    Q8_INSNS[$target,$shape]=$COUNT
    Q8_FLASH[$shape]=$(sed -n "s/.*QSeq ${shape//_/-}: .* \([0-9]*\) B in flash.*/\1/p" <<<"$OUT")
  done
  count "$target" "$elf" infer_f32_61_29_3
  F32_ODD[$target]=$COUNT
  sizes=$("$LLVM_SIZE" -A "$elf")
  Q8_TEXT[$target]=$(printf '%s\n' "$sizes" | awk '$1 == ".text" { print $2 }')
  Q8_RODATA[$target]=$(printf '%s\n' "$sizes" | awk '$1 == ".rodata" { print $2 }')
done
step "the Cortex-M0 code counts the same on ${BOARD[$AN385]} as on the micro:bit"
for shape in "${Q8_SHAPES[@]}"; do
  count "$AN385" "$TARGET_DIR/$M0/release/int8_mlps" "infer_i8_$shape"
  [ "$COUNT" = "${Q8_INSNS[$M0,$shape]}" ] \
    || fail "infer_i8_$shape: $COUNT instructions on mps2-an385, ${Q8_INSNS[$M0,$shape]} on the micro:bit"
done
echo "same instruction counts for every int8_mlps shape"
for board in "$M4F" "$AN385"; do
  target=$M4F
  if [ "$board" = "$AN385" ]; then target=$M0; fi # linked for mps2-an385: build.rs, LARGE_IMAGES
  step "int8_deep (the autoencoder in int8) on ${BOARD[$board]}"
  cargo build --release --target "$target" --features panic-is-link-error --bin int8_deep \
    </dev/null || fail "int8_deep panic-free build for $target"
  elf="$TARGET_DIR/$target/release/int8_deep"
  q8run "$board" "$elf"
  Q8_STACK[$board,deep]=$(sed -n 's/.*max stack \([0-9]*\) B.*/\1/p' <<<"$OUT")
  Q8_FLASH[deep]=$(sed -n 's/.* \([0-9]*\) B in flash.*/\1/p' <<<"$OUT")
  count "$board" "$elf" infer_autoencoder_i8
  Q8_INSNS[$board,deep]=$COUNT
  sizes=$("$LLVM_SIZE" -A "$elf")
  Q8_TEXT[$board,deep]=$(printf '%s\n' "$sizes" | awk '$1 == ".text" { print $2 }')
  Q8_RODATA[$board,deep]=$(printf '%s\n' "$sizes" | awk '$1 == ".rodata" { print $2 }')
done
step "int8 per shape, one call, next to f32 (tools/firmware.sh)"
q8per() { case "$1" in '' | *[!0-9]* | -) echo "-" ;; *) awk -v n="$1" -v m="$2" 'BEGIN { printf "%.2f", n / m }' ;; esac; }
q8row() { printf '| %-36s | %6s | %9s | %9s | %5s | %9s | %9s | %6s | %9s | %7s |\n' "$@"; }
q8row "one call (insns: instructions)" "MACs" "M4F f32" "M4F int8" "/MAC" "M0 f32" "M0 int8" "/MAC" "f32 (B)" "int8 (B)"
q8row "------------------------------------" "-----:" "--------:" "--------:" "----:" "--------:" "--------:" "-----:" "--------:" "------:"
for shape in "${Q8_SHAPES[@]}"; do
  IFS=_ read -r d h k <<<"$shape"
  m=$((d * h + h * k))
  if [ "$shape" = 61_29_3 ]; then f4=${F32_ODD[$M4F]} f0=${F32_ODD[$M0]}; else
    f4=${INSNS[$M4F,$shape]:-?} f0=${INSNS[$M0,$shape]:-?}
  fi
  a=${Q8_INSNS[$M4F,$shape]} b=${Q8_INSNS[$M0,$shape]}
  q8row "Mlp<$d, $h, $k>, random weights" "$m" "$f4" "$a" "$(q8per "$a" "$m")" "$f0" "$b" \
    "$(q8per "$b" "$m")" "$((4 * (d * h + h + h * k + k)))" "${Q8_FLASH[$shape]}"
done
a=${Q8_INSNS[$M4F,deep]} b=${Q8_INSNS[$AN385,deep]}
q8row "autoencoder 640-128x4-8-128x4-640 [1]" "$DEEP_MACS" "$DEEP_INSNS" "$a" "$(q8per "$a" "$DEEP_MACS")" \
  "-" "$b" "$(q8per "$b" "$DEEP_MACS")" "$((4 * (DEEP_MACS + 4 * 128 + 8 + 4 * 128 + 640)))" "${Q8_FLASH[deep]}"
echo "[1] M0 int8: the Cortex-M0 (thumbv6m) image on mps2-an385 (Cortex-M3) for its flash: same"
echo "    instructions as the micro:bit (checked above); no f32 autoencoder on the M0 (1 MiB)."
echo "flash: the network static (weights, biases, per-channel scales and multipliers); f32: 4 B a parameter."
echo
q8row2() { printf '| %-44s | %16s | %16s |\n' "$@"; }
q8row2 "image" "Cortex-M4F" "Cortex-M0"
q8row2 "--------------------------------------------" "---------------:" "---------------:"
q8row2 "int8_mlps: .text / .rodata (B)" "${Q8_TEXT[$M4F]} / ${Q8_RODATA[$M4F]}" "${Q8_TEXT[$M0]} / ${Q8_RODATA[$M0]}"
q8row2 "int8_mlps: max stack, int8 shapes (B)" "${Q8_STACK[$M4F]}" "${Q8_STACK[$M0]}"
q8row2 "cost (f32): max stack (B)" "${STACK[$M4F]}" "${STACK[$M0]}"
q8row2 "int8_deep: .text / .rodata (B) [1]" "${Q8_TEXT[$M4F,deep]} / ${Q8_RODATA[$M4F,deep]}" \
  "${Q8_TEXT[$AN385,deep]} / ${Q8_RODATA[$AN385,deep]}"
q8row2 "deep (f32): .text / .rodata (B)" "$DEEP_TEXT / $DEEP_RODATA" "-"
q8row2 "int8_deep: max stack (B) [1]" "${Q8_STACK[$M4F,deep]}" "${Q8_STACK[$AN385,deep]}"
q8row2 "deep (f32): max stack (B)" "$DEEP_STACK" "-"
# The f32 targets of issue 9 hold for Mlp<61, 29, 3> too (1,856 MACs: <= 1.5 per MAC on the
# M4F, <= 100 on the M0): a miss fails, as for the cost table's shapes.
for key in "$M4F,1.5" "$M0,100"; do
  IFS=, read -r target limit <<<"$key"
  n=${F32_ODD[$target]}
  awk -v n="$n" -v l="$limit" 'BEGIN { exit !(n / 1856 <= l) }' \
    || fail "f32 Mlp<61, 29, 3> on ${BOARD[$target]}: $(q8per "$n" 1856) instructions per MAC > $limit"
done
echo "f32 Mlp<61, 29, 3>: within the targets on both boards"
# The issue-11 targets (int8: <= 1.5 instructions per multiply-add on the M4, <= 5 on the
# M0) for every shape of this table: enforced where met (above the target fails); where not
# met yet (open: each layer's and each output's fixed cost over few multiply-adds, and the
# M4's unaligned rows of 61 inputs; see README "int8") reported loudly and held to a
# regression limit (instructions per MAC x 100, about 5 % above the count of 2026-12-05; the M4's 61-29-3 after session 6's byte step).
declare -A Q8_LIMIT=(
  [$M4F,12_6_3]=420 [$M4F,10_8_1]=450 [$M4F,20_20_3]=230 [$M4F,30_16_1]=220
  [$M4F,64_32_10]=150 [$M4F,61_29_3]=175 [$M4F,deep]=150
  [$M0,12_6_3]=1000 [$M0,10_8_1]=1020 [$M0,20_20_3]=650 [$M0,30_16_1]=570
  [$M0,64_32_10]=500 [$M0,61_29_3]=500 [$AN385,deep]=500
)
q8ok=true
q8check() { # board key target insns macs name
  local limit=${Q8_LIMIT[$1,$2]}
  case "$4" in '' | *[!0-9]*) fail "int8 $6 on ${BOARD[$1]}: no instruction count" ;; esac
  if [ $(($4 * 100)) -gt $((limit * $5)) ]; then
    printf 'firmware: int8 %s on %s: %s instructions per MAC > %s\n' "$6" "${BOARD[$1]}" \
      "$(q8per "$4" "$5")" "$(q8per "$limit" 100)" >&2
    q8ok=false
  elif [ $(($4 * 100)) -gt $(($3 * $5)) ]; then
    printf 'firmware: TARGET NOT MET (open): int8 %s on %s: %s instructions per MAC > %s\n' \
      "$6" "${BOARD[$1]}" "$(q8per "$4" "$5")" "$(q8per "$3" 100)" >&2
  fi
}
for shape in "${Q8_SHAPES[@]}"; do
  IFS=_ read -r d h k <<<"$shape"
  q8check "$M4F" "$shape" 150 "${Q8_INSNS[$M4F,$shape]}" $((d * h + h * k)) "Mlp<$d, $h, $k>"
  q8check "$M0" "$shape" 500 "${Q8_INSNS[$M0,$shape]}" $((d * h + h * k)) "Mlp<$d, $h, $k>"
done
q8check "$M4F" deep 150 "${Q8_INSNS[$M4F,deep]}" "$DEEP_MACS" autoencoder
q8check "$AN385" deep 500 "${Q8_INSNS[$AN385,deep]}" "$DEEP_MACS" autoencoder
$q8ok || fail "int8 instructions per multiply-add (targets met must stay met; open ones within their limits)"
echo "int8 per shape: every met target held, every open one within its regression limit"
