#!/usr/bin/python3
"""Compare client-selection runs: a metric (test accuracy by default) against simulated time and
against worker energy, the Jain fairness index of how often each worker was chosen, and the
workers still alive (battery not depleted) against simulated time.

Each RUN_DIR is an airgrad output directory (metrics.csv, workers.csv and run.json). A run is
labelled by selection.policy and selection.per_round, plus run.mode when any run is buffered.

example: plot_selection.py results/selection-sweep/*/ -o selection.png
         plot_selection.py results/battery-sweep/*/ --metric loss_gap -o battery.png
"""
import argparse
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import airgrad_analysis as aa  # noqa: E402

SCRIPT = "plot_selection"
METRICS = {"test_accuracy": ("test accuracy", False), "loss_gap": ("loss gap f(x) - f*", True)}


def label(info, buffered):
    config = info["config"]
    policy = config["selection.policy"]
    text = policy if policy == "all" else f"{policy} {config['selection.per_round']}"
    if buffered:
        text += f", {config['run.mode']}"
    return text


def alive(run_dir, rounds):
    """Workers not depleted at the end of each round (from workers.csv), rounds 0 .. R."""
    path = os.path.join(run_dir, "workers.csv")
    if not os.path.isfile(path):
        aa.fail(SCRIPT, f"{path} not found")
    workers = pd.read_csv(path)
    aa.require(SCRIPT, workers, ["round", "worker", "status"], path)
    count = workers["worker"].nunique()
    dead = workers[workers["status"] == "depleted"].groupby("round")["worker"].nunique()
    return np.array([count - dead.get(r, 0) for r in rounds])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("runs", nargs="+", metavar="RUN_DIR", help="airgrad output directories")
    parser.add_argument("-o", "--output", required=True, help="image file to write (.png or .pdf)")
    parser.add_argument("--metric", choices=sorted(METRICS), default="test_accuracy",
                        help="the y axis of the first two panels (default test_accuracy)")
    parser.add_argument("--log-x", action="store_true", help="log time and energy axes (runs of very different lengths)")
    args = parser.parse_args()
    ylabel, log = METRICS[args.metric]
    runs = [(d, *aa.load_run(SCRIPT, d, ["round", "sim_time_s", "energy_j", args.metric])) for d in args.runs]
    for d, _, info in runs:
        if "selection" not in info:
            aa.fail(SCRIPT, f"{d}/run.json has no selection summary (written by airgrad since client selection)")
    buffered = any(info["config"]["run.mode"] == "buffered" for _, _, info in runs)
    fig, axes = plt.subplots(2, 2, figsize=(11, 7.5))
    names, fairness, batteries = [], [], False
    for d, frame, info in runs:
        name = label(info, buffered)
        shown = frame[args.metric].where(frame[args.metric] > 0) if log else frame[args.metric]
        axes[0, 0].plot(frame["sim_time_s"], shown, label=name, linewidth=1.4)
        axes[0, 1].plot(frame["energy_j"], shown, label=name, linewidth=1.4)
        axes[1, 1].step(frame["sim_time_s"], alive(d, frame["round"]), where="post", label=name, linewidth=1.4)
        names.append(name)
        fairness.append(info["selection"]["jain_index"])
        batteries = batteries or "batteries_j" in info["selection"]
    for ax, xlabel in ((axes[0, 0], "simulated wall-clock time (s)"), (axes[0, 1], "worker energy, radio + compute (J)")):
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        if log:
            ax.set_yscale("log")
        if args.log_x:
            ax.set_xscale("log")  # round 0 (x = 0) drops out
        ax.grid(True, alpha=0.3)
    axes[0, 0].legend(fontsize=8)
    bars = axes[1, 0].bar(range(len(names)), fairness, color=[f"C{i}" for i in range(len(names))])
    axes[1, 0].bar_label(bars, fmt="%.2f", fontsize=8)
    axes[1, 0].set_xticks(range(len(names)), names, rotation=20, fontsize=8)
    axes[1, 0].set_ylim(0, 1.1)
    axes[1, 0].set_ylabel("Jain index of times selected")
    axes[1, 1].set_xlabel("simulated wall-clock time (s)")
    axes[1, 1].set_ylabel("workers alive (battery left)")
    axes[1, 1].grid(True, alpha=0.3)
    if not batteries:
        axes[1, 1].text(0.5, 0.5, "no batteries (energy.battery_j empty)", transform=axes[1, 1].transAxes,
                        ha="center", color="gray")
    first = runs[0][2]["config"]
    fig.suptitle(f"{first['method.name']} on {first['problem.type']}, d = {runs[0][2]['derived']['dimension']}, "
                 f"M = {first['network.workers']}, network {first['network.kind']}")
    fig.tight_layout()
    aa.save(fig, args.output)
    print(f"{SCRIPT}: wrote {args.output}")


if __name__ == "__main__":
    main()
