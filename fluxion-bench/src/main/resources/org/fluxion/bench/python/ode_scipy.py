"""SciPy's solve_ivp on the classic ODE problems, the reference of ./fluxion bench ode.

setup(args): args = [problem, method, rtol, atol...] with problem one of lotka-volterra, pendulum,
vdp1000, robertson, brusselatorN (the method-of-lines PDE with N grid points) and method a solve_ivp method
(RK45, DOP853, Radau, BDF, LSODA); one atol, or one per component. The small stiff problems get their
analytic Jacobian, as on Fluxion's side; the Brusselator its band as jac_sparsity (grouped finite
differences and a sparse LU, as Fluxion's banded Jacobian). step() solves once;
info() prints "nfev njev nlu y_1 ... y_n" of the last solve (repr floats).
"""
import numpy as np
from scipy.integrate import solve_ivp


def lotka_volterra():
    a, b, c, d = 1.5, 1.0, 3.0, 1.0
    f = lambda t, u: [a * u[0] - b * u[0] * u[1], -c * u[1] + d * u[0] * u[1]]
    return f, None, [1.0, 1.0], (0.0, 10.0)


def pendulum():
    f = lambda t, u: [u[1], -np.sin(u[0])]
    return f, None, [1.0, 0.0], (0.0, 10.0)


def vdp1000():
    mu = 1000.0
    f = lambda t, u: [u[1], mu * (1 - u[0] ** 2) * u[1] - u[0]]
    jac = lambda t, u: [[0.0, 1.0], [-2 * mu * u[0] * u[1] - 1, mu * (1 - u[0] ** 2)]]
    return f, jac, [2.0, 0.0], (0.0, 3000.0)


def robertson():
    k1, k2, k3 = 0.04, 3e7, 1e4

    def f(t, y):
        return [-k1 * y[0] + k3 * y[1] * y[2], k1 * y[0] - k2 * y[1] ** 2 - k3 * y[1] * y[2], k2 * y[1] ** 2]

    def jac(t, y):
        return [[-k1, k3 * y[2], k3 * y[1]],
                [k1, -2 * k2 * y[1] - k3 * y[2], -k3 * y[1]],
                [0.0, 2 * k2 * y[1], 0.0]]
    return f, jac, [1.0, 0.0, 0.0], (0.0, 1e5)


def brusselator(nx):
    a, b, alpha = 1.0, 3.0, 1.0 / 50
    dx = 1.0 / (nx + 1)
    c = alpha / dx ** 2

    def f(t, y):
        u = y[0::2]
        v = y[1::2]
        ul = np.concatenate(([1.0], u[:-1]))
        ur = np.concatenate((u[1:], [1.0]))
        vl = np.concatenate(([3.0], v[:-1]))
        vr = np.concatenate((v[1:], [3.0]))
        du = np.empty_like(y)
        du[0::2] = a + u * u * v - (b + 1) * u + c * (ul - 2 * u + ur)
        du[1::2] = b * u - u * u * v + c * (vl - 2 * v + vr)
        return du
    x = dx * np.arange(1, nx + 1)
    y0 = np.empty(2 * nx)
    y0[0::2] = 1 + np.sin(2 * np.pi * x)
    y0[1::2] = 3.0
    return f, None, y0, (0.0, 10.0)


PROBLEMS = {"lotka-volterra": lotka_volterra, "pendulum": pendulum, "vdp1000": vdp1000, "robertson": robertson}
last = None


def setup(args):
    problem, method, rtol = args[0], args[1], float(args[2])
    atol = [float(a) for a in args[3:]]
    atol = atol[0] if len(atol) == 1 else np.array(atol)
    if problem.startswith("brusselator"):
        f, jac, y0, span = brusselator(int(problem[len("brusselator"):]))
        import scipy.sparse
        n = len(y0)
        extra = {"jac_sparsity": scipy.sparse.diags([np.ones(n - abs(k)) for k in range(-2, 3)],
                                                    list(range(-2, 3)), shape=(n, n))}
    else:
        f, jac, y0, span = PROBLEMS[problem]()
        extra = {"jac": jac} if jac is not None and method in ("Radau", "BDF", "LSODA") else {}

    def step():
        global last
        last = solve_ivp(f, span, y0, method=method, rtol=rtol, atol=atol, **extra)
        if not last.success:
            raise RuntimeError(problem + " " + method + ": " + last.message)
    return step


def info():
    return " ".join([str(last.nfev), str(last.njev), str(last.nlu)] + [repr(float(v)) for v in last.y[:, -1]])
