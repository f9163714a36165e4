#!/usr/bin/env python3
"""Python's side of ctensor's safetensors round trip (issue 10), with safetensors + numpy only.

    python3 tools/check_safetensors_roundtrip.py EXPORTED [--native FILE MIN_ACCURACY]

EXPORTED: the PyTorch-trained model (models/pytorch/digits.safetensors) after a trip
through ctensor (`cargo run --release --features safetensors --example from_pytorch --
--export EXPORTED`). It must hold the same tensors, bit for bit, as PyTorch's file, and a
NumPy forward pass over data/digits_test.csv must give the logits PyTorch recorded
(models/pytorch/digits_reference.safetensors) within 1e-5, with every class the same.

--native FILE MIN_ACCURACY: a model trained by ctensor and exported as safetensors (e.g.
`ctensor convert models/digits.bin FILE`): read as a PyTorch nn.Sequential of Linear and
ReLU layers (weights [out, in]) by NumPy, its accuracy on the test split must reach
MIN_ACCURACY (a transposed or misordered export scores about 0.1).

Exits non-zero with a message on the first failure.
"""

import sys
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file

ROOT = Path(__file__).resolve().parent.parent


def fail(msg):
    print(f"FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def test_split():
    data = np.loadtxt(ROOT / "data" / "digits_test.csv", delimiter=",", skiprows=1)
    return (data[:, :64] / 16.0).astype(np.float32), data[:, 64].astype(np.int64)


def forward(tensors, x):
    """nn.Sequential of Linear layers with a ReLU between consecutive ones (float32)."""
    layers = sorted({int(name.split(".")[0]) for name in tensors})
    h = x
    for i, n in enumerate(layers):
        w, b = tensors[f"{n}.weight"], tensors[f"{n}.bias"]
        if w.ndim != 2 or b.shape != (w.shape[0],) or w.shape[1] != h.shape[1]:
            fail(f"layer {n}: weight {w.shape}, bias {b.shape} after {h.shape[1]} inputs")
        h = h @ w.T + b
        if i + 1 < len(layers):
            h = np.maximum(h, 0)
    return h


def main(argv):
    if len(argv) not in (1, 4) or (len(argv) == 4 and argv[1] != "--native"):
        fail(__doc__)
    exported = load_file(argv[0])
    original = load_file(ROOT / "models" / "pytorch" / "digits.safetensors")
    if sorted(exported) != sorted(original):
        fail(f"names {sorted(exported)}, expected {sorted(original)}")
    for name, t in original.items():
        e = exported[name]
        if e.dtype != t.dtype or e.shape != t.shape or not np.array_equal(e, t):
            fail(f"{name}: {e.dtype}{list(e.shape)} differs from PyTorch's {t.dtype}{list(t.shape)}")
    x, y = test_split()
    reference = load_file(ROOT / "models" / "pytorch" / "digits_reference.safetensors")["logits"]
    logits = forward(exported, x)
    diff = float(np.abs(logits - reference).max())
    agree = int((logits.argmax(1) == reference.argmax(1)).sum())
    print(f"round trip: {len(exported)} tensors bit-identical; NumPy logits within {diff:.1e} "
          f"of PyTorch's; classes agree on {agree}/{len(y)}")
    if diff > 1e-5 or agree != len(y):
        fail("NumPy's forward pass of the exported model disagrees with PyTorch's")
    if len(argv) == 4:
        native, minimum = load_file(argv[2]), float(argv[3])
        accuracy = float((forward(native, x).argmax(1) == y).mean())
        print(f"{argv[2]}: NumPy test accuracy {accuracy:.4f} (minimum {minimum})")
        if accuracy < minimum:
            fail(f"{argv[2]}: accuracy {accuracy:.4f} < {minimum}")
    print("OK")


if __name__ == "__main__":
    main(sys.argv[1:])
