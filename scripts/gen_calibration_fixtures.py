#!/usr/bin/env python3
"""Generate the PyTorch conformance fixtures of logitkit's calibration family.

Usage (from the repository root):

    /usr/bin/python3 scripts/gen_calibration_fixtures.py            # writes test/fixtures/calibration.json
    /usr/bin/python3 scripts/gen_calibration_fixtures.py --out DIR

Requires PyTorch. Conventions as scripts/gen_fixtures.py: float32 inputs written as their exact
double values, expected values computed by torch in float64 (autograd for every gradient),
non-finite numbers as the strings "NaN", "Infinity", "-Infinity".

Cases (field `kind`):
  entropy           Categorical(logits = x / T).entropy() per row
  klUniform         F.kl_div(log_softmax(x), 1/C, reduction='sum') per row, beta-scaled,
                    reduced ('mean' over the rows, 'sum', 'none'); grad by autograd
  temperatureNll    Σ NLL of softmax(beta·x), and its first and second derivative in beta by autograd
  fitTemperature    the float64 minimiser of the mean NLL over T (LBFGS, strong Wolfe, then Newton
                    polish on beta to machine precision)
  ece               Guo et al.'s ECE (bins (lower, upper], float32 confidences, torch.linspace edges)
  gaussianKL        torch.distributions.kl_divergence(Normal(mu, e^(lv/2)), Normal(mu2, e^(lv2/2)))
                    summed per row and reduced; autograd gradients for mu, logVar (and mu2, logVar2)
"""
from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import torch
import torch.nn.functional as F

SEED = 20261207


def num(v: float):
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return float(v)


def arr(t: torch.Tensor):
    return [num(float(v)) for v in t.detach().reshape(-1).tolist()]


def f32(t: torch.Tensor) -> torch.Tensor:
    return t.to(torch.float32)


def entropy_cases(g):
    cases = []
    for name, rows, cols, scale, temp in [("small", 4, 5, 3.0, 1.0), ("t0.5", 6, 17, 4.0, 0.5), ("t3", 3, 40, 8.0, 3.0),
                                          ("peaked", 5, 9, 40.0, 1.0)]:
        x = f32(torch.randn(rows, cols, generator=g) * scale)
        h = torch.distributions.Categorical(logits=x.double() / temp).entropy()
        cases.append({"kind": "entropy", "name": name, "cols": cols, "temperature": temp, "x": arr(x), "entropy": arr(h)})
    x = torch.tensor([[0.0, -math.inf, 1.0, -math.inf], [-math.inf, -math.inf, -math.inf, 2.0], [1e30, -1e30, 0.0, 1e30]])
    h = []
    for row in x.double():
        finite = row[row > -math.inf]
        finite = finite - finite.max()  # torch's own normalisation loses log 2 next to 1e30
        h.append(float(torch.distributions.Categorical(logits=finite).entropy()))
    cases.append({"kind": "entropy", "name": "masked-huge", "cols": 4, "temperature": 1.0, "x": arr(x), "entropy": [num(v) for v in h]})
    return cases


def kl_uniform_cases(g):
    cases = []
    for name, rows, cols, scale, beta, red in [("mean", 5, 7, 3.0, 1.0, "mean"), ("sum-beta", 4, 33, 5.0, 0.5, "sum"),
                                               ("none", 3, 16, 2.0, 2.0, "none"), ("masked", 6, 10, 4.0, 1.5, "mean")]:
        x = f32(torch.randn(rows, cols, generator=g) * scale)
        mask = [1] * rows if name != "masked" else [int(v) for v in (torch.rand(rows, generator=g) < 0.5).tolist()]
        if name == "masked" and sum(mask) == 0:
            mask[0] = 1
        xd = x.double().requires_grad_(True)
        logp = F.log_softmax(xd, dim=1)
        u = torch.full_like(logp, 1.0 / cols)
        per_row = beta * F.kl_div(logp, u, reduction="none").sum(dim=1) * torch.tensor(mask, dtype=torch.float64)
        if red == "mean":
            loss = per_row.sum() / sum(mask)
        elif red == "sum":
            loss = per_row.sum()
        else:
            loss = per_row
        (loss.sum() if red == "none" else loss).backward()
        cases.append({"kind": "klUniform", "name": name, "cols": cols, "beta": beta, "reduction": red, "mask": mask,
                      "x": arr(x), "loss": arr(loss) if red == "none" else num(float(loss)), "grad": arr(xd.grad)})
    return cases


def nll_sum(x: torch.Tensor, y: torch.Tensor, beta: torch.Tensor) -> torch.Tensor:
    return F.cross_entropy(beta * x, y, reduction="sum")


def fit_beta(x: torch.Tensor, y: torch.Tensor) -> float:
    t = torch.ones(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([t], lr=1.0, max_iter=500, tolerance_grad=1e-14, tolerance_change=1e-16,
                            line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = F.cross_entropy(x / t, y)
        loss.backward()
        return loss

    opt.step(closure)
    beta = 1.0 / float(t)
    for _ in range(20):  # Newton polish on beta, exact derivatives by double autograd
        b = torch.tensor(beta, dtype=torch.float64, requires_grad=True)
        loss = nll_sum(x, y, b)
        (g1,) = torch.autograd.grad(loss, b, create_graph=True)
        (g2,) = torch.autograd.grad(g1, b)
        step = float(g1) / float(g2)
        beta -= step
        if abs(step) <= 1e-15 * abs(beta):
            break
    return beta


def temperature_cases(g):
    cases = []
    for name, rows, cols, scale, true_t in [("small", 40, 5, 3.0, 2.0), ("wide", 200, 30, 4.0, 0.7), ("mid", 500, 10, 2.0, 1.6)]:
        x = f32(torch.randn(rows, cols, generator=g) * scale)
        y = torch.multinomial(F.softmax(x.double() / true_t, dim=1), 1, generator=g).reshape(-1)
        xd = x.double()
        evals = []
        for beta in (0.5, 1.0, 1.7):
            b = torch.tensor(beta, dtype=torch.float64, requires_grad=True)
            loss = nll_sum(xd, y, b)
            (g1,) = torch.autograd.grad(loss, b, create_graph=True)
            (g2,) = torch.autograd.grad(g1, b)
            evals.append({"beta": beta, "nll": num(float(loss)), "grad": num(float(g1)), "curvature": num(float(g2))})
        beta = fit_beta(xd, y)
        cases.append({"kind": "temperature", "name": name, "cols": cols, "x": arr(x), "labels": [int(v) for v in y.tolist()],
                      "evals": evals, "beta": num(beta), "temperature": num(1.0 / beta)})
    return cases


def guo_ece(x: torch.Tensor, y: torch.Tensor, bins: int, temp: float) -> float:
    # Guo et al.'s reference implementation (float32, as in their repository).
    probs = F.softmax(x / temp, dim=1)
    conf, pred = probs.max(dim=1)
    acc = pred.eq(y)
    edges = torch.linspace(0, 1, bins + 1)
    ece = torch.zeros(1, dtype=torch.float64)
    for lo, hi in zip(edges[:-1], edges[1:]):
        in_bin = conf.gt(lo.item()) * conf.le(hi.item())
        prop = in_bin.double().mean()
        if prop.item() > 0:
            ece += torch.abs(conf[in_bin].double().mean() - acc[in_bin].double().mean()) * prop
    return float(ece)


def ece_cases(g):
    cases = []
    for name, rows, cols, scale, bins, temp in [("b15", 300, 10, 3.0, 15, 1.0), ("b10-t2", 200, 5, 4.0, 10, 2.0), ("b5", 50, 3, 2.0, 5, 1.0)]:
        x = f32(torch.randn(rows, cols, generator=g) * scale)
        y = torch.multinomial(F.softmax(x.double() / 1.5, dim=1), 1, generator=g).reshape(-1)
        cases.append({"kind": "ece", "name": name, "cols": cols, "bins": bins, "temperature": temp, "x": arr(x),
                      "labels": [int(v) for v in y.tolist()], "ece": num(guo_ece(x, y, bins, temp))})
    return cases


def gaussian_cases(g):
    cases = []
    for name, rows, dim, general, red in [("std-mean", 4, 8, False, "mean"), ("std-sum", 3, 5, False, "sum"),
                                          ("gen-none", 3, 6, True, "none"), ("gen-mean", 5, 4, True, "mean")]:
        mu = f32(torch.randn(rows, dim, generator=g) * 2)
        lv = f32(torch.randn(rows, dim, generator=g) * 3)
        md = mu.double().requires_grad_(True)
        ld = lv.double().requires_grad_(True)
        case = {"kind": "gaussianKL", "name": name, "dim": dim, "reduction": red, "mu": arr(mu), "logVar": arr(lv)}
        if general:
            mu2 = f32(torch.randn(rows, dim, generator=g))
            lv2 = f32(torch.randn(rows, dim, generator=g) * 2)
            m2 = mu2.double().requires_grad_(True)
            l2 = lv2.double().requires_grad_(True)
            prior = torch.distributions.Normal(m2, torch.exp(l2 / 2))
            case.update({"mu2": arr(mu2), "logVar2": arr(lv2)})
        else:
            prior = torch.distributions.Normal(torch.zeros_like(md), torch.ones_like(md))
        kl = torch.distributions.kl_divergence(torch.distributions.Normal(md, torch.exp(ld / 2)), prior).sum(dim=1)
        loss = kl.mean() if red == "mean" else kl.sum() if red == "sum" else kl
        (loss.sum() if red == "none" else loss).backward()
        case.update({"loss": arr(loss) if red == "none" else num(float(loss)), "gradMu": arr(md.grad), "gradLogVar": arr(ld.grad)})
        if general:
            case.update({"gradMu2": arr(m2.grad), "gradLogVar2": arr(l2.grad)})
        cases.append(case)
    return cases


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent.parent / "test" / "fixtures"))
    args = ap.parse_args()
    torch.set_num_threads(1)
    g = torch.Generator().manual_seed(SEED)
    cases = entropy_cases(g) + kl_uniform_cases(g) + temperature_cases(g) + ece_cases(g) + gaussian_cases(g)
    doc = {"generator": "scripts/gen_calibration_fixtures.py", "torch": torch.__version__, "seed": SEED, "cases": cases}
    out = Path(args.out) / "calibration.json"
    out.write_text(json.dumps(doc, separators=(",", ":")) + "\n")
    print(f"wrote {out} ({len(cases)} cases)")


if __name__ == "__main__":
    main()
