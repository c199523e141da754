"""PyTorch peers of bench/sections/logsoftmax.mjs and softmax.mjs: log_softmax and softmax into
a preallocated out=."""


def _rows(t, torch):
    g = torch.Generator().manual_seed(1234)
    x = torch.randn(t["rows"], t["cols"], generator=g) * 4
    return x, torch.empty_like(x)


def logsoftmax(t, torch):
    x, out = _rows(t, torch)
    return lambda: torch.log_softmax(x, -1, out=out)


def softmax(t, torch):
    x, out = _rows(t, torch)
    return lambda: torch.softmax(x, -1, out=out)


KINDS = {"logsoftmax": logsoftmax, "softmax": softmax}
