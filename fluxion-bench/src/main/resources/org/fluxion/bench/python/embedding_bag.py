"""PyTorch side of `./fluxion bench embedding-bag`: nn.EmbeddingBag(30716, 64, mode='mean', sparse=True)
with SparseAdam, a Linear(64, 1) head with Adam, binary cross-entropy with logits; one training step per
call on the batches Fluxion wrote (args: the .npz file), cycled in order, float32 (as EmbeddingBagBench)."""
import numpy as np
import torch


def setup(args):
    data = np.load(args[0])
    ids = [torch.from_numpy(a[:n].copy()) for a, n in zip(data["ids"], data["lengths"])]
    offsets = [torch.from_numpy(a.copy()) for a in data["offsets"]]
    labels = [torch.from_numpy(a.copy()) for a in data["labels"]]
    table = torch.from_numpy(data["table"])
    head_w = torch.from_numpy(data["head_weight"])
    bag = torch.nn.EmbeddingBag.from_pretrained(table.clone(), freeze=False, mode="mean", sparse=True)
    head = torch.nn.Linear(head_w.shape[1], 1)
    with torch.no_grad():
        head.weight.copy_(head_w)
        head.bias.zero_()
    sparse = torch.optim.SparseAdam(list(bag.parameters()), lr=1e-3)
    dense = torch.optim.Adam(head.parameters(), lr=1e-3)
    state = {"k": 0}

    def step():
        k = state["k"] % len(ids)
        state["k"] += 1
        sparse.zero_grad()
        dense.zero_grad()
        out = bag(ids[k], offsets[k])
        loss = torch.nn.functional.binary_cross_entropy_with_logits(head(out).squeeze(1), labels[k])
        loss.backward()
        sparse.step()
        dense.step()
        return loss

    return step
