#!/usr/bin/python3
"""PyTorch baseline for trainer's TrainingStepBenchmark and for the whole demo fine-tune.

Two modes:

  /usr/bin/python3 scripts/pytorch_step.py [step] [--models digits,cnn] [--batches 32,256]
      ms per training step, the same step the JMH benchmark times: gather a batch of rows from
      models/digits/train.csv, forward, mean cross-entropy, backward, Adam (lr 0.003) in place.
      Warm-up rounds, then timed rounds of about --round-s seconds each (like JMH's iterations);
      prints the mean ms/step with the spread over rounds, and --json FILE writes the figures.

  /usr/bin/python3 scripts/pytorch_step.py fine-tune --model models/digits/model.onnx \
          --train models/digits/train.csv --val models/digits/val.csv --out DIR [--epochs 5] [--lr 0.003]
      the whole job `trainer fine-tune` does with the same options, as one process: load the
      ONNX weights and the CSVs, validate before training, train (Adam, batch 32, reshuffled each
      epoch, last partial batch kept), validate after each epoch, write DIR/metrics.jsonl (a line
      per step and per epoch) and DIR/model.onnx (the original graph with the trained values).
      For timing whole commands side by side with the trainer launcher.

Models, built in PyTorch and started from the weights in their ONNX files (read with `onnx`):
  digits  models/digits/model.onnx: x / 16 -> Linear(64, 128) -> ReLU -> Linear(128, 10)
  cnn     java/src/test/resources/fixtures/cnn/model.onnx (defined in make_sgd_fixtures.py):
          Conv(1->8, 3x3, pad 1) -> BN -> ReLU -> MaxPool 2 -> Conv(8->16, 3x3, pad 1, groups 2)
          -> BN -> ReLU -> AvgPool 2 -> Flatten -> Linear(64, 10), on the raw pixels as [B,1,8,8]
          (trainer's CSV reader feeds them unscaled too). BN in eval mode: running statistics
          frozen, scale and bias trained, as trainer trains inference-form BN.

fp32, torch.set_num_threads(2) (this machine has 2 cores; ONNX Runtime uses one thread per
core). Needs Debian's python (torch 1.13, onnx 1.12): the pyenv python3 on PATH has no torch.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import onnx
import onnx.numpy_helper
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_baseline  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIGITS_MODEL = os.path.join(ROOT, "models", "digits", "model.onnx")
CNN_MODEL = os.path.join(ROOT, "java", "src", "test", "resources", "fixtures", "cnn", "model.onnx")
TRAIN_CSV = os.path.join(ROOT, "models", "digits", "train.csv")
LR = 0.003
SEED = 42


class DigitsMLP(nn.Module):
    """models/digits/model.onnx: Div(16) -> Gemm(64->128, transB) -> Relu -> Gemm(128->10)."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(64, 128)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        return self.fc2(self.relu(self.fc1(x / 16.0)))


class CNN(nn.Module):
    """The cnn fixture, as scripts/make_sgd_fixtures.py defines it."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.relu1 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1, groups=2)
        self.bn2 = nn.BatchNorm2d(16)
        self.relu2 = nn.ReLU()
        self.pool2 = nn.AvgPool2d(2, count_include_pad=False)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(16 * 2 * 2, 10)

    def forward(self, x):
        x = self.pool1(self.relu1(self.bn1(self.conv1(x))))
        x = self.pool2(self.relu2(self.bn2(self.conv2(x))))
        return self.fc(self.flatten(x))


def load_model(kind, path):
    """Builds the module and copies every initializer of the ONNX file into its state_dict."""
    model = DigitsMLP() if kind == "digits" else CNN()
    initializers = {t.name: onnx.numpy_helper.to_array(t) for t in onnx.load(path).graph.initializer}
    state = model.state_dict()
    for name in state:
        if name.endswith("num_batches_tracked"):
            continue
        if name not in initializers:
            sys.exit("%s: no initializer %s (has %s)" % (path, name, sorted(initializers)))
        value = torch.from_numpy(initializers[name].copy())
        if value.shape != state[name].shape:
            sys.exit("%s: %s is %s, expected %s" % (path, name, tuple(value.shape), tuple(state[name].shape)))
        state[name] = value
    model.load_state_dict(state)
    model.eval()  # inference-form BN (frozen statistics), as trainer trains it; the MLP has no mode
    return model, initializers


def read_csv(path, kind):
    """Pixels as float32 ([N,64] or [N,1,8,8] for the cnn), labels as int64; raw values 0..16."""
    with open(path) as f:
        header = f.readline().strip().split(",")
    data = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float32, ndmin=2)
    label = header.index("label")
    x = np.delete(data, label, axis=1)
    y = data[:, label].astype(np.int64)
    if kind == "cnn":
        x = x.reshape(-1, 1, 8, 8)
    return torch.from_numpy(np.ascontiguousarray(x)), torch.from_numpy(y)


def train_step(model, optimizer, x, y):
    optimizer.zero_grad(set_to_none=True)
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    optimizer.step()
    return loss


def time_steps(kind, batch, warmup_rounds, rounds, round_s):
    """Mean ms/step over timed rounds of about round_s seconds each, and each round's figure."""
    model, _ = load_model(kind, DIGITS_MODEL if kind == "digits" else CNN_MODEL)
    x, y = read_csv(TRAIN_CSV, kind)
    optimizer = torch.optim.Adam(model.parameters(), lr=LR)
    generator = torch.Generator().manual_seed(SEED)
    # Only full batches, cycled in a fixed shuffled order, as the JMH benchmark does.
    batches = [b for _ in range(4) for b in torch.randperm(len(x), generator=generator).split(batch)
               if len(b) == batch]
    state = {"next": 0}

    def step():
        indices = batches[state["next"]]
        state["next"] = (state["next"] + 1) % len(batches)
        return train_step(model, optimizer, x[indices], y[indices])

    figures = []
    for r in range(warmup_rounds + rounds):
        steps = 0
        start = time.perf_counter()
        while True:
            loss = step()
            steps += 1
            elapsed = time.perf_counter() - start
            if elapsed >= round_s:
                break
        if not torch.isfinite(loss):
            sys.exit("%s batch %d: the loss became %s" % (kind, batch, loss.item()))
        if r >= warmup_rounds:
            figures.append(1000.0 * elapsed / steps)
    return sum(figures) / len(figures), figures


def step_mode(args):
    results = []
    print("PyTorch %s, %d threads, fp32, Adam lr %g" % (torch.__version__, torch.get_num_threads(), LR))
    print("%-8s %6s %12s   %s" % ("model", "batch", "ms/step", "rounds"))
    for kind in args.models.split(","):
        for batch in (int(b) for b in args.batches.split(",")):
            mean, figures = time_steps(kind, batch, args.warmup, args.rounds, args.round_s)
            spread = (max(figures) - min(figures)) / 2
            print("%-8s %6d %8.3f ±%5.3f   %s" % (kind, batch, mean, spread, " ".join("%.3f" % f for f in figures)),
                  flush=True)
            results.append({"model": kind, "batch": batch, "ms_per_step": mean, "rounds_ms": figures})
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"torch": torch.__version__, "threads": torch.get_num_threads(), "results": results}, f, indent=1)


def evaluate(model, x, y, batch):
    with torch.no_grad():
        loss_sum, correct = 0.0, 0
        for start in range(0, len(x), batch):
            logits = model(x[start:start + batch])
            loss_sum += F.cross_entropy(logits, y[start:start + batch], reduction="sum").item()
            correct += int((logits.argmax(1) == y[start:start + batch]).sum())
    return loss_sum / len(x), correct / len(x)


def fine_tune_mode(args):
    if os.path.isdir(args.out) and os.listdir(args.out):
        sys.exit("--out %s exists and is not empty; choose a new folder" % args.out)
    kind = "cnn" if len(onnx.load(args.model).graph.input[0].type.tensor_type.shape.dim) == 4 else "digits"
    model, _ = load_model(kind, args.model)
    x, y = read_csv(args.train, kind)
    vx, vy = read_csv(args.val, kind) if args.val else (None, None)
    os.makedirs(args.out, exist_ok=True)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    generator = torch.Generator().manual_seed(args.seed)
    if vx is not None:
        loss, accuracy = evaluate(model, vx, vy, args.batch_size)
        print("before fine-tuning  val_loss %.4f  val_accuracy %.4f" % (loss, accuracy))
    step = 0
    with open(os.path.join(args.out, "metrics.jsonl"), "w") as metrics:
        for epoch in range(1, args.epochs + 1):
            epoch_start = time.perf_counter()
            loss_sum = 0.0
            for indices in torch.randperm(len(x), generator=generator).split(args.batch_size):
                t0 = time.perf_counter()
                value = train_step(model, optimizer, x[indices], y[indices]).item()
                step += 1
                loss_sum += value * len(indices)
                metrics.write(json.dumps({"event": "step", "epoch": epoch, "step": step, "loss": value, "lr": args.lr,
                                          "step_ms": (time.perf_counter() - t0) * 1000}) + "\n")
            record = {"event": "epoch", "epoch": epoch, "train_loss": loss_sum / len(x)}
            line = "epoch %3d  train_loss %.4f" % (epoch, record["train_loss"])
            if vx is not None:
                record["val_loss"], record["val_accuracy"] = evaluate(model, vx, vy, args.batch_size)
                line += "  val_loss %.4f  val_accuracy %.4f" % (record["val_loss"], record["val_accuracy"])
            metrics.write(json.dumps(record) + "\n")
            print(line + "  (%.1f s)" % (time.perf_counter() - epoch_start), flush=True)
    # The original graph with the trained values, as trainer exports it.
    exported = onnx.load(args.model)
    trained = model.state_dict()
    for t in exported.graph.initializer:
        if t.name in trained:
            t.CopyFrom(onnx.numpy_helper.from_array(trained[t.name].numpy(), t.name))
    onnx.save(exported, os.path.join(args.out, "model.onnx"))
    if vx is not None:
        print("validation accuracy: %.2f%% (%d samples)" % (100 * record["val_accuracy"], len(vx)))
    print("fine-tuned model: %s" % os.path.join(args.out, "model.onnx"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", nargs="?", default="step", choices=["step", "fine-tune"])
    parser.add_argument("--threads", type=int, default=2)
    step = parser.add_argument_group("step")
    step.add_argument("--models", default="digits,cnn")
    step.add_argument("--batches", default="32,256")
    step.add_argument("--warmup", type=int, default=3, help="warm-up rounds (default 3)")
    step.add_argument("--rounds", type=int, default=5, help="timed rounds (default 5)")
    step.add_argument("--round-s", type=float, default=1.0, help="seconds per round (default 1)")
    step.add_argument("--json", help="also write the figures to this file")
    job = parser.add_argument_group("fine-tune")
    job.add_argument("--model", default=DIGITS_MODEL)
    job.add_argument("--train", default=TRAIN_CSV)
    job.add_argument("--val")
    job.add_argument("--out")
    job.add_argument("--epochs", type=int, default=5)
    job.add_argument("--batch-size", type=int, default=32)
    job.add_argument("--lr", type=float, default=LR)
    job.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch_baseline.require_openblas()
    torch.set_default_dtype(torch.float32)
    if args.mode == "fine-tune":
        if not args.out:
            parser.error("fine-tune needs --out DIR")
        fine_tune_mode(args)
    else:
        step_mode(args)


if __name__ == "__main__":
    main()
