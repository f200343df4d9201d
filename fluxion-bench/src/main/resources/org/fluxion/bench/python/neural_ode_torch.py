"""The gradient of a loss through a neural ODE in PyTorch eager: a hand-written adaptive Dormand-Prince 5(4)
loop, differentiated by autograd through every step (what a PyTorch user writes without torchdiffeq). The
reference of ./fluxion bench ode's neural-ode configuration.

setup(args): args = [weights_file, rtol, atol, h0]. The file holds, whitespace-separated: D H B, then
W1 [H, D], b1 [H], W2 [D, H], b2 [D], u0 [B, D] (row-major), written by the Java side so that both sides
start from the same numbers. The field is f(u) = tanh(u W1^T + b1) W2^T + b2 on [0, 1], float32.
The step-size controller is Fluxion's DP5 one (PI: safety 0.9, alpha 0.17, beta 0.04, factors in [0.2, 10],
no growth right after a rejection), from the same first step h0. step() computes loss = sum(u(1)) and its
gradient w.r.t. the weights; info() prints "steps rejected rhs_evaluations sum(dL/dW1) sum(dL/dW2)".
"""
import math

import numpy as np
import torch

A = [[], [1 / 5], [3 / 40, 9 / 40], [44 / 45, -56 / 15, 32 / 9],
     [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
     [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656]]
B = [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84]
C = [0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1]
E = [-71 / 57600, 0, 71 / 16695, -71 / 1920, 17253 / 339200, -22 / 525, 1 / 40]
last = {}


def setup(args):
    values = np.array(open(args[0]).read().split(), dtype=np.float64)
    rtol, atol, h0 = float(args[1]), float(args[2]), float(args[3])
    d, h, b = int(values[0]), int(values[1]), int(values[2])
    pos = 3
    shapes = [(h, d), (h,), (d, h), (d,), (b, d)]
    tensors = []
    for shape in shapes:
        size = int(np.prod(shape))
        tensors.append(torch.tensor(values[pos:pos + size].reshape(shape), dtype=torch.float32))
        pos += size
    w1, b1, w2, b2, u0 = tensors
    params = [w1, b1, w2, b2]
    for p in params:
        p.requires_grad_(True)

    def f(u):
        return torch.tanh(u @ w1.T + b1) @ w2.T + b2

    def step():
        for p in params:
            p.grad = None
        u, t, step_size = u0, 0.0, h0
        k1 = f(u)
        nfe, steps, rejected = 1, 0, 0
        err_prev, last_rejected = 1e-4, False
        while t < 1.0:
            final = t + 1.01 * step_size >= 1.0
            hh = 1.0 - t if final else step_size
            k = [k1]
            for i in range(1, 6):
                acc = u
                for j, a in enumerate(A[i]):
                    if a != 0:
                        acc = acc + (hh * a) * k[j]
                k.append(f(acc))
            u_new = u
            for j, bj in enumerate(B):
                if bj != 0:
                    u_new = u_new + (hh * bj) * k[j]
            k7 = f(u_new)
            nfe += 6
            with torch.no_grad():
                err_vec = hh * (sum(E[j] * k[j] for j in range(6)) + E[6] * k7)
                scale = atol + rtol * torch.maximum(u.abs(), u_new.abs())
                err = math.sqrt(torch.mean((err_vec / scale) ** 2).item())
            if err <= 1:
                steps += 1
                t = 1.0 if final else t + hh
                u, k1 = u_new, k7
                fac = 10.0 if err == 0 else min(10.0, max(0.2, 0.9 * err ** -0.17 * err_prev ** 0.04))
                if last_rejected:
                    fac = min(fac, 1.0)
                err_prev, last_rejected = max(err, 1e-4), False
                step_size = hh * fac
            else:
                rejected += 1
                last_rejected = True
                fac = 0.25 if not math.isfinite(err) else min(max(0.2, 0.9 * err ** -0.2), 0.9)
                step_size = hh * fac
        loss = u.sum()
        loss.backward()
        last.update(steps=steps, rejected=rejected, nfe=nfe, g1=w1.grad.sum().item(), g2=w2.grad.sum().item())
    return step


def info():
    return "%d %d %d %r %r" % (last["steps"], last["rejected"], last["nfe"], last["g1"], last["g2"])
