"""PyTorch peers of bench/sections/nce.mjs: the NCE loss forward + backward by autograd, and the
skip-gram embedding step (embedding + bmm + logsigmoid + backward + SGD)."""
import math


def nce_loss(t, torch):
    # Configurations (CPU ms, 1 thread, AMD EPYC Zen 4, measured in the CHANGELOG): "manual"
    # (no autograd: softplus for the loss, sigmoid for the gradient, the closed form) is
    # PyTorch's fastest stable one; autograd over softplus(sign·Δ) or logsigmoid comes next,
    # then binary_cross_entropy_with_logits and the split form (logsigmoid of column 0 and of
    # −columns 1..k).
    import torch.nn.functional as F
    g = torch.Generator().manual_seed(1234)
    rows, cols = t["rows"], t["cols"]
    k = cols - 1
    s = (torch.randn(rows, cols, generator=g) * 4).requires_grad_()
    lq = -torch.rand(rows, cols, generator=g) * 10 - 1
    off = math.log(k) + lq
    sign = torch.ones(cols)
    sign[0] = -1
    if t.get("manual"):
        s0 = s.detach()

        def manual():
            with torch.no_grad():
                z = (s0 - off) * sign
                loss = F.softplus(z).sum() / rows
                return loss, torch.sigmoid(z).mul_(sign).div_(rows)
        return manual
    if t.get("split"):
        def f():
            d = s - off
            loss = -(F.logsigmoid(d[:, 0]).sum() + F.logsigmoid(-d[:, 1:]).sum()) / rows
            return torch.autograd.grad(loss, s)
        return f
    return lambda: torch.autograd.grad(F.softplus((s - off) * sign).sum() / rows, s)


def _pairs(torch, g, V, B, k):
    """The unigram^0.75 noise distribution, B (centre, context) pairs drawn from it, and the
    sign pattern (−1 for the data column) shared by both step variants."""
    q = 1.0 / torch.arange(1, V + 1, dtype=torch.float64) ** 0.75
    q = (q / q.sum()).float()
    centre = torch.multinomial(q, B, replacement=True, generator=g)
    context = torch.multinomial(q, B, replacement=True, generator=g)
    sign = torch.ones(1 + k)
    sign[0] = -1
    return q, centre, context, sign


def nce_step_manual(t, torch):
    """The same step without autograd: index_select the rows, bmm for the scores, the closed-form
    gradient (sigmoid), bmm / broadcasting for the row gradients and index_add_ into the tables
    (duplicates accumulate, as the sparse gradients do). As fast as sparse autograd here."""
    import torch.nn.functional as F
    g = torch.Generator().manual_seed(1234)
    V, dim, B, k = t["V"], t["dim"], t["B"], t["k"]
    win = (torch.rand(V, dim, generator=g) - 0.5) / dim
    wout = torch.zeros(V, dim)
    q, centre, context, sign = _pairs(torch, g, V, B, k)
    lr = 0.025

    def step():
        with torch.no_grad():
            noise = torch.multinomial(q, B * k, replacement=True, generator=g).view(B, k)
            words = torch.cat([context.view(B, 1), noise], 1).view(-1)
            c = win.index_select(0, centre)                       # B × dim
            w = wout.index_select(0, words).view(B, 1 + k, dim)    # B × (1+k) × dim
            z = torch.bmm(w, c.unsqueeze(2)).squeeze(2).mul_(sign)  # softplus argument
            loss = F.softplus(z).sum()
            gs = torch.sigmoid(z).mul_(sign * lr)                  # lr·∂loss/∂s
            win.index_add_(0, centre, torch.bmm(gs.unsqueeze(1), w).squeeze(1), alpha=-1)
            wout.index_add_(0, words, (gs.unsqueeze(2) * c.unsqueeze(1)).view(-1, dim), alpha=-1)
            return loss
    return step


def nce_step(t, torch):
    """One SGD step on B pairs: noise by torch.multinomial, scores by bmm, NCE loss, backward,
    SGD. sparse=True (sparse embedding gradients) and the manual step above are PyTorch's best
    configurations here; sparse=False is the default (dense V×dim gradients)."""
    import torch.nn.functional as F
    if t.get("manual"):
        return nce_step_manual(t, torch)
    g = torch.Generator().manual_seed(1234)
    V, dim, B, k = t["V"], t["dim"], t["B"], t["k"]
    sparse = t.get("sparse", True)
    emb_in = torch.nn.Embedding(V, dim, sparse=sparse)
    emb_out = torch.nn.Embedding(V, dim, sparse=sparse)
    with torch.no_grad():
        emb_in.weight.uniform_(-0.5 / dim, 0.5 / dim)
        emb_out.weight.zero_()
    q, centre, context, sign = _pairs(torch, g, V, B, k)
    opt = torch.optim.SGD(list(emb_in.parameters()) + list(emb_out.parameters()), lr=0.025)

    def step():
        noise = torch.multinomial(q, B * k, replacement=True, generator=g).view(B, k)
        words = torch.cat([context.view(B, 1), noise], 1)
        c = emb_in(centre).unsqueeze(2)               # B × dim × 1
        w = emb_out(words)                             # B × (1+k) × dim
        s = torch.bmm(w, c).squeeze(2)                 # B × (1+k)
        loss = -F.logsigmoid(-s * sign).sum()          # negative sampling: Δ = s
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return loss
    return step


KINDS = {"nce-loss": nce_loss, "nce-step": nce_step}
