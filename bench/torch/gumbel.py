"""PyTorch peer of bench/sections/gumbel.mjs: Gumbel noise in place in a preallocated tensor."""


def gumbel(t, torch):
    out = torch.empty(t["n"])
    return lambda: out.uniform_().log_().neg_().log_().neg_()


KINDS = {"gumbel": gumbel}
