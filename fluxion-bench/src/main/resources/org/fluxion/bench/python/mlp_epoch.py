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
    return fashion_mnist.epoch_runner(model, x, y)
