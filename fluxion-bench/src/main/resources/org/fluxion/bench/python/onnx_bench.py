"""PyTorch side of `./fluxion bench onnx`: builds a ResNet-18-shaped network or a small transformer encoder
with random weights (seed 0), exports it to ONNX for Fluxion to import, writes an input and PyTorch's output
for it (ONNX TensorProto files) so that the Java side can check its result, and times eager inference.

args: kind (resnet18 | encoder), batch, directory to write model.onnx, input.pb and output.pb into."""
import math
import os

import torch
from torch import nn


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.down = None
        if stride != 1 or cin != cout:
            self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return torch.relu(y + (x if self.down is None else self.down(x)))


class ResNet18(nn.Module):
    """torchvision's resnet18 layout: 7x7/2 stem, max pool, four stages of two basic blocks, 1000 classes."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(),
                                  nn.MaxPool2d(3, 2, 1))
        layers, cin = [], 64
        for cout, stride in [(64, 1), (128, 2), (256, 2), (512, 2)]:
            layers += [BasicBlock(cin, cout, stride), BasicBlock(cout, cout, 1)]
            cin = cout
        self.layers = nn.Sequential(*layers)
        self.fc = nn.Linear(512, 1000)

    def forward(self, x):
        y = self.layers(self.stem(x))
        return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(y, 1), 1))


class EncoderLayer(nn.Module):
    """Post-norm transformer encoder layer (BERT's): multi-head self-attention and a GELU MLP."""

    def __init__(self, d, heads, ff):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(d, 3 * d)
        self.out = nn.Linear(d, d)
        self.norm1 = nn.LayerNorm(d)
        self.ff1 = nn.Linear(d, ff)
        self.ff2 = nn.Linear(ff, d)
        self.norm2 = nn.LayerNorm(d)

    def forward(self, x):
        b, s, d = x.shape
        q, k, v = self.qkv(x).reshape(b, s, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        att = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(d // self.heads), dim=-1)
        y = (att @ v).transpose(1, 2).reshape(b, s, d)
        x = self.norm1(x + self.out(y))
        return self.norm2(x + self.ff2(nn.functional.gelu(self.ff1(x))))


class Encoder(nn.Module):
    def __init__(self, d=256, heads=4, ff=1024, layers=4):
        super().__init__()
        self.layers = nn.Sequential(*[EncoderLayer(d, heads, ff) for _ in range(layers)])

    def forward(self, x):
        return self.layers(x)


def write_tensor(t, path):
    import onnx.numpy_helper
    with open(path, "wb") as f:
        f.write(onnx.numpy_helper.from_array(t.detach().numpy()).SerializeToString())


def setup(args):
    kind, batch, directory = args[0], int(args[1]), args[2]
    torch.manual_seed(0)
    if kind == "resnet18":
        model = ResNet18()
        x = torch.randn(batch, 3, int(args[3]), int(args[3]))
    else:
        model = Encoder()
        x = torch.randn(batch, int(args[3]), 256)
    model.eval()
    # BatchNorm with non-trivial statistics, as a trained network has.
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.1, 0.1)
            m.running_var.uniform_(0.5, 1.5)
    torch.onnx.export(model, x, os.path.join(directory, "model.onnx"), opset_version=17,
                      input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
    with torch.no_grad():
        write_tensor(x, os.path.join(directory, "input.pb"))
        write_tensor(model(x), os.path.join(directory, "output.pb"))

    def step():
        with torch.no_grad():
            return model(x)

    return step
