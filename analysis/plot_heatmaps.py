#!/usr/bin/python3
"""Time-to-target heatmaps over SNR x channel width, one per method, and which method wins.

Reads a sweep.csv (or its directory) whose grid includes network.snr_db,
network.channel_width_mhz and method.name. Each cell shows the cost (by default simulated time)
at which the target was first reached, averaged over seeds when run.seed was swept; a cell where
some seed never reached the target is marked "-" and left out of the winner map, whose cells name
the method with the lowest cost.

example: plot_heatmaps.py results/snr-sweep --target loss_gap --cost sim_time_s -o heatmaps.png
"""
import argparse

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import airgrad_analysis as aa  # noqa: E402

SCRIPT = "plot_heatmaps"
SNR, WIDTH, METHOD = "network.snr_db", "network.channel_width_mhz", "method.name"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sweep", help="sweep.csv or its sweep directory")
    parser.add_argument("--target", default="loss_gap", choices=["loss_gap", "test_accuracy"])
    parser.add_argument("--cost", default="sim_time_s", choices=list(aa.COST_UNITS))
    parser.add_argument("-o", "--output", required=True, help="image file to write (.png or .pdf)")
    args = parser.parse_args()

    column = aa.cost_column(args.cost, args.target)
    frame = aa.load_sweep(SCRIPT, args.sweep, [SNR, WIDTH, METHOD, "status", column, f"{args.target}_target"])
    frame = frame[frame["status"] == "done"]
    if frame.empty:
        aa.fail(SCRIPT, "no finished points")
    methods = list(dict.fromkeys(frame[METHOD]))
    snrs = sorted(frame[SNR].unique())
    widths = sorted(frame[WIDTH].unique())
    # cost[m][i, j]: mean over seeds; NaN when any seed missed the target
    grouped = frame.groupby([METHOD, SNR, WIDTH])[column]
    cost = {m: np.full((len(snrs), len(widths)), np.nan) for m in methods}
    for (m, snr, width), values in grouped:
        if values.notna().all():
            cost[m][snrs.index(snr), widths.index(width)] = values.mean()

    fig, axes = plt.subplots(1, len(methods) + 1, figsize=(4.2 * (len(methods) + 1), 3.8), squeeze=False)
    finite = np.concatenate([c[np.isfinite(c)] for c in cost.values()])
    vmin, vmax = (finite.min(), finite.max()) if finite.size else (0, 1)
    norm = matplotlib.colors.LogNorm(vmin, vmax) if finite.size and vmin > 0 else None
    for ax, m in zip(axes[0], methods):
        image = ax.imshow(cost[m], origin="lower", cmap="viridis_r", norm=norm, aspect="auto")
        for i in range(len(snrs)):
            for j in range(len(widths)):
                v = cost[m][i, j]
                # dark text on the bright (low-cost) end of viridis_r, light text elsewhere
                bright = not np.isnan(v) and (image.norm(v) < 0.5)
                ax.text(j, i, "-" if np.isnan(v) else f"{v:.3g}", ha="center", va="center",
                        color="black" if bright else "white", fontsize=9)
        ax.set_title(m)
        fig.colorbar(image, ax=ax, label=aa.COST_UNITS[args.cost])
    winner_ax = axes[0][-1]
    stack = np.stack([cost[m] for m in methods])
    reached = np.isfinite(stack).any(axis=0)
    best = np.where(reached, np.nanargmin(np.where(np.isfinite(stack), stack, np.inf), axis=0), -1)
    colors = plt.get_cmap("tab10")
    rgb = np.ones((len(snrs), len(widths), 3))
    for i in range(len(snrs)):
        for j in range(len(widths)):
            if best[i, j] >= 0:
                rgb[i, j] = colors(best[i, j])[:3]
                winner_ax.text(j, i, methods[best[i, j]], ha="center", va="center", fontsize=8)
            else:
                winner_ax.text(j, i, "none", ha="center", va="center", fontsize=8, color="gray")
    winner_ax.imshow(rgb, origin="lower", aspect="auto")
    winner_ax.set_title(f"lowest {args.cost}")
    for ax in axes[0]:
        ax.set_xticks(range(len(widths)), [str(w) for w in widths])
        ax.set_yticks(range(len(snrs)), [f"{s:g}" for s in snrs])
        ax.set_xlabel("channel width (MHz)")
        ax.set_ylabel("SNR (dB)")
    target = frame[f"{args.target}_target"].iloc[0]
    fig.suptitle(f"{aa.COST_UNITS[args.cost]} to reach {args.target} "
                 f"{'<=' if args.target == 'loss_gap' else '>='} {target:g}")
    fig.tight_layout()
    aa.save(fig, args.output)
    print(f"{SCRIPT}: wrote {args.output}")


if __name__ == "__main__":
    main()
