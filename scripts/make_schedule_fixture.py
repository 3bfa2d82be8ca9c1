#!/usr/bin/python3
"""Write java/src/test/resources/schedules.json: the learning rate PyTorch's schedulers give
each optimizer step, for the schedule tests in dev.trainer.train.schedule.

Entry k of every "lrs" list (and of the one-cycle cases' "momenta") is the value the k-th optimizer step (0-based) runs with, i.e.
scheduler.get_last_lr() after k calls to scheduler.step(): the meaning of
LearningRateSchedule.learningRate(k). ReduceLROnPlateau is stepped once per metric of
"metrics" instead, and "lrs" holds the lr after each of those calls.

Run from the repository root with Debian's Python (it has torch):
  /usr/bin/python3 scripts/make_schedule_fixture.py
"""
import json
from pathlib import Path

import torch

OUT = Path("java/src/test/resources/schedules.json")
BASE_LR = 0.1


def optimizer(lr=BASE_LR):
    return torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr, momentum=0.9)


def lrs(make, steps):
    """The lr and the SGD momentum of each of `steps` optimizer steps under the scheduler `make` builds."""
    opt = optimizer()
    scheduler = make(opt)
    values = []
    momenta = []
    for _ in range(steps):
        values.append(scheduler.get_last_lr()[0])
        momenta.append(opt.param_groups[0]["momentum"])
        opt.step()
        scheduler.step()
    return values, momenta


def main():
    s = torch.optim.lr_scheduler
    cases = [
        {"name": "step", "params": {"step_size": 7, "gamma": 0.5}, "steps": 40,
         "make": lambda o: s.StepLR(o, step_size=7, gamma=0.5)},
        {"name": "exponential", "params": {"gamma": 0.97}, "steps": 60,
         "make": lambda o: s.ExponentialLR(o, gamma=0.97)},
        {"name": "cosine", "params": {"total_steps": 50, "min_lr": 0.001}, "steps": 50,
         "make": lambda o: s.CosineAnnealingLR(o, T_max=50, eta_min=0.001)},
        {"name": "cosine_zero_min", "params": {"total_steps": 37, "min_lr": 0.0}, "steps": 37,
         "make": lambda o: s.CosineAnnealingLR(o, T_max=37, eta_min=0.0)},
        {"name": "cosine_restarts", "params": {"t0": 5, "t_mult": 2, "min_lr": 0.002}, "steps": 80,
         "make": lambda o: s.CosineAnnealingWarmRestarts(o, T_0=5, T_mult=2, eta_min=0.002)},
        {"name": "cosine_restarts_constant_period", "params": {"t0": 9, "t_mult": 1, "min_lr": 0.0},
         "steps": 40, "make": lambda o: s.CosineAnnealingWarmRestarts(o, T_0=9, T_mult=1, eta_min=0.0)},
        {"name": "one_cycle", "params": {"max_lr": 0.4, "total_steps": 100}, "steps": 100,
         "make": lambda o: s.OneCycleLR(o, max_lr=0.4, total_steps=100)},
        {"name": "one_cycle_odd", "params": {"max_lr": 0.05, "total_steps": 17}, "steps": 17,
         "make": lambda o: s.OneCycleLR(o, max_lr=0.05, total_steps=17)},
        # The warm-up wrapper's ramp is LinearLR with start_factor 1/(W+1) over W steps.
        {"name": "linear_warmup", "params": {"warmup_steps": 8}, "steps": 8,
         "make": lambda o: s.LinearLR(o, start_factor=1 / 9, end_factor=1.0, total_iters=8)},
    ]
    fixture = {"base_lr": BASE_LR}
    for case in cases:
        values, momenta = lrs(case["make"], case["steps"])
        fixture[case["name"]] = dict(case["params"], lrs=values)
        if case["name"].startswith("one_cycle"):
            # OneCycleLR also cycles momentum (base 0.85, max 0.95), inversely to the lr.
            fixture[case["name"]]["momenta"] = momenta

    # A validation loss that improves, stalls, improves by less than the 1e-4 relative
    # threshold (which does not count), and stalls again; lowerIsBetter (mode "min").
    metrics = [1.0, 0.8, 0.7, 0.7, 0.71, 0.69996, 0.7, 0.65, 0.66, 0.66, 0.66, 0.66, 0.66,
               0.66, 0.66, 0.66, 0.66, 0.66, 0.66, 0.66, 0.66, 0.66, 0.66]
    plateau = {}
    for mode in ["min", "max"]:
        opt = optimizer()
        scheduler = s.ReduceLROnPlateau(opt, mode=mode, factor=0.5, patience=2, threshold=1e-4,
                                        threshold_mode="rel", min_lr=0.004)
        values = []
        for metric in metrics:
            scheduler.step(metric if mode == "min" else -metric)
            values.append(opt.param_groups[0]["lr"])
        plateau[mode] = values
    fixture["plateau"] = {"factor": 0.5, "patience": 2, "threshold": 1e-4, "min_lr": 0.004,
                          "metrics": metrics, "lrs_min": plateau["min"], "lrs_max": plateau["max"]}

    OUT.write_text(json.dumps(fixture, indent=1) + "\n")
    print("wrote", OUT, "with torch", torch.__version__)


if __name__ == "__main__":
    main()
