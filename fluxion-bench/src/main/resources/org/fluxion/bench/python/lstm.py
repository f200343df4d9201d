"""PyTorch side of `./fluxion bench lstm`: a 2-layer nn.LSTM 256 -> 256, sequence 64, batch 32, time-major,
float32; one training step per call (forward, MSE against a fixed target, backward, Adam 1e-3), as
SequenceBench."""
import torch


def setup(args):
    torch.manual_seed(0)
    model = torch.nn.LSTM(256, 256, num_layers=2)
    x = torch.randn(64, 32, 256)
    target = torch.randn(64, 32, 256)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step():
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(model(x)[0], target)
        loss.backward()
        opt.step()
        return loss

    return step
