"""Reference side of ``./fluxion bench linalg``: NumPy/SciPy (LAPACK through OpenBLAS) in float64.

args: OP N. The data is generated in Java and written to a file whose path is args[2]: the matrix A
[n, n] (well conditioned: normal entries plus n on the diagonal), an SPD matrix S = A A^T / n + I and the
right-hand side B [n, 1], as float64 in row-major order. Backward ops (``*-backward``) time PyTorch's
forward and backward pass of the same operation with a given cotangent.
"""
import numpy as np
import scipy.linalg
import torch


def setup(args):
    op, n, path = args[0], int(args[1]), args[2]
    data = np.fromfile(path, dtype=np.float64)
    a = data[: n * n].reshape(n, n).copy()
    s = data[n * n: 2 * n * n].reshape(n, n).copy()
    b = data[2 * n * n: 2 * n * n + n].reshape(n, 1).copy()
    if op == "cholesky":
        return lambda: np.linalg.cholesky(s)
    if op == "solve":
        return lambda: np.linalg.solve(a, b)
    if op == "lu":
        return lambda: scipy.linalg.lu(a)
    if op == "qr":
        return lambda: np.linalg.qr(a)
    if op == "eigh":
        return lambda: np.linalg.eigh(s)
    if op == "svd":
        return lambda: np.linalg.svd(a, full_matrices=False)
    ta = torch.from_numpy(a)
    ts = torch.from_numpy(s)
    tb = torch.from_numpy(b)
    if op == "solve-backward":
        g = torch.ones(n, 1, dtype=torch.float64)

        def step():
            x = ta.clone().requires_grad_(True)
            y = tb.clone().requires_grad_(True)
            torch.linalg.solve(x, y).backward(g)
        return step
    if op == "cholesky-backward":
        g = torch.tril(torch.ones(n, n, dtype=torch.float64))

        def step():
            x = ts.clone().requires_grad_(True)
            torch.linalg.cholesky(x).backward(g)
        return step
    raise ValueError("unknown op " + op)
