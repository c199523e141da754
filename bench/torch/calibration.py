"""PyTorch peers of bench/sections/calibration.mjs: entropy and KL(U||p) by composition
(log_softmax + reductions + autograd), and temperature scaling by the usual LBFGS recipe
(Guo et al. 2017, temperature_scaling.py: T initialised to 1.5, LBFGS lr 0.01, max_iter 50)."""
import math


def _x(t, torch, requires_grad=False):
    g = torch.Generator().manual_seed(1234)
    x = torch.randn(t["rows"], t["cols"], generator=g) * 4
    return x.requires_grad_() if requires_grad else x


def entropy(t, torch):
    import torch.nn.functional as F
    x = _x(t, torch)

    def run():
        lp = F.log_softmax(x, dim=1)
        return -(lp.exp() * lp).sum(dim=1)
    return run


def kluniform(t, torch):
    import torch.nn.functional as F
    x = _x(t, torch, True)
    log_c = math.log(t["cols"])

    def run():
        loss = (-F.log_softmax(x, dim=1).mean(dim=1) - log_c).mean()
        return torch.autograd.grad(loss, x)
    return run


def fittemp(t, torch):
    import torch.nn.functional as F
    x = _x(t, torch)
    g = torch.Generator().manual_seed(77)
    # labels from softmax(x / 1.5), as the logitkit side: an over-confident model to calibrate
    y = torch.multinomial(torch.softmax(x / 1.5, dim=1), 1, generator=g).reshape(-1)

    def run():
        temperature = torch.nn.Parameter(torch.ones(1) * 1.5)
        opt = torch.optim.LBFGS([temperature], lr=0.01, max_iter=50)

        def closure():
            opt.zero_grad()
            loss = F.cross_entropy(x / temperature, y)
            loss.backward()
            return loss
        opt.step(closure)
        return float(temperature)
    return run


KINDS = {"entropy": entropy, "kluniform": kluniform, "fittemp": fittemp}
