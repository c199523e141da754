"""PyTorch peer of bench/sections/logsoftmax.mjs: log_softmax into a preallocated out=."""


def logsoftmax(t, torch):
    g = torch.Generator().manual_seed(1234)
    x = torch.randn(t["rows"], t["cols"], generator=g) * 4
    out = torch.empty_like(x)
    return lambda: torch.log_softmax(x, -1, out=out)


KINDS = {"logsoftmax": logsoftmax}
