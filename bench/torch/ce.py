"""PyTorch peer of bench/sections/ce.mjs: cross-entropy (mean) forward + backward by autograd."""


def ce(t, torch):
    import torch.nn.functional as F
    g = torch.Generator().manual_seed(1234)
    rows, cols = t["rows"], t["cols"]
    x = (torch.randn(rows, cols, generator=g) * 4).requires_grad_()
    y = torch.randint(0, cols, (rows,), generator=g)
    return lambda: torch.autograd.grad(F.cross_entropy(x, y), x)


KINDS = {"ce": ce}
