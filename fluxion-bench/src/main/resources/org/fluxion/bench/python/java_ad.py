"""PyTorch side of `./fluxion bench java-ad`: the gradient of the extended Rosenbrock function written
as a Python loop over 0-d float64 tensors, one backward per step (as JavaAdBench's plain Java loop)."""
import torch


def setup(args):
    n = int(args[0]) if args else 100
    xs = [torch.tensor(-1.2 if i % 2 == 0 else 1.0, dtype=torch.float64, requires_grad=True)
          for i in range(n)]

    def step():
        for x in xs:
            x.grad = None
        f = torch.zeros((), dtype=torch.float64)
        for i in range(n // 2):
            a, b = xs[2 * i], xs[2 * i + 1]
            t1 = b - a * a
            t2 = 1 - a
            f = f + 100 * t1 * t1 + t2 * t2
        f.backward()
        return xs[0].grad

    return step
