"""SciPy's solve_ivp on the classic ODE problems, the reference of ./fluxion bench ode.

setup(args): args = [problem, method, rtol, atol...] with problem one of lotka-volterra, pendulum,
vdp1000, robertson and method a solve_ivp method (RK45, DOP853, Radau, BDF, LSODA); one atol, or one per
component. The stiff problems get their analytic Jacobian, as on Fluxion's side. step() solves once;
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


PROBLEMS = {"lotka-volterra": lotka_volterra, "pendulum": pendulum, "vdp1000": vdp1000, "robertson": robertson}
last = None


def setup(args):
    problem, method, rtol = args[0], args[1], float(args[2])
    atol = [float(a) for a in args[3:]]
    atol = atol[0] if len(atol) == 1 else np.array(atol)
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
