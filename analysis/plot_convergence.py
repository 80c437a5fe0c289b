#!/usr/bin/python3
"""Plot loss_gap (log scale; or --metric test_accuracy or train_loss) against simulated time,
airtime, energy and uplink bits.

Each RUN_DIR is an airgrad output directory (metrics.csv and run.json). Runs that differ only in
run.seed are one line: the mean over seeds, with a shaded 95% interval (mean +- 1.96 standard
errors) of the metric at each round, and the mean x value. Lines are labelled by method. Runs
that differ only in run.rounds are also one group (a common prefix of rounds is plotted).

example: plot_convergence.py results/quickstart results/quickstart-topk-ef -o convergence.png
         plot_convergence.py results/my-sweep/*/ -o sweep-convergence.pdf
         plot_convergence.py results/cnn-* --metric test_accuracy -o cnn.png
"""
import argparse
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import airgrad_analysis as aa  # noqa: E402

SCRIPT = "plot_convergence"
PANELS = [
    ("sim_time_s", "simulated wall-clock time (s)"),
    ("airtime_s", "uplink airtime (s)"),
    ("energy_j", "worker energy, radio + compute (J)"),
    ("uplink_payload_bits", "uplink payload (bits)"),
]
METRICS = {
    "loss_gap": ("loss gap f(x) - f*", True),
    "train_loss": ("train loss", True),
    "test_accuracy": ("test accuracy", False),
}  # column: (axis label, log scale)


def group_runs(runs):
    """Runs whose configurations differ only in run.seed, in first-seen order."""
    groups = {}
    for frame, info in runs:
        config = {k: v for k, v in info["config"].items() if k not in ("run.seed", "run.name", "run.rounds")}
        groups.setdefault(tuple(sorted(config.items())), []).append((frame, info))
    return list(groups.values())


def labels(groups):
    """The method name, plus whatever else tells groups of the same method apart."""
    out = []
    for g in groups:
        config = g[0][1]["config"]
        same_method = [h for h in groups if h[0][1]["config"]["method.name"] == config["method.name"]]
        label = config["method.name"]
        if len(same_method) > 1:
            differing = [k for k in config if k not in ("run.seed", "run.name", "run.rounds")
                         and len({h[0][1]["config"].get(k) for h in same_method}) > 1]
            label += " (" + ", ".join(f"{k.split('.')[-1]}={config[k]}" for k in differing) + ")"
        if len(g) > 1:
            label += f", {len(g)} seeds"
        out.append(label)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("runs", nargs="+", metavar="RUN_DIR", help="airgrad output directories")
    parser.add_argument("-o", "--output", required=True, help="image file to write (.png or .pdf)")
    parser.add_argument("--metric", choices=sorted(METRICS), default="loss_gap", help="the y axis (default loss_gap)")
    args = parser.parse_args()
    ylabel, log = METRICS[args.metric]

    runs = [aa.load_run(SCRIPT, r, ["round", args.metric] + [c for c, _ in PANELS]) for r in args.runs]
    groups = group_runs(runs)
    fig, axes = plt.subplots(2, 2, figsize=(11, 7.5))
    for group, label in zip(groups, labels(groups)):
        rounds = min(len(frame) for frame, _ in group)  # a common prefix of rounds
        values = np.array([frame[args.metric].to_numpy()[:rounds] for frame, _ in group])
        mean = values.mean(axis=0)
        half = 1.96 * values.std(axis=0, ddof=1) / np.sqrt(len(group)) if len(group) > 1 else None
        # loss_gap can reach 0 or below at machine precision: such points cannot sit on a log axis.
        shown = (lambda v: np.where(v > 0, v, np.nan)) if log else (lambda v: v)
        for ax, (column, _) in zip(axes.flat, PANELS):
            x = np.array([frame[column].to_numpy()[:rounds] for frame, _ in group]).mean(axis=0)
            line, = ax.plot(x, shown(mean), label=label, linewidth=1.4, marker="." if not log else None)
            if half is not None:
                ax.fill_between(x, shown(mean - half), mean + half, color=line.get_color(), alpha=0.2, linewidth=0)
    for ax, (column, title) in zip(axes.flat, PANELS):
        if log:
            ax.set_yscale("log")
        ax.set_xlabel(title)
        ax.set_ylabel(ylabel)
        ax.grid(True, which="both", alpha=0.3)
        if all((frame[column] == 0).all() for frame, _ in runs):
            ax.text(0.5, 0.5, "all zero: ideal link", transform=ax.transAxes, ha="center", color="gray")
    axes.flat[0].legend(fontsize=8)
    first = runs[0][1]["config"]
    dimension = runs[0][1]["derived"]["dimension"]  # the model's, also for datasets and networks
    fig.suptitle(f"{first['problem.type']}, d = {dimension}, M = {first['network.workers']}, "
                 f"network {first['network.kind']}"
                 + (f", {first['network.channel_width_mhz']} MHz" if first["network.kind"] == "wifi" else ""))
    fig.tight_layout()
    aa.save(fig, args.output)
    print(f"{SCRIPT}: wrote {args.output}")


if __name__ == "__main__":
    main()
