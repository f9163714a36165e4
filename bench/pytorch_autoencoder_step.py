"""PyTorch's time for one Adam step of the MLPerf Tiny autoencoder at B = 64.

The network, loss and optimizer of `bench/src/autoencoder.rs`:
640-128-128-128-128-8-128-128-128-128-640, ReLU between the layers, linear output,
`MSELoss` (mean over the batch and the outputs), `Adam(lr=1e-3)` with PyTorch's defaults,
on smooth synthetic rows. One thread (`torch.set_num_threads(1)`), like ctensor's step.
Each sample is timed with the thread's CPU time; prints the median over the rounds:

    us_per_step <float>

Exit status 2 (and a message on stderr) if torch is not installed. Run by
`cargo run --release -p ctensor-bench --bin bench_summary` with `$CTENSOR_BENCH_PYTHON`
(default `python3`).
"""

import math
import sys
import time

try:
    import torch
except ImportError:
    print("torch is not installed (pip install torch)", file=sys.stderr)
    sys.exit(2)

WIDTHS = [640, 128, 128, 128, 128, 8, 128, 128, 128, 128, 640]
B = 64


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 41
    torch.set_num_threads(1)
    torch.manual_seed(640)
    layers = []
    for i, (n_in, n_out) in enumerate(zip(WIDTHS, WIDTHS[1:])):
        layers.append(torch.nn.Linear(n_in, n_out))
        if i < len(WIDTHS) - 2:
            layers.append(torch.nn.ReLU())
    net = torch.nn.Sequential(*layers)
    cols = torch.arange(640, dtype=torch.float32)
    freq = 1.0 + 4.0 * torch.rand(B, 1)
    phase = 6.0 * torch.rand(B, 1)
    x = 0.5 + 0.5 * torch.sin(freq * cols / 100.0 + phase)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = torch.nn.MSELoss()

    def step() -> float:
        opt.zero_grad(set_to_none=False)
        loss = loss_fn(net(x), x)
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(5):
        step()
    # Steps per sample, so that a sample lasts about 2 ms (as in bench_summary).
    t = time.thread_time_ns()
    step()
    per = max(time.thread_time_ns() - t, 1)
    reps = max(1, math.ceil(2e6 / per))
    samples = []
    for _ in range(rounds):
        t = time.thread_time_ns()
        for _ in range(reps):
            loss = step()
        samples.append((time.thread_time_ns() - t) / reps)
    assert math.isfinite(loss)
    samples.sort()
    print(f"us_per_step {samples[len(samples) // 2] / 1e3:.3f}")


if __name__ == "__main__":
    main()
