"""One epoch of the Fashion-MNIST MLP 784-128-10 (ReLU), Adam 1e-3, batch 64, as Fluxion's mlp-epoch."""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
import fashion_mnist  # noqa: E402


def setup(args):
    directory = args[0] if args else fashion_mnist.DEFAULT_DIR
    x, y = fashion_mnist.load(directory)
    x = x.reshape(-1, 784)
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    batch = 64

    def epoch():
        perm = torch.randperm(x.shape[0])
        for i in range(0, x.shape[0], batch):
            idx = perm[i:i + batch]
            opt.zero_grad()
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            opt.step()

    return epoch
