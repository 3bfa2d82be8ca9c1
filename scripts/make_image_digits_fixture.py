#!/usr/bin/python3
"""Write java/src/test/resources/fixtures/image_digits/: an image folder of the digits set, a small
CNN exported to ONNX, and PyTorch's validation accuracy training that CNN on those images, for
ImageFolderFineTuneTest (trainer must reach the same accuracy from the same initial weights).

Images: the shipped models/digits/ rows (8x8, values 0..16), the first 500 rows of train.csv
and all 397 rows of val.csv, scaled to 0..255, enlarged to 40x40 with Pillow's bilinear filter
and saved as greyscale PNG (even rows) or JPEG (quality 90, odd rows), as
train/<label>/<row>.png|jpg and val/<label>/<row>.png|jpg, zipped into images.zip with fixed
timestamps (the test unpacks it).

Preprocessing, as trainer's image loader does it: Pillow decode, convert("L"), to [0, 1]
(to_tensor), antialiased bilinear resize to the model's 32x32 (torch interpolate,
align_corners=False, antialias=True), no normalization.

Model (opset 14, input "input" [batch, 1, 32, 32], output "logits" [batch, 10]):
Conv(1->8, 3x3, pad 1) -> Relu -> MaxPool 2 -> Conv(8->16, 3x3, pad 1) -> Relu -> MaxPool 2
-> Flatten -> Linear(1024 -> 10), initialised by torch.manual_seed(0).

Training: Adam (lr 0.003, betas 0.9/0.999, eps 1e-8), mean cross-entropy, full batch (all 500
training images in one batch, so the order of the samples cannot matter), EPOCHS steps, no
augmentation, one thread, deterministic. fixture.json holds the settings, the validation
accuracy and loss before training and after each epoch, and the training loss of each step.

Run from the repository root with Debian's Python (torch 1.13, torchvision 0.14, Pillow):
  /usr/bin/python3 scripts/make_image_digits_fixture.py
"""
import csv
import io
import json
import zipfile
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper
import torch
import torch.nn.functional as F
from PIL import Image
from torchvision.datasets import ImageFolder

OUT = Path("java/src/test/resources/fixtures/image_digits")
DIGITS = Path("models/digits")
TRAIN_ROWS = 500
RENDER_SIZE = 40
MODEL_SIZE = 32
LR = 0.003
EPOCHS = 25
ZIP_TIME = (2024, 6, 13, 0, 0, 0)


def rows(name, limit=None):
    with open(DIGITS / name) as f:
        reader = csv.DictReader(f)
        out = [(np.array([float(r[f"px{i}"]) for i in range(64)]), int(r["label"])) for r in reader]
    return out[:limit] if limit else out


def render(pixels):
    image = Image.fromarray(np.round(pixels.reshape(8, 8) * 255 / 16).astype(np.uint8), "L")
    return image.resize((RENDER_SIZE, RENDER_SIZE), Image.Resampling.BILINEAR)


def encoded(image, jpeg):
    buffer = io.BytesIO()
    if jpeg:
        image.save(buffer, format="JPEG", quality=90)
    else:
        image.save(buffer, format="PNG")
    return buffer.getvalue()


def write_zip(path):
    entries = []
    for split, data in [("train", rows("train.csv", TRAIN_ROWS)), ("val", rows("val.csv"))]:
        for i, (pixels, label) in enumerate(data):
            jpeg = i % 2 == 1
            entries.append((f"{split}/{label}/{i:04d}.{'jpg' if jpeg else 'png'}", encoded(render(pixels), jpeg)))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for name, data in sorted(entries):
            z.writestr(zipfile.ZipInfo(name, ZIP_TIME), data)


def load(folder):
    """The folder as trainer reads it: ImageFolder order, grey, [0, 1], resized to 32x32 (antialiased)."""
    dataset = ImageFolder(str(folder), loader=lambda p: Image.open(p).convert("L"))
    xs = []
    for path, _ in dataset.samples:
        x = torch.from_numpy(np.asarray(dataset.loader(path), dtype=np.float32) / 255)[None, None]
        xs.append(F.interpolate(x, size=(MODEL_SIZE, MODEL_SIZE), mode="bilinear", align_corners=False,
                                antialias=True)[0])
    return torch.stack(xs), torch.tensor(dataset.targets), dataset.classes


class SmallCnn(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 8, 3, padding=1)
        self.conv2 = torch.nn.Conv2d(8, 16, 3, padding=1)
        self.fc = torch.nn.Linear(16 * 8 * 8, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc(torch.flatten(x, 1))


def export(model, path):
    model.eval()
    torch.onnx.export(model, torch.zeros(1, 1, MODEL_SIZE, MODEL_SIZE), str(path), opset_version=14,
                      input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
    proto = onnx.load(str(path))
    onnx.checker.check_model(proto, full_check=True)
    initializers = {t.name: numpy_helper.to_array(t) for t in proto.graph.initializer}
    for name, value in model.state_dict().items():
        assert name in initializers and np.array_equal(initializers[name], value.numpy()), name
    assert set(initializers) == set(model.state_dict()), set(initializers) ^ set(model.state_dict())


def evaluate(model, x, y):
    with torch.no_grad():
        logits = model(x)
        return float((logits.argmax(1) == y).float().mean()), float(F.cross_entropy(logits, y))


def main():
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    OUT.mkdir(parents=True, exist_ok=True)
    write_zip(OUT / "images.zip")
    folder = Path("/tmp/trainer-image-digits")
    with zipfile.ZipFile(OUT / "images.zip") as z:
        z.extractall(folder)
    train_x, train_y, classes = load(folder / "train")
    val_x, val_y, _ = load(folder / "val")
    assert classes == [str(c) for c in range(10)]

    torch.manual_seed(0)
    model = SmallCnn()
    export(model, OUT / "model.onnx")
    optimizer = torch.optim.Adam(model.parameters(), lr=LR, betas=(0.9, 0.999), eps=1e-8)
    accuracy, loss = evaluate(model, val_x, val_y)
    val_accuracy, val_loss, train_loss = [accuracy], [loss], []
    for _ in range(EPOCHS):
        model.train()
        optimizer.zero_grad()
        step_loss = F.cross_entropy(model(train_x), train_y)
        step_loss.backward()
        optimizer.step()
        train_loss.append(float(step_loss))
        accuracy, loss = evaluate(model, val_x, val_y)
        val_accuracy.append(accuracy)
        val_loss.append(loss)
    assert val_accuracy[-1] > 0.85, val_accuracy
    fixture = {"optimizer": "adam", "lr": LR, "epochs": EPOCHS, "batch_size": len(train_y), "image_size": MODEL_SIZE,
               "train_images": len(train_y), "val_images": len(val_y), "val_accuracy": val_accuracy,
               "val_loss": val_loss, "train_loss": train_loss}
    (OUT / "fixture.json").write_text(json.dumps(fixture, indent=1) + "\n")
    print("val accuracy by epoch:", " ".join(f"{a:.3f}" for a in val_accuracy))
    print(f"images.zip {(OUT / 'images.zip').stat().st_size} bytes, model.onnx {(OUT / 'model.onnx').stat().st_size} bytes")


if __name__ == "__main__":
    main()
