#!/usr/bin/python3
"""Generate the PyTorch reference fixtures for the Java trainer's gradient tests.

For every fixture this script
  1. builds a small model with fixed seeds (float32, CPU, deterministic algorithms),
  2. (cnn only) runs a few train-mode forward passes so BatchNorm gets non-trivial
     running statistics, then switches to eval(),
  3. exports the UNTRAINED model to ONNX in eval/inference form, keeping
     BatchNormalization as its own node (training=TrainingMode.PRESERVE, which skips
     the exporter's Conv+BN fusion pass),
  4. runs `steps` plain SGD steps (momentum 0, weight decay 0) in eval mode on one
     fixed batch (the whole batch every step), recording the loss at each step, in
     float64 (the exported float32 values cast), so that the fixtures hold trainer's
     float32 steps to their own rounding,
  5. records the outputs on a fixed held-out batch before and after training.

Files written to java/src/test/resources/fixtures/<name>/:
  model.onnx        exported model before training
  train.npz         input (float32), labels (int64 for cross-entropy, float32 [B,1] for mse)
  held.npz          input (float32)
  expected.npz      logits_before, logits_after (the float64 model's output on held input, as float32)
  grads_step0.npz   gradient of the loss w.r.t. every trainable parameter at step 0
                    (before any update), keyed by the ONNX initializer name
  params_after.npz  every trainable parameter after the last step, same keys
  fixture.json      hyper-parameters, PyTorch's losses, parameter names/shapes, op types

Run:  /usr/bin/python3 scripts/make_sgd_fixtures.py
Needs torch (1.13 tested) and onnx (1.12 tested); not run at test time.
"""
import copy
import json
import os
import sys
import warnings

import numpy as np
import onnx
import onnx.numpy_helper
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy_onnx  # noqa: E402  (independent NumPy evaluation of the exported graph)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "java", "src", "test", "resources", "fixtures")
DATA = os.environ.get("TRAINER_DATASETS")
OPSET = 13
STEPS = 5
TRAIN_ROWS = 32
HELD_ROWS = 16

# The exporter warns about constant folding with TrainingMode.PRESERVE; the models are
# in eval() mode, and check_onnx() verifies every parameter survives unchanged.
warnings.filterwarnings("ignore", message="It is recommended that constant folding")
torch.use_deterministic_algorithms(True)
torch.set_num_threads(1)
torch.set_default_dtype(torch.float32)


def load_csv(name):
    # checked here, not on import: the zoo and the LoRA fixtures' generator import this module or
    # its neighbours and read no data set
    if not DATA:
        sys.exit("set TRAINER_DATASETS to the folder holding digits.csv and diabetes.csv (see scripts/README.md)")
    path = os.path.join(DATA, name)
    with open(path) as f:
        header = f.readline().strip().split(",")
    arr = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float64)
    return header, arr


def digits_batches():
    """Fixed rows: train = rows 0..31, held = rows 100..115 (pixels scaled by 1/16)."""
    _, arr = load_csv("digits.csv")
    x = (arr[:, :64] / 16.0).astype(np.float32)
    y = arr[:, 64].astype(np.int64)
    tr = slice(0, TRAIN_ROWS)
    he = slice(100, 100 + HELD_ROWS)
    return x[tr], y[tr], x[he], x[200:400]  # last: rows used only to warm up BN stats


def diabetes_batches():
    """Standardize all 442 rows (features and target), train = rows 0..31, held = 100..115."""
    header, arr = load_csv("diabetes.csv")
    assert header[-1] == "target"
    x = arr[:, :10]
    t = arr[:, 10:11]
    x = (x - x.mean(0)) / x.std(0)
    t = (t - t.mean(0)) / t.std(0)
    x = x.astype(np.float32)
    t = t.astype(np.float32)
    return x[:TRAIN_ROWS], t[:TRAIN_ROWS], x[100:100 + HELD_ROWS]


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(64, 32)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(32, 10)

    def forward(self, x):
        return self.fc2(self.relu(self.fc1(x)))


class MLPWide(nn.Module):
    """Linear layers joined by Sigmoid / Tanh / LeakyRelu, plus a Dropout that vanishes in eval."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(64, 48)
        self.act1 = nn.Tanh()
        self.fc2 = nn.Linear(48, 32)
        self.act2 = nn.LeakyReLU(0.1)
        self.drop = nn.Dropout(p=0.3)
        self.fc3 = nn.Linear(32, 24)
        self.act3 = nn.Sigmoid()
        self.fc4 = nn.Linear(24, 10)

    def forward(self, x):
        x = self.act1(self.fc1(x))
        x = self.drop(self.act2(self.fc2(x)))
        x = self.act3(self.fc3(x))
        return self.fc4(x)


class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.relu1 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1, groups=2)  # 'group' attribute = 2
        self.bn2 = nn.BatchNorm2d(16)
        self.relu2 = nn.ReLU()
        self.pool2 = nn.AvgPool2d(2, count_include_pad=False)  # no zero Pad node
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(16 * 2 * 2, 10)

    def forward(self, x):
        x = self.pool1(self.relu1(self.bn1(self.conv1(x))))
        x = self.pool2(self.relu2(self.bn2(self.conv2(x))))
        return self.fc(self.flatten(x))


class RegMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(10, 16)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(16, 1)

    def forward(self, x):
        return self.fc2(self.relu(self.fc1(x)))


def export(model, sample, path, output_name):
    model.eval()
    torch.onnx.export(
        model,
        sample,
        path,
        export_params=True,
        opset_version=OPSET,
        do_constant_folding=True,
        keep_initializers_as_inputs=False,
        # PRESERVE + eval(): inference-form graph, but the exporter's eval peephole
        # (which fuses BatchNormalization into the preceding Conv) is skipped.
        training=torch.onnx.TrainingMode.PRESERVE,
        input_names=["input"],
        output_names=[output_name],
        dynamic_axes={"input": {0: "batch"}, output_name: {0: "batch"}},
    )


def check_onnx(path, model, output_name):
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)
    ops = [n.op_type for n in m.graph.node]
    inits = {i.name: onnx.numpy_helper.to_array(i) for i in m.graph.initializer}
    assert [i.name for i in m.graph.input] == ["input"], [i.name for i in m.graph.input]
    assert [o.name for o in m.graph.output] == [output_name]
    # Every torch tensor of the state dict (params and BN buffers) must appear as an
    # initializer with the same name and the same value: the Java side maps names 1:1.
    sd = model.state_dict()
    for k, v in sd.items():
        if k.endswith("num_batches_tracked"):
            continue
        assert k in inits, "initializer %s missing; have %s" % (k, sorted(inits))
        np.testing.assert_array_equal(inits[k], v.numpy(), err_msg=k)
    extra = sorted(set(inits) - set(sd))
    for n in m.graph.node:
        if n.op_type == "BatchNormalization":
            assert len(n.output) == 1, "BatchNormalization is not in inference form"
        if n.op_type == "Dropout":
            raise AssertionError("Dropout survived export")
    return m, ops, inits, extra


def run_fixture(name, model, x_tr, y_tr, x_he, lr, loss_name, output_name):
    out = os.path.join(OUT, name)
    os.makedirs(out, exist_ok=True)
    model.eval()
    params = [p for p in model.parameters()]
    buffers_before = {k: v.clone() for k, v in model.named_buffers()}

    xt = torch.from_numpy(x_tr)
    yt = torch.from_numpy(y_tr)
    xh = torch.from_numpy(x_he)

    path = os.path.join(out, "model.onnx")
    export(model, xt[:2], path, output_name)
    m, ops, inits, extra = check_onnx(path, model, output_name)

    with torch.no_grad():
        before = model(xh).numpy().copy()
        train_out = model(xt).numpy()
    # The exported graph, evaluated independently in float64, must match PyTorch.
    for xin, ref in ((x_he, before), (x_tr, train_out)):
        err = float(np.abs(numpy_onnx.run(path, xin) - ref).max())
        assert err < 1e-4, "%s: ONNX graph disagrees with torch (%g)" % (name, err)

    # The reference steps run in float64, on the exported float32 values cast: trainer's float32 steps
    # are then held to their own rounding alone. Against a float32 reference, a ReLU unit within
    # rounding of zero can take different sides in the two float32 computations and move the
    # trajectories apart by far more than rounding.
    model = copy.deepcopy(model).double()
    params = list(model.parameters())
    xt, xh = xt.double(), xh.double()
    if loss_name == "mse":
        yt = yt.double()
    with torch.no_grad():
        before = model(xh).numpy().copy()
    crit = nn.CrossEntropyLoss() if loss_name == "cross-entropy" else nn.MSELoss()
    opt = torch.optim.SGD(params, lr=lr, momentum=0.0, weight_decay=0.0)
    losses = []
    grads0 = None
    for step in range(STEPS):
        opt.zero_grad()
        loss = crit(model(xt), yt)
        loss.backward()
        if step == 0:
            grads0 = {k: p.grad.detach().numpy().copy() for k, p in model.named_parameters()}
        losses.append(float(loss.item()))
        opt.step()
    with torch.no_grad():
        after = model(xh).numpy().copy()
        final_loss = float(crit(model(xt), yt).item())
    for k, v in model.named_buffers():  # eval mode: running stats must not move
        assert torch.equal(v, buffers_before[k].double()), k

    trained = {k: p.detach().numpy().copy() for k, p in model.named_parameters()}
    err = float(np.abs(numpy_onnx.run(path, x_he, trained) - after).max())
    assert err < 1e-4, "%s: ONNX graph with trained params disagrees (%g)" % (name, err)
    max_change = float(np.abs(after - before).max())
    assert max_change > 0.1, "%s: training barely moves the outputs (%g)" % (name, max_change)

    np.savez(os.path.join(out, "train.npz"), input=x_tr, labels=y_tr)
    np.savez(os.path.join(out, "held.npz"), input=x_he)
    np.savez(os.path.join(out, "expected.npz"),
             logits_before=before.astype(np.float32), logits_after=after.astype(np.float32))
    np.savez(os.path.join(out, "grads_step0.npz"),
             **{k: g.astype(np.float32) for k, g in grads0.items()})
    np.savez(os.path.join(out, "params_after.npz"),
             **{k: p.detach().numpy().astype(np.float32) for k, p in model.named_parameters()})

    trainable = {k: list(p.shape) for k, p in model.named_parameters()}
    frozen = {k: list(v.shape) for k, v in model.named_buffers()
              if not k.endswith("num_batches_tracked")}
    info = {
        "lr": lr,
        "steps": STEPS,
        "batch_size": TRAIN_ROWS,
        "loss": loss_name,
        "optimizer": "sgd",
        "momentum": 0.0,
        "weight_decay": 0.0,
        "mode": "eval",
        "losses": losses,
        "loss_after_training": final_loss,
        "max_logit_change": max_change,
        "input_name": "input",
        "output_name": output_name,
        "input_shape": list(x_tr.shape),
        "held_shape": list(x_he.shape),
        "opset": OPSET,
        "trainable": trainable,
        "frozen": frozen,
        "other_initializers": extra,
        "op_types": sorted(set(ops)),
        "nodes": ops,
        "torch_version": torch.__version__,
        "tolerance_hint": {"loss_rel": 1e-4, "logits_abs": 1e-4},
    }
    with open(os.path.join(out, "fixture.json"), "w") as f:
        json.dump(info, f, indent=2)
        f.write("\n")

    print("== %s  (lr=%g, %s)" % (name, lr, loss_name))
    print("   nodes: %s" % " -> ".join(ops))
    print("   BatchNormalization nodes: %d" % ops.count("BatchNormalization"))
    for k, v in inits.items():
        print("   init %-20s %s%s" % (k, list(v.shape), "" if k in trainable else "  (frozen)"))
    if extra:
        print("   non-parameter initializers: %s" % extra)
    print("   losses: %s  final: %.6f" % (", ".join("%.6f" % l for l in losses), final_loss))
    print("   max |logits_after - logits_before| = %.4f" % max_change)


def main():
    x_tr, y_tr, x_he, x_warm = digits_batches()

    torch.manual_seed(0)
    run_fixture("mlp", MLP(), x_tr, y_tr, x_he, 0.5, "cross-entropy", "logits")

    torch.manual_seed(1)
    run_fixture("mlp_wide", MLPWide(), x_tr, y_tr, x_he, 0.2, "cross-entropy", "logits")

    torch.manual_seed(2)
    cnn = CNN()
    # Non-trivial BN affine params and running statistics: perturb gamma/beta, then a
    # few train-mode forward passes on other digits rows (no gradient step).
    with torch.no_grad():
        for bn in (cnn.bn1, cnn.bn2):
            bn.weight.copy_(1.0 + 0.2 * torch.randn_like(bn.weight))
            bn.bias.copy_(0.1 * torch.randn_like(bn.bias))
        cnn.train()
        for bn in (cnn.bn1, cnn.bn2):
            bn.momentum = None  # cumulative average over the warm-up batches
        xw = torch.from_numpy(x_warm.reshape(-1, 1, 8, 8))
        for i in range(0, xw.shape[0], 50):
            cnn(xw[i:i + 50])
        for bn in (cnn.bn1, cnn.bn2):
            bn.momentum = 0.1
    cnn.eval()
    run_fixture("cnn", cnn, x_tr.reshape(-1, 1, 8, 8), y_tr, x_he.reshape(-1, 1, 8, 8),
                0.05, "cross-entropy", "logits")

    d_tr, t_tr, d_he = diabetes_batches()
    torch.manual_seed(3)
    run_fixture("mse_mlp", RegMLP(), d_tr, t_tr, d_he, 0.1, "mse", "prediction")


if __name__ == "__main__":
    sys.exit(main())
