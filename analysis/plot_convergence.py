#!/usr/bin/python3
"""Plot loss_gap (log scale) against simulated time, airtime, energy and uplink bits.

Each RUN_DIR is an airgrad output directory (metrics.csv and run.json); each becomes one line,
labelled by its method (and run name when several runs share a method).

example: plot_convergence.py results/quickstart results/quickstart-topk-ef -o convergence.png
"""
import argparse
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

PANELS = [
    ("sim_time_s", "simulated wall-clock time (s)"),
    ("airtime_s", "uplink airtime (s)"),
    ("energy_j", "worker radio energy (J)"),
    ("uplink_payload_bits", "uplink payload (bits)"),
]
REQUIRED = ["round", "loss_gap"] + [c for c, _ in PANELS]


def load(run_dir):
    metrics = os.path.join(run_dir, "metrics.csv")
    info_path = os.path.join(run_dir, "run.json")
    for path in (metrics, info_path):
        if not os.path.isfile(path):
            sys.exit(f"plot_convergence: {path} not found (is {run_dir} a finished airgrad run?)")
    frame = pd.read_csv(metrics)
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        sys.exit(f"plot_convergence: {metrics} lacks column(s) {', '.join(missing)}")
    with open(info_path) as f:
        info = json.load(f)
    return frame, info


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("runs", nargs="+", metavar="RUN_DIR", help="airgrad output directories")
    parser.add_argument("-o", "--output", required=True, help="image file to write (.png or .pdf)")
    args = parser.parse_args()

    runs = [load(r) for r in args.runs]
    methods = [info["config"]["method.name"] for _, info in runs]
    fig, axes = plt.subplots(2, 2, figsize=(11, 7.5))
    for (frame, info), method in zip(runs, methods):
        label = method if methods.count(method) == 1 else f"{method} ({info['config']['run.name']})"
        # loss_gap can reach 0 or below at machine precision: such points cannot sit on a log axis.
        gap = frame["loss_gap"].where(frame["loss_gap"] > 0)
        for ax, (column, _) in zip(axes.flat, PANELS):
            ax.plot(frame[column], gap, label=label, linewidth=1.4)
    for ax, (column, title) in zip(axes.flat, PANELS):
        ax.set_yscale("log")
        ax.set_xlabel(title)
        ax.set_ylabel("loss gap f(x) - f*")
        ax.grid(True, which="both", alpha=0.3)
        if all((frame[column] == 0).all() for frame, _ in runs):
            ax.text(0.5, 0.5, "all zero: ideal link", transform=ax.transAxes, ha="center", color="gray")
    axes.flat[0].legend()
    first = runs[0][1]["config"]
    fig.suptitle(f"{first['problem.type']}, d = {first['problem.features']}, M = {first['network.workers']}, "
                 f"network {first['network.kind']}"
                 + (f", {first['network.channel_width_mhz']} MHz" if first["network.kind"] == "wifi" else ""))
    fig.tight_layout()
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    tmp = args.output + ".part" + os.path.splitext(args.output)[1]
    fig.savefig(tmp, dpi=120)
    os.replace(tmp, args.output)  # never a half-written figure
    print(f"plot_convergence: wrote {args.output}")


if __name__ == "__main__":
    main()
