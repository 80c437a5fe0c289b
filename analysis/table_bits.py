#!/usr/bin/python3
"""Bits-to-target table in Markdown: one row per sweep point (seeds averaged), one column group
per target, giving the uplink payload bits and rounds at which the target was first reached.

example: table_bits.py results/snr-sweep -o bits.md
"""
import argparse

import airgrad_analysis as aa

SCRIPT = "table_bits"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sweep", help="sweep.csv or its sweep directory")
    parser.add_argument("-o", "--output", help="Markdown file to write (default: standard output)")
    args = parser.parse_args()

    frame = aa.load_sweep(SCRIPT, args.sweep, ["point", "status"])
    targets = [c[: -len("_target")] for c in frame.columns if c.endswith("_target")]
    if not targets:
        aa.fail(SCRIPT, "the sweep has no [target] section, so there is nothing to tabulate")
    first_value = frame.columns.get_loc("status")
    axes = [c for c in frame.columns[1:first_value] if c != "run.seed"]
    frame = frame[frame["status"] == "done"]
    header = [a.split(".")[-1] for a in axes]
    for t in targets:
        op = "<=" if t == "loss_gap" else ">="
        value = frame[f"{t}_target"].iloc[0] if not frame.empty else ""
        header += [f"uplink bits to {t} {op} {value:g}", f"rounds to {t} {op} {value:g}"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for key, rows in frame.groupby(axes, sort=False) if axes else [((), frame)]:
        key = key if isinstance(key, tuple) else (key,)
        cells = [str(k) for k in key]
        for t in targets:
            bits, rounds = rows[f"uplink_payload_bits_to_{t}"], rows[f"rounds_to_{t}"]
            if bits.notna().all():
                cells += [f"{bits.mean():,.0f}", f"{rounds.mean():g}"]
            else:
                cells += ["not reached", "-"]
        lines.append("| " + " | ".join(cells) + " |")
    text = "\n".join(lines) + "\n"
    if args.output:
        aa.save_text(text, args.output)
        print(f"{SCRIPT}: wrote {args.output}")
    else:
        print(text, end="")


if __name__ == "__main__":
    main()
