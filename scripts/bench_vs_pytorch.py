#!/usr/bin/python3
"""trainer's training step beside PyTorch's, model by model, in one go: `scripts/bench --vs-pytorch`.

  scripts/bench --vs-pytorch [--models mobilenetv3,resnet18,minilm] [--rounds 1] [--steps N] [--threads N]
                [--json bench/vs-pytorch.json] [--before OTHER/benchmarks.jar]

For each model, each side runs in its own process under /usr/bin/time, so that each peak RSS is
that side's alone: trainer's JMH step benchmark (VisionStepBenchmark or MiniLmStepBenchmark, one
fork, single-shot steps) and the matching PyTorch script (pytorch_vision_step.py,
pytorch_minilm_step.py: 2 threads, OpenBLAS checked). Both time the same number of steps after
the same warm-up (10 steps for the CNNs, 4 for MiniLM: the JIT compiles trainer's per-step Java
code, batch assembly and the runtime's native calls, over the first steps, and a fine-tune's
thousands of steps run compiled); the table gives the median step of each side, the ratio PyTorch / trainer
(above 1: trainer is faster) and both peak RSS figures. With --rounds R the two sides alternate R
times per model and each keeps its best median (the least disturbed on a shared machine). With
--before JAR, the benchmarks jar of an earlier build (e.g. `git worktree add /tmp/before COMMIT`
and `mvn -q -DskipTests package -pl bench -am` there) runs too, in turn with the others, and a
second table compares it.

Needs bench/target/benchmarks.jar (scripts/bench builds it first), build/bench-models (made here
by scripts/make_bench_models.py when missing), the MiniLM model (see MiniLmStepBenchmark) and
Debian's /usr/bin/python3 with torch for the PyTorch side.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPTS = os.path.join(ROOT, "scripts")
TORCH_PYTHON = "/usr/bin/python3"
# model -> (JMH benchmark and parameters, PyTorch command, warm-up steps, timed steps)
MODELS = {
    "mobilenetv3": ("VisionStepBenchmark", ["-p", "model=mobilenetv3"],
                    ["pytorch_vision_step.py", "--model", "mobilenetv3"], 10, 20),
    "resnet18": ("VisionStepBenchmark", ["-p", "model=resnet18"],
                 ["pytorch_vision_step.py", "--model", "resnet18"], 10, 20),
    "minilm": ("MiniLmStepBenchmark", [], ["pytorch_minilm_step.py"], 4, 8),
}


def timed(command, cwd=ROOT):
    """Runs a command under /usr/bin/time; returns its peak RSS in MiB (largest process of its tree)."""
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        result = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", rss.name] + command, cwd=cwd,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if result.returncode != 0:
            sys.exit("failed (%d): %s\n%s" % (result.returncode, " ".join(command), result.stdout[-4000:]))
        return int(rss.read().split()[-1]) / 1024


def trainer_side(java, jar, model, warmup, steps, threads):
    benchmark, params, _, _, _ = MODELS[model]
    with tempfile.NamedTemporaryFile("r", suffix=".json") as results:
        rss = timed([java, "--enable-native-access=ALL-UNNAMED", "-jar", jar, benchmark + ".step", *params,
                     "-p", "threads=%d" % threads,
                     "-f", "1", "-wi", str(warmup), "-i", str(steps), "-rf", "json", "-rff", results.name])
        runs = json.load(results)
    if len(runs) != 1:
        sys.exit("expected one JMH result for %s, got %d" % (model, len(runs)))
    steps_ms = [v for fork in runs[0]["primaryMetric"]["rawData"] for v in fork]
    return {"steps_ms": steps_ms, "median_ms": statistics.median(steps_ms), "peak_rss_mib": rss}


def pytorch_side(model, warmup, steps):
    _, _, command, _, _ = MODELS[model]
    with tempfile.NamedTemporaryFile("r", suffix=".json") as results:
        rss = timed([TORCH_PYTHON, os.path.join(SCRIPTS, command[0]), *command[1:], "--threads", "2",
                     "--warmup", str(warmup), "--steps", str(steps), "--json", results.name])
        figures = json.load(results)
    return {"steps_ms": figures["steps_ms"], "median_ms": statistics.median(figures["steps_ms"]),
            "peak_rss_mib": rss, "blas": figures["blas"]}


def best(a, b):
    return b if a is None or b["median_ms"] < a["median_ms"] else a


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--models", default="mobilenetv3,resnet18,minilm")
    p.add_argument("--rounds", type=int, default=1)
    p.add_argument("--steps", type=int, help="timed steps per side (default: 20 for the CNNs, 8 for MiniLM)")
    p.add_argument("--threads", type=int, default=0,
                   help="trainer's ONNX Runtime intra-op threads (--threads; default 0: ORT's, one per core)")
    p.add_argument("--json", default=os.path.join(ROOT, "bench", "vs-pytorch.json"))
    p.add_argument("--before", help="benchmarks.jar of an earlier build to run beside this one")
    p.add_argument("--java", default=os.path.join(os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64"),
                                                  "bin", "java"))
    args = p.parse_args()
    models = args.models.split(",")
    unknown = [m for m in models if m not in MODELS]
    if unknown:
        p.error("unknown models %s (known: %s)" % (unknown, ", ".join(MODELS)))
    if any(m != "minilm" for m in models) and not os.path.isdir(os.path.join(ROOT, "build", "bench-models")):
        subprocess.run([TORCH_PYTHON, os.path.join(SCRIPTS, "make_bench_models.py")], check=True)
    jar = os.path.join(ROOT, "bench", "target", "benchmarks.jar")
    table = []
    for model in models:
        warmup, steps = MODELS[model][3], args.steps or MODELS[model][4]
        ours, theirs, before = None, None, None
        for r in range(args.rounds):
            if args.before:
                print("%s round %d/%d: trainer (before)..." % (model, r + 1, args.rounds), flush=True)
                before = best(before, trainer_side(args.java, args.before, model, warmup, steps, args.threads))
            print("%s round %d/%d: trainer..." % (model, r + 1, args.rounds), flush=True)
            ours = best(ours, trainer_side(args.java, jar, model, warmup, steps, args.threads))
            print("%s round %d/%d: PyTorch..." % (model, r + 1, args.rounds), flush=True)
            theirs = best(theirs, pytorch_side(model, warmup, steps))
        table.append({"model": model, "trainer": ours, "pytorch": theirs, "before": before,
                      "ratio": theirs["median_ms"] / ours["median_ms"]})
    with open(args.json, "w") as f:
        json.dump({"load_average": os.getloadavg(), "trainer_threads": args.threads, "rows": table}, f, indent=1)
    print("\nload average at the end: %.1f %.1f %.1f (2 cores); median step of each side; trainer's threads: %s"
          % (*os.getloadavg(), args.threads or "ORT's default"))
    print("| model | trainer ms/step | PyTorch ms/step | ratio PyTorch/trainer | peak RSS trainer | peak RSS PyTorch |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for row in table:
        print("| %s | %.0f | %.0f | %.2f | %.0f MiB | %.0f MiB |" % (
            row["model"], row["trainer"]["median_ms"], row["pytorch"]["median_ms"], row["ratio"],
            row["trainer"]["peak_rss_mib"], row["pytorch"]["peak_rss_mib"]))
    if args.before:
        print("\n| model | trainer before ms/step | trainer ms/step | ratio PyTorch/trainer before | after "
              "| peak RSS before | after |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        for row in table:
            print("| %s | %.0f | %.0f | %.2f | %.2f | %.0f MiB | %.0f MiB |" % (
                row["model"], row["before"]["median_ms"], row["trainer"]["median_ms"],
                row["pytorch"]["median_ms"] / row["before"]["median_ms"], row["ratio"],
                row["before"]["peak_rss_mib"], row["trainer"]["peak_rss_mib"]))
    print("(figures also in %s)" % os.path.abspath(args.json))


if __name__ == "__main__":
    main()
