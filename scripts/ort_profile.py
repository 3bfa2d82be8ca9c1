#!/usr/bin/env python3
"""Summarises ONNX Runtime profiles: where a graph's run time goes, by op type and by node.

  python3 scripts/ort_profile.py PROFILE.json [PROFILE.json...] [--skip 2] [--top 20]

Profiles come from any trainer run on ORT's Java API (--runtime java) with
-Dtrainer.ortProfile=PREFIX (one file per session:
PREFIX-GRAPHNAME_TIMESTAMP.json, the forward and the backward graph of a training session
separately), e.g. from a step benchmark:

  java -jar bench/target/benchmarks.jar VisionStepBenchmark -p model=resnet18 -p runtime=java -f 1 -wi 2 -i 3 \\
      -jvmArgsAppend "--enable-native-access=ALL-UNNAMED -Dtrainer.ortProfile=/tmp/prof/resnet18"

For each file: the mean run time over the runs after the first --skip (warm-up), then per op
type and for the --top slowest nodes the kernel time per run, its share of all kernel time, and
the nodes' input shapes. Plain Python, no dependencies.
"""
import argparse
import collections
import json
import os


def summarise(path, skip, top):
    with open(path) as f:
        events = json.load(f)
    runs = sorted((e for e in events if e.get("name") == "model_run"), key=lambda e: e["ts"])
    if len(runs) <= skip:
        raise SystemExit("%s: %d runs, none left after skipping %d" % (path, len(runs), skip))
    start = runs[skip - 1]["ts"] + runs[skip - 1]["dur"] if skip > 0 else 0
    timed = runs[skip:]
    per_run = 1000.0 * len(timed)  # microseconds summed over the timed runs -> ms per run
    by_type = collections.defaultdict(lambda: [0, set()])
    by_node = collections.defaultdict(lambda: [0, "", ""])
    for e in events:
        if e.get("cat") != "Node" or not e["name"].endswith("_kernel_time") or e["ts"] < start:
            continue
        node = e["name"][: -len("_kernel_time")]
        op = e["args"].get("op_name", "?")
        by_type[op][0] += e["dur"]
        by_type[op][1].add(node)
        by_node[node][0] += e["dur"]
        by_node[node][1] = op
        by_node[node][2] = " ".join("x".join(str(d) for d in next(iter(s.values())))
                                    for s in e["args"].get("input_type_shape", []))
    kernels = sum(t for t, _ in by_type.values())
    run_ms = sum(r["dur"] for r in timed) / per_run
    print("## %s" % os.path.basename(path))
    print("%d timed runs (after %d skipped): %.1f ms per run, of which kernels %.1f ms\n"
          % (len(timed), skip, run_ms, kernels / per_run))
    print("| op type | nodes | ms/run | share |")
    print("| --- | ---: | ---: | ---: |")
    for op, (t, nodes) in sorted(by_type.items(), key=lambda kv: -kv[1][0]):
        if t / kernels >= 0.002:
            print("| %s | %d | %.2f | %.1f %% |" % (op, len(nodes), t / per_run, 100.0 * t / kernels))
    print("\n| node | op | ms/run | share | input shapes |")
    print("| --- | --- | ---: | ---: | --- |")
    for node, (t, op, shapes) in sorted(by_node.items(), key=lambda kv: -kv[1][0])[:top]:
        print("| %s | %s | %.2f | %.1f %% | %s |" % (node[:48], op, t / per_run, 100.0 * t / kernels, shapes))
    print()
    return run_ms


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("profiles", nargs="+")
    p.add_argument("--skip", type=int, default=2, help="warm-up runs to leave out (default 2)")
    p.add_argument("--top", type=int, default=20, help="slowest nodes to list (default 20)")
    args = p.parse_args()
    for path in args.profiles:
        summarise(path, args.skip, args.top)


if __name__ == "__main__":
    main()
