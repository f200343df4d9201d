"""PyTorch side of `./fluxion bench transformer`: one nn.TransformerEncoderLayer d=256, 4 heads, feed-forward
2048 (the default), dropout 0, batch-first, sequence 128, batch 16, float32; one training step per call
(forward, MSE against a fixed target, backward, Adam 1e-3), as SequenceBench."""
import torch


def setup(args):
    torch.manual_seed(0)
    model = torch.nn.TransformerEncoderLayer(256, 4, dropout=0.0, batch_first=True)
    x = torch.randn(16, 128, 256)
    target = torch.randn(16, 128, 256)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step():
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(model(x), target)
        loss.backward()
        opt.step()
        return loss

    return step
