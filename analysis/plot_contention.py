#!/usr/bin/python3
"""Cost to reach a target against the number of workers (or another swept number), one line per
method and combination of the other swept keys.

Reads a sweep.csv (or its directory) whose grid includes method.name and the --x key. With
run.seed swept, each point is the mean over seeds with a 95% interval (1.96 standard errors);
points where any seed missed the target are left out.

example: plot_contention.py results/contention-sweep --target test_accuracy -o contention.png
         plot_contention.py results/bandwidth-sweep --x network.channel_width_mhz -o bw.png
"""
import argparse

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import airgrad_analysis as aa  # noqa: E402

SCRIPT = "plot_contention"
METHOD = "method.name"
AXIS_LABELS = {"network.workers": "workers M (stations sharing the channel)",
               "network.channel_width_mhz": "channel width (MHz)",
               "network.snr_db": "SNR (dB)", "network.distance_m": "distance (m)"}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sweep", help="sweep.csv or its sweep directory")
    parser.add_argument("--target", default="loss_gap", choices=["loss_gap", "test_accuracy"])
    parser.add_argument("--cost", default="sim_time_s", choices=list(aa.COST_UNITS))
    parser.add_argument("--x", default="network.workers", help="swept key on the x axis (default network.workers)")
    parser.add_argument("-o", "--output", required=True, help="image file to write (.png or .pdf)")
    args = parser.parse_args()

    column = aa.cost_column(args.cost, args.target)
    frame = aa.load_sweep(SCRIPT, args.sweep, [args.x, METHOD, "status", column, f"{args.target}_target"])
    axes = list(frame.columns[1:frame.columns.get_loc("status")])
    lines = [METHOD] + [a for a in axes if a not in (METHOD, args.x, "run.seed")]
    frame = frame[frame["status"] == "done"]
    if frame.empty:
        aa.fail(SCRIPT, "no finished points")
    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    for key, rows in frame.groupby(lines if len(lines) > 1 else lines[0], sort=False):
        key = key if isinstance(key, tuple) else (key,)
        label = ", ".join([str(key[0])] + [f"{k.split('.')[-1]}={v}" for k, v in zip(lines[1:], key[1:])])
        xs, means, halves = [], [], []
        for x, values in rows.groupby(args.x):
            if values[column].notna().all():
                xs.append(x)
                means.append(values[column].mean())
                n = len(values)
                halves.append(1.96 * values[column].std(ddof=1) / np.sqrt(n) if n > 1 else 0.0)
        if xs:
            ax.errorbar(xs, means, yerr=halves, marker="o", capsize=3, label=label)
    values = sorted(frame[args.x].unique())
    ax.set_xlabel(AXIS_LABELS.get(args.x, args.x))
    ax.set_ylabel(aa.COST_UNITS[args.cost])
    if min(values) > 0:
        ax.set_xscale("log", base=2)
    ax.set_xticks(values, [f"{v:g}" for v in values])
    ax.minorticks_off()
    ax.set_yscale("log")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    target = frame[f"{args.target}_target"].iloc[0]
    ax.set_title(f"to reach {args.target} {'<=' if args.target == 'loss_gap' else '>='} {target:g}")
    fig.tight_layout()
    aa.save(fig, args.output)
    print(f"{SCRIPT}: wrote {args.output}")


if __name__ == "__main__":
    main()
