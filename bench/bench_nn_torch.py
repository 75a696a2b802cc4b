#!/usr/bin/env python3
"""bench_nn_torch.py - the PyTorch twin of bench_nn.c: seconds per training epoch.

Same architectures, batch sizes, sample counts, losses and optimiser as bench_nn.c,
on one thread (torch.set_num_threads(1)):
  (a) VAE 16 -> 8 -> 6 -> 4 -> latent 2, mirrored decoder, LeakyReLU 0.1, sigmoid
      output + MSE (summed over columns, mean over the batch) + KL, Adam, batch 32,
      100 000 rows;
  (b) LSTM 16 -> hidden 64, 32 steps, batch 64, Linear 64 -> 16 head + MSE, Adam,
      10 000 sequences, next-step targets.
Batches are taken by indexing a shuffled permutation of an in-memory tensor (the
fastest idiomatic loop; no DataLoader). One warm-up epoch, then the median CPU and
wall seconds per epoch (CPU time is the fair figure on a shared machine).
Usage: bench_nn_torch.py [vae|lstm|all] [epochs]
"""
import os
import statistics
import sys
import time

# One thread everywhere: torch's intra-op pool, OpenMP, and the BLAS it links.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import torch  # noqa: E402
from torch import nn  # noqa: E402

torch.set_num_threads(1)
torch.manual_seed(0)

VAE_ROWS, VAE_WIDTH, VAE_BATCH = 100_000, 16, 32
SEQS, STEPS, LSTM_IN, HIDDEN, LSTM_BATCH = 10_000, 32, 16, 64, 64


class VAE(nn.Module):
    def __init__(self):
        super().__init__()
        act = lambda: nn.LeakyReLU(0.1)
        self.encoder = nn.Sequential(nn.Linear(16, 8), act(), nn.Linear(8, 6), act(),
                                     nn.Linear(6, 4), act(), nn.Linear(4, 2 * 2))
        self.decoder = nn.Sequential(nn.Linear(2, 4), act(), nn.Linear(4, 6), act(),
                                     nn.Linear(6, 8), act(), nn.Linear(8, 16), nn.Sigmoid())

    def loss(self, x):
        mu, logvar = self.encoder(x).chunk(2, dim=1)
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        recon = self.decoder(z)
        rec = ((recon - x) ** 2).sum(dim=1).mean()
        kl = (-0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).sum(dim=1)).mean()
        return rec + kl


class SeqModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(LSTM_IN, HIDDEN)
        self.head = nn.Linear(HIDDEN, LSTM_IN)

    def loss(self, x, target):
        h, _ = self.lstm(x)
        return ((self.head(h) - target) ** 2).mean()


def timed_epochs(name, epoch_fn, epochs, detail):
    """Median CPU (process) and wall seconds per epoch, after one warm-up epoch."""
    epoch_fn()
    cpu, wall = [], []
    for _ in range(epochs):
        c0, w0 = time.process_time(), time.perf_counter()
        loss = epoch_fn()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    print(f"{name} {statistics.median(cpu):.4f} s/epoch cpu {statistics.median(wall):.4f} "
          f"s/epoch wall ({epochs} epochs, {detail}, last loss {loss:.4f})")


def bench_vae(epochs):
    data = torch.rand(VAE_ROWS, VAE_WIDTH)
    model = VAE()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def epoch():
        perm = torch.randperm(VAE_ROWS)
        for i in range(0, VAE_ROWS, VAE_BATCH):
            x = data[perm[i:i + VAE_BATCH]]
            opt.zero_grad(set_to_none=True)
            loss = model.loss(x)
            loss.backward()
            opt.step()
        return loss.item()

    params = sum(p.numel() for p in model.parameters())
    timed_epochs("vae", epoch, epochs, f"{VAE_ROWS} samples, {params} parameters")


def bench_lstm(epochs):
    data = torch.randn(SEQS, STEPS + 1, LSTM_IN)
    model = SeqModel()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def epoch():
        perm = torch.randperm(SEQS)
        for i in range(0, SEQS, LSTM_BATCH):
            seq = data[perm[i:i + LSTM_BATCH]].transpose(0, 1)  # time-major
            x, target = seq[:-1], seq[1:]
            opt.zero_grad(set_to_none=True)
            loss = model.loss(x, target)
            loss.backward()
            opt.step()
        return loss.item()

    params = sum(p.numel() for p in model.parameters())
    timed_epochs("lstm", epoch, epochs, f"{SEQS} sequences, {params} parameters")


def main():
    which = sys.argv[1] if len(sys.argv) > 1 else "all"
    epochs = max(1, int(sys.argv[2])) if len(sys.argv) > 2 else 5
    if which in ("vae", "all"):
        bench_vae(epochs)
    if which in ("lstm", "all"):
        bench_lstm(epochs)


if __name__ == "__main__":
    main()
