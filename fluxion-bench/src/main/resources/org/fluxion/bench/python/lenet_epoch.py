"""One epoch of the Flux model zoo's conv net on Fashion-MNIST (seed 004): conv 2x2*16, ReLU, max pool 2x2,
conv 2x2*8, ReLU, max pool 2x2, flatten, dense 288->10; Adam 1e-3, batch 1000, as Fluxion's lenet-epoch."""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
import fashion_mnist  # noqa: E402


def setup(args):
    directory = args[0] if args else fashion_mnist.DEFAULT_DIR
    x, y = fashion_mnist.load(directory)
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Conv2d(1, 16, 2), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(16, 8, 2), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(288, 10))
    return fashion_mnist.epoch_runner(model, x, y, batch=1000)
