#!/usr/bin/env bash
# Where the instructions of a (non-inlined) function go: runs the firmware with the insncount
# plugin's hist= option and prints, per instruction of the disassembly that ran inside the
# calls, how often it ran per call (all calls summed / calls), then the total per function.
# usage: profile.sh ELF FUNC_SUBSTR qemu-args...   (PLUGIN, LLVM_OBJDUMP, QEMU as for
# count-insns.sh). Needs python3.
set -euo pipefail
ELF=$1; SYM=$2; shift 2
PLUGIN=${PLUGIN:-$(dirname "$0")/libinsncount.so}
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
"${LLVM_OBJDUMP:-llvm-objdump}" -d --no-show-raw-insn "$ELF" >"$TMP/dis"
START=$(grep -E "^[0-9a-f]+ <[^>]*${SYM}[^>]*>:" "$TMP/dis" | head -1 | cut -d' ' -f1)
ARGS="start=0x$START,hist=$TMP/hist"
for site in $(grep -E "\sbl\s.*<[^>+]*${SYM}[^>+]*>" "$TMP/dis" | awk '{sub(":","",$1); print $1}'); do
  ARGS="$ARGS,stop=0x$(printf '%x' $((0x$site + 4)))"
done
CALLS=$(${QEMU:-qemu-system-arm} "$@" -display none -monitor none -serial null \
  -semihosting-config enable=on,target=native -plugin "$PLUGIN,$ARGS" -d plugin -kernel "$ELF" 2>&1 \
  | sed -n 's/.*insncount: .* windows=\([0-9]*\) .*/\1/p')
[ -n "$CALLS" ] && [ "$CALLS" -gt 0 ] || { echo "profile.sh: no call of $SYM counted" >&2; exit 1; }
python3 - "$TMP/dis" "$TMP/hist" "$CALLS" <<'PY'
import re, sys, collections
dis, hist, calls = sys.argv[1], sys.argv[2], int(sys.argv[3])
counts = {int(a, 16): int(n) for a, n in (line.split() for line in open(hist))}
per_fn, fn = collections.Counter(), "?"
for line in open(dis):
    m = re.match(r"^[0-9a-f]+ <(.*)>:", line)
    if m:
        fn = m.group(1)
        continue
    m = re.match(r"^\s*([0-9a-f]+):\s*(.*)", line)
    if m and int(m.group(1), 16) in counts:
        n = counts[int(m.group(1), 16)]
        per_fn[fn] += n
        print(f"{n / calls:10.2f}  {m.group(1):>8}  {m.group(2).strip()}")
print(f"per call ({calls} calls):")
for f, n in per_fn.most_common():
    print(f"{n / calls:10.2f}  {f}")
PY
