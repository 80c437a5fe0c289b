#!/usr/bin/python3
"""The analysis scripts on a small real sweep: every figure and table is written, and missing
columns or directories fail with a clear message.

usage: analysis_test.py AIRGRAD_BINARY SOURCE_DIR
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

BINARY = sys.argv[1]
SOURCE = sys.argv[2]
PY = "/usr/bin/python3"
SWEEP = """
[run]
rounds = 12
[problem]
samples = 300
features = 40
test_samples = 100
[network]
kind = wifi
workers = 3
round_deadline_s = 0.2
[sweep]
method.name = gd, topk-ef
network.snr_db = 10, 30
network.channel_width_mhz = 20, 40
run.seed = 1, 2
[target]
loss_gap = 0.1
test_accuracy = 0.7
"""


def script(name, *args):
    return subprocess.run([PY, os.path.join(SOURCE, "analysis", name), *args], capture_output=True, text=True,
                          timeout=300)


class Analysis(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.sweep = os.path.join(cls.tmp.name, "sweep")
        path = os.path.join(cls.tmp.name, "sweep.ini")
        with open(path, "w") as f:
            f.write(SWEEP)
        r = subprocess.run([BINARY, "sweep", path, "--jobs", "2", "--out", cls.sweep], capture_output=True,
                           text=True, timeout=600)
        assert r.returncode == 0, r.stderr

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def written(self, r, path):
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertGreater(os.path.getsize(path), 1000)

    def test_convergence_with_seed_intervals(self):
        runs = [os.path.join(self.sweep, d) for d in sorted(os.listdir(self.sweep))
                if "network.snr_db=30" in d and "channel_width_mhz=20" in d]
        self.assertEqual(len(runs), 4)  # 2 methods x 2 seeds
        out = os.path.join(self.tmp.name, "convergence.pdf")
        self.written(script("plot_convergence.py", *runs, "-o", out), out)

    def test_convergence_labels_say_what_is_plotted(self):
        # The energy panel is radio plus compute energy, and the title's d is the run's dimension
        # from run.json (problem.features means nothing for a dataset): a copy whose run.json says
        # d = 12345 must show 12345. SVG with text kept as text, so the labels can be read back.
        run = os.path.join(self.tmp.name, "dimension-run")
        source = next(os.path.join(self.sweep, d) for d in sorted(os.listdir(self.sweep)) if "network.snr_db=30" in d)
        shutil.copytree(source, run)
        with open(os.path.join(run, "run.json")) as f:
            info = json.load(f)
        info["derived"]["dimension"] = 12345
        with open(os.path.join(run, "run.json"), "w") as f:
            json.dump(info, f)
        out = os.path.join(self.tmp.name, "labels.svg")
        self.assertIn("radio + compute", self.svg([run], out))
        self.assertIn("d = 12345", self.svg([run], out))
        self.assertIn("loss gap", self.svg([run], out))
        # a deep model's runs have no f*: their y axis is the test accuracy
        self.assertIn("test accuracy", self.svg([run, "--metric", "test_accuracy"], out))
        r = script("plot_convergence.py", run, "--metric", "accuracy", "-o", out)
        self.assertEqual(r.returncode, 2)
        self.assertIn("test_accuracy", r.stderr)

    def svg(self, args, out):
        """plot_convergence's SVG with text kept as text."""
        code = ("import matplotlib, runpy, sys; matplotlib.rcParams['svg.fonttype'] = 'none'; "
                f"sys.argv = ['plot_convergence.py', *{args!r}, '-o', {out!r}]; "
                f"runpy.run_path({os.path.join(SOURCE, 'analysis', 'plot_convergence.py')!r}, run_name='__main__')")
        r = subprocess.run([PY, "-c", code], capture_output=True, text=True, timeout=300,
                           env=dict(os.environ, PYTHONPATH=os.path.join(SOURCE, "analysis")))
        self.written(r, out)
        with open(out) as f:
            return f.read()

    def test_heatmaps_for_both_targets_and_all_costs(self):
        for target in ("loss_gap", "test_accuracy"):
            for cost in ("sim_time_s", "energy_j", "uplink_payload_bits"):
                out = os.path.join(self.tmp.name, f"h-{target}-{cost}.png")
                self.written(script("plot_heatmaps.py", self.sweep, "--target", target, "--cost", cost, "-o", out),
                             out)

    def test_contention_axis_and_bits_table(self):
        out = os.path.join(self.tmp.name, "width.png")
        self.written(script("plot_contention.py", self.sweep, "--x", "network.channel_width_mhz", "-o", out), out)
        r = script("table_bits.py", self.sweep)
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        self.assertEqual(len(lines), 2 + 8)  # header, rule, 8 points with seeds averaged
        self.assertIn("uplink bits to loss_gap <= 0.1", lines[0])

    def test_selection_panels_from_a_real_battery_run(self):
        # Two link runs of 4 workers, 2 chosen per round, batteries that run out: the figure is
        # written, and the alive panel counts what workers.csv says.
        runs = []
        for policy in ("random", "energy"):
            run = os.path.join(self.tmp.name, f"battery-{policy}")
            r = subprocess.run([BINARY, "run", os.path.join(SOURCE, "scenarios", "quickstart.ini"), "--out", run,
                                "--set", "network.kind=link", "--set", "network.workers=4", "--set", "run.rounds=30",
                                "--set", f"selection.policy={policy}", "--set", "selection.per_round=2",
                                "--set", "energy.battery_j=0.3,0.6,0.9,1.2", "--set", "run.cache_dir=none",
                                "--set", "compute.seconds_per_sample=2e-4"],
                               capture_output=True, text=True, timeout=300)
            self.assertEqual(r.returncode, 0, r.stderr)
            runs.append(run)
        out = os.path.join(self.tmp.name, "selection.png")
        self.written(script("plot_selection.py", *runs, "-o", out), out)
        sys.path.insert(0, os.path.join(SOURCE, "analysis"))
        import plot_selection
        import pandas as pd
        workers = pd.read_csv(os.path.join(runs[0], "workers.csv"))
        last = workers["round"].max()
        dead = (workers[workers["round"] == last]["status"] == "depleted").sum()
        self.assertGreater(dead, 0)  # the 0.3 J battery runs out
        self.assertEqual(plot_selection.alive(runs[0], [0, last])[-1], 4 - dead)

    def test_missing_columns_and_inputs_fail_clearly(self):
        r = script("plot_contention.py", self.sweep, "-o", os.path.join(self.tmp.name, "x.png"))
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("lacks column(s) network.workers", r.stderr)
        r = script("plot_heatmaps.py", os.path.join(self.tmp.name, "nowhere"), "-o", "x.png")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("nowhere not found", r.stderr)
        r = script("plot_convergence.py", self.tmp.name, "-o", "x.png")
        self.assertIn("not found", r.stderr)
        for name in ("plot_convergence.py", "plot_heatmaps.py", "plot_contention.py", "table_bits.py",
                     "plot_selection.py"):
            r = script(name, "--help")
            self.assertEqual(r.returncode, 0, name)
            self.assertIn("example:", r.stdout)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]], verbosity=2)
