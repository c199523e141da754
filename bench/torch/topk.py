"""PyTorch peer of bench/sections/topk.mjs: topk into preallocated out=(values, indices)."""


def topk(t, torch):
    g = torch.Generator().manual_seed(1234)
    rows, k = t["rows"], t["k"]
    x = torch.randn(rows, t["cols"], generator=g) * 4
    v = torch.empty(rows, k)
    i = torch.empty(rows, k, dtype=torch.long)
    return lambda: torch.topk(x, k, -1, out=(v, i))


KINDS = {"topk": topk}
