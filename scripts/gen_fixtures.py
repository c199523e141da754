#!/usr/bin/env python3
"""Generate the PyTorch conformance fixtures used by logitkit's vitest suite.

Usage (from the repository root):

    /usr/bin/python3 scripts/gen_fixtures.py            # writes test/fixtures/*.json
    /usr/bin/python3 scripts/gen_fixtures.py --out DIR  # writes somewhere else

Requires PyTorch (Debian: python3-torch). Only the standard library and torch are used.

Output files (one per kernel family), each shaped as

    { "generator": "scripts/gen_fixtures.py", "torch": "<torch.__version__>",
      "seed": <int, or null for philox>, "encoding": "...", "cases": [ { "name": ..., "kind": ..., ... } ] }

  softmax.json        logSumExp / softmax / logSoftmax (+ temperature), softmaxBackward,
                      sigmoid / logSigmoid / softplus, logit
  cross_entropy.json  softmaxCrossEntropy (F.cross_entropy + z-loss), binaryCrossEntropyWithLogits
  topk.json           torch.topk
  philox.json         Philox4x32-10 known answers, raw streams, uniform and Gumbel maps

Conventions
-----------
* Every input is float32 (a random torch tensor with a fixed seed, or a hand-picked value
  rounded to float32). Inputs are written as the exact double value of that float32.
* Expected fields with a plain name (``softmax``, ``loss``, ``grad``, ...) are computed in
  float64: the float32 input is cast to double and torch computes in double (softplus and the
  BCE loss/grad use cancellation-free closed forms in double, cross-checked against torch's
  float64 results; z-loss is composed from torch ops, as torch has none). Fields with the
  suffix ``F32`` (``softmaxF32``, ``lossF32``, ``gradF32``, ...) are torch's own float32
  result for the same float32 inputs (CPU, one thread). They show how close a float32
  implementation gets in practice; they can differ in the last bits between CPUs and torch
  versions, the float64 fields do not (to well below float32 resolution).
* Numbers: Python floats written with repr (shortest string that round-trips to the same
  IEEE double), so JSON.parse gives back the exact double. Non-finite values cannot be JSON
  numbers and are written as the strings "Infinity", "-Infinity" and "NaN" (the spellings
  that JavaScript's Number() accepts). -0.0 is kept as -0.0. Integers (labels, indices,
  Philox words) are plain JSON integers (all < 2**53).
* Where logitkit's API contract (the README) deliberately departs from torch, the plain
  fields hold the contract's value, the ``F32`` fields still hold torch's raw output, torch's
  raw float64 output is under ``torch`` and the case says so in ``note``.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import torch
import torch.nn.functional as F

GENERATOR = "scripts/gen_fixtures.py"
SEED = 20240611  # base seed; each file uses its own torch.Generator seeded from this
ENCODING = (
    "Numbers are IEEE doubles written exactly (Python repr). Non-finite values are the strings "
    '"Infinity", "-Infinity", "NaN". Plain expected fields are computed by torch in float64 '
    "from the float32 inputs; fields ending in F32 are torch's float32 results."
)
INF = float("inf")
NAN = float("nan")

torch.set_num_threads(1)  # reproducible float32 reductions


# --------------------------------------------------------------------------------------------
# JSON helpers
# --------------------------------------------------------------------------------------------


def enc(v):
    """Convert tensors / floats / containers to JSON-safe Python values (non-finite -> str)."""
    if isinstance(v, torch.Tensor):
        v = v.tolist()
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "Infinity" if v > 0 else "-Infinity"
        return v
    if isinstance(v, dict):
        return {k: enc(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [enc(x) for x in v]
    raise TypeError(f"cannot encode {type(v)!r}")


def write_fixture(path: Path, seed, cases, extra=None):
    head = {"generator": GENERATOR, "torch": torch.__version__, "seed": seed, "encoding": ENCODING}
    if extra:
        head.update(extra)
    lines = ["{"]
    for k, v in head.items():
        lines.append(f"{json.dumps(k)}: {json.dumps(enc(v), allow_nan=False)},")
    lines.append('"cases": [')
    body = [json.dumps(enc(c), separators=(",", ":"), allow_nan=False) for c in cases]
    lines.append(",\n".join(body))
    lines.append("]")
    lines.append("}")
    text = "\n".join(lines) + "\n"
    json.loads(text)  # sanity: valid JSON
    path.write_text(text, encoding="utf-8")
    return len(text.encode("utf-8"))


def f32(values):
    return torch.tensor(values, dtype=torch.float32)


def unique_randn(g, rows, cols, scale=1.0):
    """float32 normal samples, redrawn until every row has pairwise distinct values."""
    x = (torch.randn(rows, cols, generator=g, dtype=torch.float32) * scale).contiguous()
    for r in range(rows):
        while True:
            row = x[r]
            seen = set()
            dup = []
            for i, v in enumerate(row.tolist()):
                if v in seen:  # note: 0.0 == -0.0, so signed zeros count as a tie too
                    dup.append(i)
                seen.add(v)
            if not dup:
                break
            for i in dup:
                x[r, i] = torch.randn(1, generator=g, dtype=torch.float32)[0] * scale
    return x


# --------------------------------------------------------------------------------------------
# softmax.json
# --------------------------------------------------------------------------------------------


def rowwise_case(name, x32, temperature, note=None, f32_arrays=True):
    """logSumExp / softmax / logSoftmax of x/T per row. f32_arrays=False leaves out
    softmaxF32 / logSoftmaxF32 (size budget for the long rows); logSumExpF32 is always kept."""
    rows, cols = x32.shape
    x64 = x32.double()
    z64 = x64 / temperature
    lse = torch.logsumexp(z64, -1)
    sm = torch.softmax(z64, -1)
    lsm = torch.log_softmax(z64, -1)
    z32 = x32 / temperature
    case = {
        "name": name,
        "kind": "rowwise",
        "rows": rows,
        "cols": cols,
        "temperature": temperature,
        "x": x32.flatten(),
        "logSumExp": lse,
        "softmax": sm.flatten(),
        "logSoftmax": lsm.flatten(),
        "logSumExpF32": torch.logsumexp(z32, -1),
        "softmaxF32": torch.softmax(z32, -1).flatten(),
        "logSoftmaxF32": torch.log_softmax(z32, -1).flatten(),
    }
    if not f32_arrays:
        del case["softmaxF32"], case["logSoftmaxF32"]
    # Contract: an all -Infinity row gives lse = -Infinity, softmax 0, logSoftmax -Infinity
    # (torch gives NaN for softmax / log_softmax there).
    dead = torch.isneginf(z64).all(-1)
    if bool(dead.any()):
        sm_c = sm.clone()
        lsm_c = lsm.clone()
        sm_c[dead] = 0.0
        lsm_c[dead] = -INF
        lse_c = lse.clone()
        lse_c[dead] = -INF
        overrides = {}
        for key, raw, fixed in (("logSumExp", lse, lse_c), ("softmax", sm, sm_c),
                                ("logSoftmax", lsm, lsm_c)):
            if enc(raw) != enc(fixed):  # NaN-aware comparison
                overrides[key] = raw.flatten()
        case["logSumExp"] = lse_c
        case["softmax"] = sm_c.flatten()
        case["logSoftmax"] = lsm_c.flatten()
        case["allNegInfRows"] = dead.nonzero().flatten()
        if overrides:
            case["torch"] = overrides
        case["note"] = (
            "rows listed in allNegInfRows are all -Infinity: the contract gives lse=-Infinity, "
            "softmax=0, logSoftmax=-Infinity; torch's raw float64 output is under 'torch' and "
            "the F32 fields are torch's raw float32 output (NaN there)"
        )
    elif note:
        case["note"] = note
    return case


def softmax_backward_case(name, y32, dy32):
    rows, cols = y32.shape
    y64, dy64 = y32.double(), dy32.double()
    dx64 = y64 * (dy64 - (dy64 * y64).sum(-1, keepdim=True))
    dx32 = y32 * (dy32 - (dy32 * y32).sum(-1, keepdim=True))
    try:  # torch's own fused kernel, when this torch exposes it with the 1.11+ signature
        dx32 = torch._softmax_backward_data(dy32, y32, -1, torch.float32)
    except Exception:  # pragma: no cover - older/newer private signature
        pass
    return {
        "name": name,
        "kind": "softmaxBackward",
        "rows": rows,
        "cols": cols,
        "y": y32.flatten(),
        "dy": dy32.flatten(),
        "dx": dx64.flatten(),
        "dxF32": dx32.flatten(),
    }


def softplus64(x64):
    # exact log1p(exp(x)) (beta=1, no linear threshold)
    return torch.clamp_min(x64, 0) + torch.log1p(torch.exp(-x64.abs()))


def elementwise_case(name, x32, note=None):
    x64 = x32.double()
    case = {
        "name": name,
        "kind": "elementwise",
        "x": x32,
        "sigmoid": torch.sigmoid(x64),
        "logSigmoid": F.logsigmoid(x64),
        "softplus": softplus64(x64),
        "sigmoidF32": torch.sigmoid(x32),
        "logSigmoidF32": F.logsigmoid(x32),
        "softplusF32": F.softplus(x32),  # torch default: beta=1, threshold=20
    }
    if note:
        case["note"] = note
    return case


def logit_case(name, p32, note=None):
    p64 = p32.double()
    case = {
        "name": name,
        "kind": "logit",
        "p": p32,
        "logit": torch.logit(p64),
        "logitF32": torch.logit(p32),
    }
    if note:
        case["note"] = note
    return case


def check_elementwise(case):
    """Cross-check torch's float64 elementwise results against the standard library."""
    for xv, s, ls, sp in zip(case["x"].tolist(), case["sigmoid"].tolist(),
                             case["logSigmoid"].tolist(), case["softplus"].tolist()):
        if math.isnan(xv):
            assert math.isnan(s) and math.isnan(ls) and math.isnan(sp)
            continue
        if math.isinf(xv):
            continue
        # reference: sigma(x) = 1/(1+e^-x) ; log sigma(x) = -softplus(-x)
        ref_s = 1.0 / (1.0 + math.exp(-xv)) if xv > -700 else math.exp(xv)
        ref_sp = max(xv, 0.0) + math.log1p(math.exp(-abs(xv)))
        ref_ls = -(max(-xv, 0.0) + math.log1p(math.exp(-abs(xv))))
        for got, ref in ((s, ref_s), (sp, ref_sp), (ls, ref_ls)):
            assert abs(got - ref) <= 1e-14 * abs(ref) + 1e-300, (xv, got, ref)


def gen_softmax(seed):
    g = torch.Generator().manual_seed(seed)
    cases = []

    # (shape, temperatures, temperatures that also store the float32 softmax arrays); the
    # long rows are trimmed to keep the fixtures small (T=0.5 is an exact rescaling anyway)
    temps = (1.0, 0.5, 3.7)
    plan = [((1, 1), temps, temps), ((3, 7), temps, temps), ((4, 33), temps, temps),
            ((2, 1000), temps, (1.0,)), ((1, 4099), (1.0, 3.7), (1.0,))]
    for (rows, cols), ts, ts_f32 in plan:
        x = torch.randn(rows, cols, generator=g, dtype=torch.float32) * 3
        for t in ts:
            cases.append(rowwise_case(f"random-{rows}x{cols}-T{t:g}", x, t,
                                      f32_arrays=t in ts_f32))

    # masked rows: some -inf entries, a row with a single finite entry, a row all -inf
    x = torch.randn(4, 9, generator=g, dtype=torch.float32) * 2
    x[0, [1, 4, 5]] = -INF
    x[1, :] = -INF
    x[1, 6] = 0.75
    x[2, :] = -INF  # all -inf
    x[3, [0, 8]] = -INF
    for t in (1.0, 3.7):
        cases.append(rowwise_case(f"masked-4x9-T{t:g}", x, t))
    x = torch.full((2, 40), -INF)
    x[1, ::3] = torch.randn(14, generator=g, dtype=torch.float32)
    cases.append(rowwise_case("masked-2x40-first-row-all-neginf-T1", x, 1.0))
    cases.append(rowwise_case("masked-1x1-neginf-T1", f32([[-INF]]), 1.0))

    # huge magnitudes (finite): no overflow in exp(x - max), lse close to max
    huge = f32([
        [3e38, -3e38, 1e30, -1e30, 0.0, 1.0],
        [3e38, 3e38, 3e38, 3e38, 3e38, 3e38],
        [-3e38, -3e38, -3e38, -3e38, -3e38, -3e38],
        [1e30, 1e30, 0.0, -1e30, 1e30, -3e38],
        [-1e30, -1e30, -1e30, -1e30 * (1 + 2**-23), -3e38, -3e38],
        [1e30, -INF, 2.5, -INF, 1e30, -1e30],
    ])
    for t in (1.0, 3.7):
        cases.append(rowwise_case(f"huge-6x6-T{t:g}", huge, t,
                                  note="finite values up to 3e38; exp(x-max) must not overflow. "
                                       "logSoftmax entries below -3.4e38 (e.g. -3e38 - 3e38) "
                                       "are finite in float64 but -Infinity in float32"))
    # T=0.5 only with |x| <= 1e30 (x/0.5 would overflow float32 for 3e38)
    huge2 = f32([[1e30, -1e30, 0.0, 1e30 * (1 - 2**-23)], [-1e30, -1e30, -1e30, -INF]])
    cases.append(rowwise_case("huge-2x4-T0.5", huge2, 0.5))

    # softmaxBackward: y = softmax(x) in float32, dy random
    for rows, cols in [(1, 1), (3, 7), (4, 33), (1, 1000)]:
        x = torch.randn(rows, cols, generator=g, dtype=torch.float32) * 2
        y = torch.softmax(x, -1)
        dy = torch.randn(rows, cols, generator=g, dtype=torch.float32)
        cases.append(softmax_backward_case(f"backward-{rows}x{cols}", y, dy))
    x = torch.randn(3, 12, generator=g, dtype=torch.float32)
    x[0, [2, 3, 7]] = -INF
    y = torch.softmax(x, -1)
    y[2] = 0.0  # contract: an all -inf row has a zero softmax row
    dy = torch.randn(3, 12, generator=g, dtype=torch.float32)
    cases.append(softmax_backward_case("backward-3x12-masked-and-zero-row", y, dy))

    # elementwise
    special = [0.0, -0.0, 1e-30, -1e-30, 1e-40, -1e-40, 1.4e-45, -1.4e-45, 0.5, -0.5, 1.0, -1.0,
               10.0, -10.0, 15.0, -15.0, 16.7, -16.7, 17.0, -17.0, 20.0, -20.0, 20.5, -20.5,
               30.0, -30.0, 36.8, -36.8, 50.0, -50.0, 87.3, -87.3, 88.0, -88.0, 88.8, -88.8,
               100.0, -100.0, 103.9, -103.9, 104.0, -104.0, 1e4, -1e4, 1e30, -1e30, 3e38, -3e38]
    cases.append(elementwise_case("elementwise-special", f32(special)))
    cases.append(elementwise_case(
        "elementwise-random", torch.randn(64, generator=g, dtype=torch.float32) * 8))
    cases.append(elementwise_case(
        "elementwise-nonfinite", f32([INF, -INF, NAN]),
        note="contract is silent; values are what torch gives (NaN propagates)"))
    for c in cases:
        if c["kind"] == "elementwise":
            check_elementwise(c)

    one_m = 1.0 - 1e-7
    cases.append(logit_case("logit-special", f32([
        0.0, 1.4e-45, 1e-40, 1e-30, 1e-7, 1e-3, 0.25, 0.5, 0.75, 0.999, one_m, 1.0 - 2**-24, 1.0
    ])))
    cases.append(logit_case("logit-random", torch.rand(32, generator=g, dtype=torch.float32)))
    cases.append(logit_case("logit-out-of-range", f32([-0.5, 1.5, -0.0, NAN, INF, -INF]),
                            note="contract is silent; torch gives NaN outside [0, 1]"))
    for c in cases:
        if c["kind"] == "logit":
            for p, l in zip(c["p"].tolist(), c["logit"].tolist()):
                if 0.0 < p < 1.0:
                    ref = math.log(p) - math.log1p(-p)
                    assert abs(l - ref) <= 1e-14 * abs(ref) + 1e-300, (p, l, ref)
    return cases


# --------------------------------------------------------------------------------------------
# cross_entropy.json
# --------------------------------------------------------------------------------------------


def ce_forward(logits, labels, opt, weight):
    """Loss for softmaxCrossEntropy semantics at logits' dtype (torch F.cross_entropy + zLoss)."""
    z = opt.get("zLoss", 0.0)
    red = opt["reduction"]
    kw = dict(ignore_index=opt["ignoreIndex"], label_smoothing=opt["labelSmoothing"], weight=weight)
    if not z:
        return F.cross_entropy(logits, labels.long(), reduction=red, **kw)
    # z-loss (not in torch): per row CE_i + zLoss * lse_i^2, ignored rows contribute 0,
    # reduction over rows like CE (mean divides by the number of non-ignored rows; weights are
    # not supported together with zLoss in these fixtures).
    assert weight is None
    per = F.cross_entropy(logits, labels.long(), reduction="none", **kw)
    keep = (labels != opt["ignoreIndex"]).to(logits.dtype)
    per = per + z * torch.logsumexp(logits, -1) ** 2 * keep
    if red == "none":
        return per
    if red == "sum":
        return per.sum()
    return per.sum() / keep.sum()


def ce_case(name, logits32, labels, opt, weight32=None, note=None):
    rows, cols = logits32.shape
    res = {}
    for suffix, dt in (("", torch.float64), ("F32", torch.float32)):
        x = logits32.to(dt).clone().requires_grad_(True)
        w = None if weight32 is None else weight32.to(dt)
        loss = ce_forward(x, labels, opt, w)
        (loss if loss.dim() == 0 else loss.sum()).backward()
        res["loss" + suffix] = loss.detach() if loss.dim() else float(loss)
        res["grad" + suffix] = x.grad.flatten()
    options = {
        "reduction": opt["reduction"],
        "ignoreIndex": opt["ignoreIndex"],
        "labelSmoothing": opt["labelSmoothing"],
        "classWeights": None if weight32 is None else weight32,
        "zLoss": opt.get("zLoss", 0.0),
    }
    case = {
        "name": name,
        "kind": "softmaxCrossEntropy",
        "rows": rows,
        "cols": cols,
        "logits": logits32.flatten(),
        "labels": labels.tolist(),
        "options": options,
        "loss": res["loss"],
        "grad": res["grad"],
        "lse": torch.logsumexp(logits32.double(), -1),
        "lossF32": res["lossF32"],
        "gradF32": res["gradF32"],
    }
    if note:
        case["note"] = note
    return case


def check_ce_plain(case, logits32, labels):
    """Independent float64 check of the plain (unweighted, unsmoothed) case."""
    o = case["options"]
    if o["labelSmoothing"] or o["classWeights"] is not None or o["zLoss"]:
        return
    x = logits32.double()
    lsm = torch.log_softmax(x, -1)
    keep = labels != o["ignoreIndex"]
    per = torch.zeros(x.shape[0], dtype=torch.float64)
    grad = torch.softmax(x, -1)
    for r in range(x.shape[0]):
        if keep[r]:
            per[r] = -lsm[r, labels[r]]
            grad[r, labels[r]] -= 1.0
        else:
            grad[r] = 0.0
    n = int(keep.sum())
    if o["reduction"] == "mean":
        if n == 0:
            assert math.isnan(case["loss"])
            return
        loss, grad = float(per.sum()) / n, grad / n
        assert abs(case["loss"] - loss) <= 1e-13 * abs(loss) + 1e-300
    elif o["reduction"] == "sum":
        loss = float(per.sum())
        assert abs(case["loss"] - loss) <= 1e-13 * abs(loss) + 1e-300
    else:
        assert torch.allclose(case["loss"], per, rtol=1e-13, atol=0)
    assert torch.allclose(case["grad"], grad.flatten(), rtol=1e-12, atol=1e-300), case["name"]


def bce_case(name, logits32, targets32, reduction, pos_weight32=None, note=None):
    """binary_cross_entropy_with_logits.

    loss/grad (float64) use the cancellation-free closed form
        l = (1-t) softplus(x) + pw t softplus(-x),   dl/dx = (1-t) sigmoid(x) - pw t sigmoid(-x)
    (algebraically torch's (1-t) x + (1+(pw-1)t) softplus(-x)), and are asserted to agree with
    torch's float64 autograd up to torch's own rounding: torch's form cancels for confident
    logits (x=-30, t=0 loses most digits of the 9.4e-14 loss; x=100, t=1 gives 0 instead of
    3.7e-44), so the closed form is the better float64 reference. lossF32/gradF32 are torch's.
    """
    rows, cols = logits32.shape
    x, t = logits32.double(), targets32.double()
    pw = torch.ones(cols, dtype=torch.float64) if pos_weight32 is None else pos_weight32.double()
    per = (1 - t) * softplus64(x) + pw * t * softplus64(-x)
    gr = (1 - t) * torch.sigmoid(x) - pw * t * torch.sigmoid(-x)
    if reduction == "mean":
        loss, gr = float(per.sum()) / per.numel(), gr / per.numel()
    elif reduction == "sum":
        loss = float(per.sum())
    else:
        loss = per.flatten()

    res = {}
    for suffix, dt in (("T64", torch.float64), ("F32", torch.float32)):
        xx = logits32.to(dt).clone().requires_grad_(True)
        pwt = None if pos_weight32 is None else pos_weight32.to(dt)
        lt = F.binary_cross_entropy_with_logits(xx, targets32.to(dt), reduction=reduction,
                                                pos_weight=pwt)
        (lt if lt.dim() == 0 else lt.sum()).backward()
        res["loss" + suffix] = lt.detach().flatten() if lt.dim() else float(lt)
        res["grad" + suffix] = xx.grad.flatten()
    # torch float64 vs closed form: absolute error bounded by a few ulp of the summands
    scale = ((x.abs() + 1) * (1 + pw)).flatten()
    tol_l = 1e-14 * (scale if reduction == "none" else scale.sum())
    assert bool(((torch.as_tensor(res["lossT64"], dtype=torch.float64)
                  - torch.as_tensor(loss, dtype=torch.float64)).abs() <= tol_l).all()), name
    assert bool(((res["gradT64"] - gr.flatten()).abs() <= 1e-14 * (1 + pw.max())).all()), name

    case = {
        "name": name,
        "kind": "bce",
        "rows": rows,
        "cols": cols,
        "logits": logits32.flatten(),
        "targets": targets32.flatten(),
        "options": {"reduction": reduction,
                    "posWeight": None if pos_weight32 is None else pos_weight32},
        "loss": loss,
        "grad": gr.flatten(),
        "lossF32": res["lossF32"],
        "gradF32": res["gradF32"],
    }
    if note:
        case["note"] = note
    return case


def gen_cross_entropy(seed):
    g = torch.Generator().manual_seed(seed)
    cases = []
    ign = -100

    def opt(reduction, ignore=ign, ls=0.0, z=0.0):
        return {"reduction": reduction, "ignoreIndex": ignore, "labelSmoothing": ls, "zLoss": z}

    # option sets: (tag, labelSmoothing, weighted, labels-mode)
    full = [
        ("plain", 0.0, False, "all"),
        ("ignore-some", 0.0, False, "some"),
        ("ignore-all", 0.0, False, "none"),
        ("ls0.1", 0.1, False, "all"),
        ("weight", 0.0, True, "all"),
        ("weight-ignore-some", 0.0, True, "some"),
        ("ls0.1-weight", 0.1, True, "all"),
        ("ls0.1-ignore-some", 0.1, False, "some"),
        ("ls0.1-weight-ignore-some", 0.1, True, "some"),
        ("ls0.1-ignore-all", 0.1, False, "none"),
        ("ls0.1-weight-ignore-all", 0.1, True, "none"),
    ]
    # bigger shapes get fewer option sets (size budget); the (4, 1000) ones only 'mean'
    mid = [s for s in full if s[0] in ("plain", "ignore-some", "ignore-all", "ls0.1", "weight",
                                       "ls0.1-weight-ignore-some")]
    big = [s for s in full if s[0] in ("plain", "ls0.1-weight-ignore-some")]
    plan = [((1, 1), full), ((5, 7), full), ((8, 33), mid), ((4, 1000), big)]
    for (rows, cols), sets in plan:
        logits = torch.randn(rows, cols, generator=g, dtype=torch.float32) * 2.5
        labels = torch.randint(0, cols, (rows,), generator=g, dtype=torch.int32)
        some = labels.clone()
        if rows > 1:
            some[torch.arange(rows) % 3 == 1] = ign
        weight = torch.rand(cols, generator=g, dtype=torch.float32) * 1.8 + 0.2
        for tag, ls, weighted, mode in sets:
            if mode == "some" and rows == 1:
                continue  # with one row, "some" is "all" or "none"
            lab = {"all": labels, "some": some, "none": torch.full_like(labels, ign)}[mode]
            for red in ("mean", "sum", "none"):
                if (rows, cols) == (4, 1000) and red != "mean":
                    continue
                note = None
                if mode == "none" and red == "mean":
                    note = ("every row ignored: torch returns NaN for reduction 'mean' "
                            "(0/0); recorded as torch gives it")
                c = ce_case(f"ce-{rows}x{cols}-{tag}-{red}", logits, lab, opt(red, ls=ls),
                            weight if weighted else None, note)
                check_ce_plain(c, logits, lab)
                cases.append(c)

    # ignore_index that is a valid class
    logits = torch.randn(5, 7, generator=g, dtype=torch.float32) * 2
    labels = torch.tensor([3, 1, 3, 6, 0], dtype=torch.int32)
    weight = torch.rand(7, generator=g, dtype=torch.float32) + 0.5
    for red in ("mean", "none"):
        cases.append(ce_case(f"ce-5x7-ignoreIndex3-{red}", logits, labels, opt(red, ignore=3),
                             note="ignoreIndex=3 is a valid class; rows with label 3 are ignored"))
        cases.append(ce_case(f"ce-5x7-ignoreIndex3-ls0.1-weight-{red}", logits, labels,
                             opt(red, ignore=3, ls=0.1), weight))

    # extreme logits (finite) and masked (-inf) logits off the label
    logits = f32([[1e30, -1e30, 0.0, 5.0], [-3e38, 3e38, 1.0, -1.0], [80.0, -80.0, 90.0, 0.0]])
    labels = torch.tensor([0, 1, 3], dtype=torch.int32)
    for red in ("mean", "none"):
        cases.append(ce_case(f"ce-3x4-huge-{red}", logits, labels, opt(red)))
    logits = torch.randn(3, 6, generator=g, dtype=torch.float32)
    logits[0, [1, 2]] = -INF
    logits[2, [0, 5]] = -INF
    labels = torch.tensor([0, 4, 3], dtype=torch.int32)
    cases.append(ce_case("ce-3x6-masked-off-label-mean", logits, labels, opt("mean")))
    cases.append(ce_case(
        "ce-3x6-masked-off-label-ls0.1-mean", logits, labels, opt("mean", ls=0.1),
        note="label smoothing with -Infinity logits: torch gives an infinite or NaN loss "
             "(smoothing puts mass on masked classes); recorded as torch gives it"))

    # z-loss (not in torch): CE + zLoss * lse^2 per row, with label smoothing 0.1
    for rows, cols in ((5, 7), (8, 33)):
        logits = torch.randn(rows, cols, generator=g, dtype=torch.float32) * 3 + 2
        labels = torch.randint(0, cols, (rows,), generator=g, dtype=torch.int32)
        for z in (1e-4, 0.01):
            for red in ("mean", "sum", "none"):
                cases.append(ce_case(
                    f"ce-{rows}x{cols}-zloss{z:g}-ls0.1-{red}", logits, labels,
                    opt(red, ls=0.1, z=z),
                    note="zLoss is not in torch: per row CE + zLoss*lse^2, then the reduction"))
        some = labels.clone()
        some[torch.arange(rows) % 3 == 1] = ign
        cases.append(ce_case(
            f"ce-{rows}x{cols}-zloss0.01-ls0.1-ignore-some-mean", logits, some,
            opt("mean", ls=0.1, z=0.01),
            note="zLoss is not in torch: ignored rows add neither CE nor zLoss*lse^2; mean "
                 "divides by the number of non-ignored rows"))

    # binary_cross_entropy_with_logits
    special = f32([[1e30, -1e30, 100.0, -100.0, 0.0, -0.0, 20.0, -20.0],
                   [1e30, -1e30, 100.0, -100.0, 0.0, 3e38, -3e38, 1e-30]])
    tgt = f32([[1.0, 0.0, 0.0, 1.0, 0.5, 1.0, 0.25, 0.75],
               [0.0, 1.0, 1.0, 0.0, 0.0, 0.5, 0.5, 1.0]])
    pw = f32([0.5, 2.0, 1.0, 3.0, 0.25, 1.5, 4.0, 1.0])
    for red in ("mean", "sum", "none"):
        cases.append(bce_case(f"bce-2x8-special-{red}", special, tgt, red))
        cases.append(bce_case(f"bce-2x8-special-posweight-{red}", special, tgt, red, pw))
    for rows, cols in ((1, 1), (4, 16), (3, 37)):
        logits = torch.randn(rows, cols, generator=g, dtype=torch.float32) * 4
        hard = (torch.rand(rows, cols, generator=g) < 0.5).to(torch.float32)
        soft = torch.rand(rows, cols, generator=g, dtype=torch.float32)
        pw = torch.rand(cols, generator=g, dtype=torch.float32) * 3 + 0.1
        for tname, t in (("hard", hard), ("soft", soft)):
            for red in ("mean", "sum", "none"):
                cases.append(bce_case(f"bce-{rows}x{cols}-{tname}-{red}", logits, t, red))
                cases.append(bce_case(f"bce-{rows}x{cols}-{tname}-posweight-{red}",
                                      logits, t, red, pw))
    return cases


# --------------------------------------------------------------------------------------------
# topk.json
# --------------------------------------------------------------------------------------------


def topk_case(name, x32, ks, flags=None):
    rows, cols = x32.shape
    results = []
    for k in ks:
        for largest in (True, False):
            v, i = torch.topk(x32, k, dim=-1, largest=largest, sorted=True)
            results.append({"k": k, "largest": largest, "sorted": True,
                            "values": v.flatten(), "indices": i.flatten().tolist()})
    case = {"name": name, "kind": "topk", "rows": rows, "cols": cols, "x": x32.flatten(),
            "results": results}
    if flags:
        case.update(flags)
    return case


def gen_topk(seed):
    g = torch.Generator().manual_seed(seed)
    cases = []
    for rows, cols in [(1, 1), (3, 17), (2, 1000), (1, 5000)]:
        x = unique_randn(g, rows, cols, scale=4.0)
        ks = sorted({k for k in (1, 5, cols) if k <= cols})
        c = topk_case(f"topk-{rows}x{cols}", x, ks)
        # self-check: values are the sorted distinct inputs, indices point at them
        for res in c["results"]:
            k, largest = res["k"], res["largest"]
            for r in range(rows):
                row = x[r].tolist()
                want = sorted(range(cols), key=lambda j: row[j], reverse=largest)[:k]
                assert res["indices"][r * k:(r + 1) * k] == want, (c["name"], k, largest)
        cases.append(c)
    note = ("documentation only: ties, NaN and +-Infinity as torch.topk (CPU) orders them; the "
            "contract puts the lower index first among ties and ranks NaN above +Infinity")
    x = f32([
        [1.0, 3.0, 3.0, NAN, INF, -INF, 3.0, 1.0, NAN, 0.0, -0.0, -INF],
        [2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0],
        [NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN],
        [-INF, -INF, 5.0, INF, INF, -1.0, NAN, -1.0, 0.5, 5.0, -INF, 0.25],
    ])
    cases.append(topk_case("topk-4x12-ties-nan-inf", x, [1, 3, 12],
                           {"tiesOrNaN": True, "note": note}))
    return cases


# --------------------------------------------------------------------------------------------
# philox.json
# --------------------------------------------------------------------------------------------

M32 = 0xFFFFFFFF
PHILOX_M0, PHILOX_M1 = 0xD2511F53, 0xCD9E8D57
PHILOX_W0, PHILOX_W1 = 0x9E3779B9, 0xBB67AE85


def mulhilo(a, b):
    p = a * b
    return (p >> 32) & M32, p & M32


def philox4x32_10(ctr, key):
    c0, c1, c2, c3 = ctr
    k0, k1 = key
    for rnd in range(10):
        if rnd:
            k0 = (k0 + PHILOX_W0) & M32
            k1 = (k1 + PHILOX_W1) & M32
        hi0, lo0 = mulhilo(PHILOX_M0, c0)
        hi1, lo1 = mulhilo(PHILOX_M1, c2)
        c0, c1, c2, c3 = hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0
    return [c0, c1, c2, c3]


def ctr_from_int(n):
    n &= (1 << 128) - 1
    return [(n >> (32 * i)) & M32 for i in range(4)]


def ctr_to_int(c):
    return sum(w << (32 * i) for i, w in enumerate(c))


def philox_stream(key, ctr_start, nblocks):
    n = ctr_to_int(ctr_start)
    out = []
    for b in range(nblocks):
        out.extend(philox4x32_10(ctr_from_int(n + b), key))
    return out


def seed_key(seed):
    return [seed % 2**32, (seed // 2**32) % 2**32]


def uniform_of(w):
    return ((w >> 9) + 0.5) * 2.0**-23


def gumbel_of(w):
    if w < 2**31:
        e = -math.log((w + 0.5) * 2.0**-32)
    else:
        e = -math.log1p(-(2**32 - w - 0.5) * 2.0**-32)
    return -math.log(e)


KATS = [
    ("kat-zero", [0, 0, 0, 0], [0, 0], [0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8]),
    ("kat-ones", [M32] * 4, [M32, M32], [0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD]),
    ("kat-pi", [0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344], [0xA4093822, 0x299F31D0],
     [0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1]),
]


def gen_philox(_seed):
    cases = []
    for name, ctr, key, want in KATS:
        got = philox4x32_10(ctr, key)
        assert got == want, (name, [f"{w:08x}" for w in got])
        cases.append({"name": name, "kind": "kat", "counter": ctr, "key": key, "output": want,
                      "outputHex": [f"{w:08x}" for w in want]})
    assert philox_stream([0, 0], [0, 0, 0, 0], 1) == KATS[0][3]

    for seed in (0, 1, 42, 2**32 + 7):
        key = seed_key(seed)
        cases.append({"name": f"stream-seed-{seed}", "kind": "stream", "seed": seed,
                      "seedDecimal": str(seed), "key": key, "counterStart": [0, 0, 0, 0],
                      "words": philox_stream(key, [0, 0, 0, 0], 16)})
    key = seed_key(42)
    cases.append({"name": "stream-carry-seed-42", "kind": "stream", "seed": 42,
                  "seedDecimal": "42", "key": key, "counterStart": [M32, M32, 0, 0],
                  "note": "3 blocks from counter (0xffffffff, 0xffffffff, 0, 0): the second "
                          "block's counter is (0, 0, 1, 0), a carry across c0, c1 into c2",
                  "words": philox_stream(key, [M32, M32, 0, 0], 3)})
    cases.append({"name": "stream-wrap-seed-42", "kind": "stream", "seed": 42,
                  "seedDecimal": "42", "key": key, "counterStart": [M32 - 1, M32, M32, M32],
                  "note": "the 128-bit counter wraps: blocks at 2^128-2, 2^128-1, then 0",
                  "words": philox_stream(key, [M32 - 1, M32, M32, M32], 3)})
    big = 2**64 - 1
    cases.append({"name": "stream-seed-2^64-1", "kind": "stream", "seedDecimal": str(big), "key": seed_key(big), "counterStart": [0, 0, 0, 0],
                  "note": "seed above 2^53, so there is no numeric 'seed': use BigInt(seedDecimal)",
                  "words": philox_stream(seed_key(big), [0, 0, 0, 0], 4)})

    words = philox_stream(seed_key(42), [0, 0, 0, 0], 16)
    uni = [uniform_of(w) for w in words]
    for u in uni:
        assert 0.0 < u < 1.0 and float(torch.tensor(u, dtype=torch.float32)) == u
    cases.append({"name": "uniform-seed-42", "kind": "uniform", "seed": 42, "key": seed_key(42),
                  "words": words, "uniform": uni})
    cases.append({"name": "gumbel-seed-42", "kind": "gumbel", "seed": 42, "key": seed_key(42),
                  "words": words, "gumbel": [gumbel_of(w) for w in words]})
    ext = [0, 1, 2**31 - 1, 2**31, 2**32 - 2, 2**32 - 1]
    gx = [gumbel_of(w) for w in ext]
    assert all(math.isfinite(v) for v in gx) and -3.2 < min(gx) and max(gx) < 23.0
    cases.append({"name": "gumbel-extremes", "kind": "gumbel", "words": ext, "gumbel": gx})
    return cases


# --------------------------------------------------------------------------------------------


FILES = {
    "softmax": (gen_softmax, SEED),
    "cross_entropy": (gen_cross_entropy, SEED + 1),
    "topk": (gen_topk, SEED + 2),
    "philox": (gen_philox, None),
}


def main(argv=None):
    root = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=root / "test" / "fixtures",
                    help="output directory (default: test/fixtures)")
    ap.add_argument("--only", choices=sorted(FILES), action="append",
                    help="generate only this file (repeatable)")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    total = 0
    for name in args.only or FILES:
        fn, seed = FILES[name]
        cases = fn(seed)
        names = [c["name"] for c in cases]
        assert len(names) == len(set(names)), f"duplicate case names in {name}"
        size = write_fixture(args.out / f"{name}.json", seed, cases)
        total += size
        print(f"{name}.json: {len(cases)} cases, {size / 1024:.1f} KiB")
    print(f"total {total / 1024:.1f} KiB (torch {torch.__version__})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
