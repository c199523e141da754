"""PyTorch peer of bench/sections/softmax.mjs: softmax into a preallocated out=."""


def softmax(t, torch):
    g = torch.Generator().manual_seed(1234)
    x = torch.randn(t["rows"], t["cols"], generator=g) * 4
    out = torch.empty_like(x)
    return lambda: torch.softmax(x, -1, out=out)


KINDS = {"softmax": softmax}
