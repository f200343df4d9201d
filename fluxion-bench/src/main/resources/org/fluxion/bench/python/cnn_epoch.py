"""One epoch of the Fashion-MNIST CNN conv3x3*32-pool-conv3x3*64-pool-dense128-dense10, Adam 1e-3,
batch 64, as Fluxion's cnn-epoch (3x3 convolutions without padding, 2x2 max pooling, ReLU)."""
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
        torch.nn.Conv2d(1, 32, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(32, 64, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(64 * 5 * 5, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
    return fashion_mnist.epoch_runner(model, x, y)
