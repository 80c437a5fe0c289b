"""Shared loading for the analysis scripts: run directories and sweep indexes, with clear errors."""
import json
import os
import sys

import pandas as pd

COST_UNITS = {
    "rounds": "rounds",
    "sim_time_s": "simulated time (s)",
    "airtime_s": "uplink airtime (s)",
    "energy_j": "worker energy, radio + compute (J)",
    "uplink_payload_bits": "uplink payload (bits)",
}


def fail(script, message):
    sys.exit(f"{script}: {message}")


def require(script, frame, columns, where):
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        fail(script, f"{where} lacks column(s) {', '.join(missing)}")


def load_run(script, run_dir, columns):
    """metrics.csv and run.json of one finished run."""
    metrics = os.path.join(run_dir, "metrics.csv")
    info_path = os.path.join(run_dir, "run.json")
    for path in (metrics, info_path):
        if not os.path.isfile(path):
            fail(script, f"{path} not found (is {run_dir} a finished airgrad run?)")
    frame = pd.read_csv(metrics)
    require(script, frame, columns, metrics)
    with open(info_path) as f:
        return frame, json.load(f)


def load_sweep(script, path, columns):
    """sweep.csv, given the file or its sweep directory."""
    if os.path.isdir(path):
        path = os.path.join(path, "sweep.csv")
    if not os.path.isfile(path):
        fail(script, f"{path} not found (run 'airgrad sweep' or 'airgrad sweep --collect DIR')")
    frame = pd.read_csv(path)
    require(script, frame, columns, path)
    return frame


def cost_column(cost, target):
    return f"{cost}_to_{target}"


def _write_atomically(output, write):
    """Calls write(tmp) on a file beside output, then renames it: never a half-written file."""
    os.makedirs(os.path.dirname(os.path.abspath(output)), exist_ok=True)
    root, ext = os.path.splitext(output)
    tmp = root + ".part" + ext  # the extension stays last: savefig picks the format from it
    write(tmp)
    os.replace(tmp, output)


def save(fig, output):
    """Writes the figure atomically."""
    _write_atomically(output, lambda tmp: fig.savefig(tmp, dpi=120))


def save_text(text, output):
    """Writes a text file atomically."""
    def write(tmp):
        with open(tmp, "w") as f:
            f.write(text)
    _write_atomically(output, write)
