"""Fashion-MNIST from Debian's dataset-fashion-mnist package.

The images stay uint8 (47 MB, not 188 MB as float32) and each batch is made float32 in [0, 1] when it is
drawn, as torchvision's dataset does and as Fluxion's side of the benchmarks does (ByteImageDataset): the
peak-RSS comparison of mlp-epoch then compares the frameworks, not two layouts of the data.
"""
import gzip
import os

import numpy as np
import torch

DEFAULT_DIR = "/usr/share/datasets/fashion-mnist"


def _read(path, offset):
    with gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


def load(directory=DEFAULT_DIR, split="train"):
    prefix = "train" if split == "train" else "t10k"
    images = _read(os.path.join(directory, prefix + "-images-idx3-ubyte.gz"), 16)
    labels = _read(os.path.join(directory, prefix + "-labels-idx1-ubyte.gz"), 8)
    x = torch.from_numpy(images.copy()).reshape(-1, 1, 28, 28)
    y = torch.from_numpy(labels.astype(np.int64))
    return x, y


def epoch_runner(model, x, y, batch=64, lr=1e-3):
    """One epoch of Adam on cross-entropy over shuffled batches, as Fluxion's Trainer runs it."""
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = torch.nn.CrossEntropyLoss()

    def epoch():
        perm = torch.randperm(x.shape[0])
        for i in range(0, x.shape[0], batch):
            idx = perm[i:i + batch]
            opt.zero_grad()
            loss = loss_fn(model(x[idx].float().div_(255.0)), y[idx])
            loss.backward()
            opt.step()

    return epoch
