"""PyTorch peer of bench/sections/sample.mjs: multinomial(softmax(x), k)."""


def multinomial(t, torch):
    g = torch.Generator().manual_seed(1234)
    x = torch.randn(t["rows"], t["cols"], generator=g) * 4
    k = t.get("k", 1)
    # multinomial(softmax(x), k): for k = 1, or without replacement, torch 1.13+ takes its
    # fast path (argmax / topk of p / Exp(1) noise)
    return lambda: torch.multinomial(torch.softmax(x, -1), k, replacement=False)


KINDS = {"multinomial": multinomial}
