#!/usr/bin/env python3
"""Trains the digits network in PyTorch and saves it for ctensor (issue 10).

    Sequential(Linear(64, 32), ReLU(), Linear(32, 10))

on data/digits_train.csv (pixels / 16, as every ctensor example scales them), then writes

- models/pytorch/digits.safetensors: model.state_dict() by safetensors.torch.save_file
  (tensors "0.weight" [32, 64], "0.bias" [32], "2.weight" [10, 32], "2.bias" [10], F32);
- models/pytorch/digits_reference.safetensors: what ctensor must reproduce, "logits"
  [360, 10] F32 (the model's logits on every row of data/digits_test.csv, in file order)
  and the metadata "test_accuracy" (PyTorch's accuracy on that split), "torch" (version),
  "seed", "epochs".

ctensor's side: `cargo run --release --example from_pytorch` and tests/from_pytorch.rs.
Needs torch, safetensors and numpy (not needed by CI: the outputs are committed).
Run from anywhere: python3 tools/train_pytorch_digits.py
"""

from pathlib import Path

import numpy as np
import torch
from safetensors.torch import save_file

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "models" / "pytorch"
SEED = 0
EPOCHS = 60
BATCH = 32
LR = 3e-3


def load(split):
    data = np.loadtxt(ROOT / "data" / f"digits_{split}.csv", delimiter=",", skiprows=1)
    x = torch.tensor(data[:, :64] / 16.0, dtype=torch.float32)
    y = torch.tensor(data[:, 64], dtype=torch.int64)
    return x, y


def main():
    torch.manual_seed(SEED)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    x_train, y_train = load("train")
    x_test, y_test = load("test")

    model = torch.nn.Sequential(
        torch.nn.Linear(64, 32), torch.nn.ReLU(), torch.nn.Linear(32, 10)
    )
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    loss_fn = torch.nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(SEED)
    for epoch in range(EPOCHS):
        model.train()
        order = torch.randperm(len(x_train), generator=gen)
        total = 0.0
        for start in range(0, len(order), BATCH):
            idx = order[start : start + BATCH]
            opt.zero_grad()
            loss = loss_fn(model(x_train[idx]), y_train[idx])
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        if epoch % 10 == 9 or epoch == EPOCHS - 1:
            print(f"epoch {epoch + 1:3}: train loss {total / len(x_train):.4f}")

    model.eval()
    with torch.no_grad():
        logits = model(x_test)
    accuracy = (logits.argmax(dim=1) == y_test).float().mean().item()
    print(f"PyTorch test accuracy: {accuracy:.4f} ({len(y_test)} rows)")

    OUT.mkdir(parents=True, exist_ok=True)
    save_file(model.state_dict(), OUT / "digits.safetensors")
    save_file(
        {"logits": logits.contiguous()},
        OUT / "digits_reference.safetensors",
        metadata={
            "test_accuracy": repr(accuracy),
            "torch": torch.__version__,
            "seed": str(SEED),
            "epochs": str(EPOCHS),
        },
    )
    print(f"wrote {OUT / 'digits.safetensors'} and {OUT / 'digits_reference.safetensors'}")


if __name__ == "__main__":
    main()
