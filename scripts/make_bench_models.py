#!/usr/bin/python3
"""Vision models for the step benchmarks and their PyTorch float64 gradient references.

  /usr/bin/python3 scripts/make_bench_models.py [--out build/bench-models] [--fixtures]

For each model this script
  1. builds it with torchvision 0.14 (random init, fixed seed, 10 classes), perturbs the
     parameters that start constant (BatchNorm's scale 1 and bias 0, zero Linear biases: the
     exporter would otherwise be free to merge equal tensors, and trainer trains each one) and
     gives BatchNorm non-trivial running statistics (the cumulative average of a few train-mode
     forward passes over random images, no gradient step), then switches to eval();
  2. exports it with the TorchScript exporter, opset 14, input `input` [batch, 3, S, S] and output
     `logits`, in inference form with BatchNormalization kept as its own node
     (TrainingMode.PRESERVE with the model in eval(), which skips the exporter's Conv+BN fusion);
  3. writes one training batch (random images, fixed seed, labels 0..9 in turn) and PyTorch's
     float64 gradient of the mean cross-entropy over the batch's first rows for every trainable
     parameter (trainer's float32 gradients are checked against it, relative 1e-4 per tensor).

Files per model, in OUT/<name>/ (git-ignored: ResNet-18 is 45 MB):
  model.onnx      the exported model; initializers named as PyTorch's state_dict
  train.npz       input (float32 [32, 3, S, S]), labels (int64 [32]): the benchmark's batch
  gradients.npz   rows ([1]): the reference is over the batch's first `rows` rows (see
                  reference_gradients); loss ([1]); and d loss / d p keyed by initializer name for
                  every parameter trainer trains (BatchNorm running statistics excluded):
                  computed in float64, stored as float32 (6e-8 relative, far below the 1e-4
                  the tests allow)

Models: resnet18 and mobilenetv3 (mobilenet_v3_small) at 64x64, the benchmark pair. With
--fixtures, two small models of the same families are written instead into the test fixtures
(java/src/test/resources/fixtures/{resnet_tiny,mobilenet_tiny}, with a batch of 4): every
kind of layer the big ones have (strided 7x7 stem, MaxPool with padding, residual blocks with a
1x1 strided downsample, depthwise and grouped convolutions, squeeze-excitation, HardSwish), at
a size that can be committed.

Needs torch 1.13, torchvision 0.14 and onnx (Debian's /usr/bin/python3); not run at test time.
The outputs are deterministic for a given torch build.
"""
import argparse
import os
import warnings

import numpy as np
import onnx
import onnx.numpy_helper
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
from torchvision.models.resnet import BasicBlock

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OPSET = 14
CLASSES = 10
SEED = 7

warnings.filterwarnings("ignore", message="It is recommended that constant folding")
torch.set_num_threads(1)


class TinyResNet(nn.Module):
    """ResNet-18's layer kinds at a committable size: the stem, MaxPool, a plain and a strided block."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(8)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, stride=2, padding=1)
        downsample = nn.Sequential(nn.Conv2d(8, 16, 1, stride=2, bias=False), nn.BatchNorm2d(16))
        self.layer1 = BasicBlock(8, 8)
        self.layer2 = BasicBlock(8, 16, stride=2, downsample=downsample)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(16, CLASSES)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer2(self.layer1(x))
        return self.fc(torch.flatten(self.avgpool(x), 1))


def build(name):
    torch.manual_seed(SEED)
    if name == "resnet18":
        return torchvision.models.resnet18(num_classes=CLASSES), 64, 32
    if name == "mobilenetv3":
        return torchvision.models.mobilenet_v3_small(num_classes=CLASSES), 64, 32
    if name == "resnet_tiny":
        return TinyResNet(), 24, 4
    if name == "mobilenet_tiny":
        return torchvision.models.mobilenet_v3_small(num_classes=CLASSES, width_mult=0.25), 32, 4
    raise SystemExit("unknown model " + name)


def perturb(model, size):
    """Non-constant BN affine parameters and biases, and running statistics from random batches."""
    generator = torch.Generator().manual_seed(SEED + 1)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, nn.BatchNorm2d):
                module.weight.copy_(1 + 0.1 * torch.randn(module.weight.shape, generator=generator))
                module.bias.copy_(0.1 * torch.randn(module.bias.shape, generator=generator))
                module.momentum = None  # cumulative average over the passes below
                module.reset_running_stats()
            elif isinstance(module, (nn.Linear, nn.Conv2d)) and module.bias is not None:
                module.bias.copy_(0.05 * torch.randn(module.bias.shape, generator=generator))
        model.train()
        for _ in range(4):
            model(torch.randn(16, 3, size, size, generator=generator))
    model.eval()


def export(model, size, path):
    torch.onnx.export(model, torch.zeros(1, 3, size, size), path, export_params=True, opset_version=OPSET,
                      do_constant_folding=True, keep_initializers_as_inputs=False,
                      training=torch.onnx.TrainingMode.PRESERVE,
                      input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
    exported = onnx.load(path)
    onnx.checker.check_model(exported, full_check=True)
    initializers = {t.name: onnx.numpy_helper.to_array(t) for t in exported.graph.initializer}
    for key, value in model.state_dict().items():
        if key.endswith("num_batches_tracked"):
            continue
        if key not in initializers:
            raise SystemExit("%s: initializer %s missing" % (path, key))
        np.testing.assert_array_equal(initializers[key], value.numpy(), err_msg=key)
    for node in exported.graph.node:
        if node.op_type == "BatchNormalization" and len(node.output) != 1:
            raise SystemExit("%s: BatchNormalization is not in inference form" % path)
        if node.op_type == "Dropout":
            raise SystemExit("%s: Dropout survived the export" % path)


def gradients(model, x, y, dtype):
    model.to(dtype).zero_grad(set_to_none=True)
    loss = F.cross_entropy(model(torch.from_numpy(x).to(dtype)), torch.from_numpy(y))
    loss.backward()
    return loss.item(), {name: p.grad.numpy().astype(np.float64) for name, p in model.named_parameters()}


def reference_gradients(model, x, y):
    """Batch-mean cross-entropy and its float64 gradient for every parameter, over the first rows
    of the batch: the most rows (halving from all) on which PyTorch's own float32 gradients agree
    with float64 to 1e-5 per tensor. On more rows some ReLU input lies within float32 rounding of
    0 and flips its mask in float32 (ResNet-18 at 32 rows: PyTorch float32 is 3e-3 off float64),
    and no float32 implementation could match the reference there."""
    rows = len(x)
    while True:
        loss, reference = gradients(model, x[:rows], y[:rows], torch.float64)
        _, single = gradients(model, x[:rows], y[:rows], torch.float32)
        error = max(np.linalg.norm(single[n] - g) / max(np.linalg.norm(g), 1e-30) for n, g in reference.items())
        if error <= 1e-5 or rows == 1:
            break
        rows //= 2
    if error > 1e-5:
        raise SystemExit("PyTorch float32 is %.1e off float64 even on one row" % error)
    model.float()
    grads = {"loss": np.array([loss], dtype=np.float32), "rows": np.array([rows], dtype=np.int64)}
    grads.update({name: g.astype(np.float32) for name, g in reference.items()})
    return grads


def write(name, out):
    model, size, batch = build(name)
    perturb(model, size)
    folder = os.path.join(out, name)
    os.makedirs(folder, exist_ok=True)
    export(model, size, os.path.join(folder, "model.onnx"))
    generator = torch.Generator().manual_seed(SEED + 2)
    x = torch.randn(batch, 3, size, size, generator=generator).numpy()
    y = (np.arange(batch) % CLASSES).astype(np.int64)
    np.savez(os.path.join(folder, "train.npz"), input=x, labels=y)
    grads = reference_gradients(model, x, y)
    np.savez(os.path.join(folder, "gradients.npz"), **grads)
    params = sum(p.numel() for p in model.parameters())
    print("%s: %d parameters, %dx%d, batch %d, reference over %d rows, loss %.6f -> %s"
          % (name, params, size, size, batch, grads["rows"][0], grads["loss"][0], folder))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=os.path.join(ROOT, "build", "bench-models"))
    parser.add_argument("--fixtures", action="store_true",
                        help="write the small test fixtures into java/src/test/resources/fixtures instead")
    args = parser.parse_args()
    if args.fixtures:
        for name in ("resnet_tiny", "mobilenet_tiny"):
            write(name, os.path.join(ROOT, "java", "src", "test", "resources", "fixtures"))
    else:
        for name in ("resnet18", "mobilenetv3"):
            write(name, args.out)


if __name__ == "__main__":
    main()
