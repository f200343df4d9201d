"""PyTorch side of `./fluxion bench moons`: seed 003's 2-layer tanh/softmax network on 200 moons points
(noise 0.2), summed cross-entropy plus L2 0.01/2 on the weights, one full-batch gradient-descent step
(lr 0.01) per call, float32, eager (as MoonsBench)."""
import math

import torch


def setup(args):
    hidden = int(args[0]) if args else 3
    g = torch.Generator().manual_seed(0)
    n = 200
    t = torch.linspace(0, math.pi, n // 2)
    outer = torch.stack([torch.cos(t), torch.sin(t)], 1)
    inner = torch.stack([1 - torch.cos(t), 0.5 - torch.sin(t)], 1)
    x = torch.cat([outer, inner]) + 0.2 * torch.randn(n, 2, generator=g)
    y = torch.cat([torch.zeros(n // 2, dtype=torch.long), torch.ones(n // 2, dtype=torch.long)])
    w1 = (torch.randn(2, hidden, generator=g) / math.sqrt(2)).requires_grad_()
    b1 = torch.zeros(hidden, requires_grad=True)
    w2 = (torch.randn(hidden, 2, generator=g) / math.sqrt(hidden)).requires_grad_()
    b2 = torch.zeros(2, requires_grad=True)
    params = [w1, b1, w2, b2]
    lr, reg = 0.01, 0.01

    def step():
        logits = torch.tanh(x @ w1 + b1) @ w2 + b2
        loss = torch.nn.functional.cross_entropy(logits, y, reduction="sum") \
            + reg / 2 * ((w1 * w1).sum() + (w2 * w2).sum())
        grads = torch.autograd.grad(loss, params)
        with torch.no_grad():
            for p, gr in zip(params, grads):
                p -= lr * gr
        return loss

    return step
