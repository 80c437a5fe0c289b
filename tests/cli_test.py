#!/usr/bin/python3
"""End-to-end checks of the airgrad executable: bad input and a real run.

usage: cli_test.py AIRGRAD_BINARY SOURCE_DIR
"""
import csv
import json
import os
import subprocess
import sys
import tempfile
import unittest

BINARY = sys.argv[1]
SOURCE = sys.argv[2]
QUICKSTART = os.path.join(SOURCE, "scenarios", "quickstart.ini")
SMALL = ["--set", "problem.samples=200", "--set", "problem.features=20", "--set", "run.rounds=4",
         "--set", "problem.test_samples=50", "--set", "network.workers=2"]


def run(*args):
    return subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=300)


class BadInput(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.out = os.path.join(self.tmp.name, "out")

    def tearDown(self):
        self.tmp.cleanup()

    def expect_error(self, args, *parts):
        r = run("run", *args, "--out", self.out)
        self.assertNotEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("Traceback", r.stderr)
        lines = [l for l in r.stderr.splitlines() if l.strip()]
        self.assertEqual(len(lines), 1, r.stderr)  # one message
        for p in parts:
            self.assertIn(p, r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.out, "run.json")))
        self.assertFalse(os.path.exists(os.path.join(self.out, "metrics.csv")))

    def test_unknown_key(self):
        self.expect_error([QUICKSTART, "--set", "network.fading=rayleigh"], "network.fading", "unknown key",
                          "allowed keys")

    def test_unknown_key_in_file(self):
        path = os.path.join(self.tmp.name, "bad.ini")
        with open(path, "w") as f:
            f.write("[method]\nname = gd\nbeta = 0.5\n")
        self.expect_error([path], "method.beta", "unknown key", path)

    def test_unparsable_value(self):
        self.expect_error([QUICKSTART, "--set", "run.rounds=many"], "run.rounds", "'many'", "integer")

    def test_out_of_range_value(self):
        self.expect_error([QUICKSTART, "--set", "method.k_fraction=2"], "method.k_fraction", "'2'", "(0, 1]")

    def test_missing_file(self):
        self.expect_error([os.path.join(self.tmp.name, "nope.ini")], "nope.ini", "cannot be read")

    def test_unknown_method(self):
        self.expect_error([QUICKSTART, "--set", "method.name=sgd"], "method.name", "'sgd'", "gd, topk-ef")

    def test_missing_scenario_argument_and_unknown_command(self):
        self.assertEqual(run("run").returncode, 2)
        r = run("frobnicate")
        self.assertEqual(r.returncode, 2)
        self.assertIn("unknown command 'frobnicate'", r.stderr)


class Documentation(unittest.TestCase):
    def test_help_lists_every_key_with_default_and_unit(self):
        for args in (["--help"], ["run", "--help"]):
            r = run(*args)
            self.assertEqual(r.returncode, 0)
            for key in ("[run]", "rounds = 100 (rounds)", "[network]", "channel_width_mhz = 20 (MHz)",
                        "round_deadline_s = 10 (s)", "[compute]", "seconds_per_sample = 2e-6 (s/sample)"):
                self.assertIn(key, r.stdout)

    def test_list(self):
        r = run("list")
        self.assertEqual(r.returncode, 0)
        for name in ("gd ", "topk-ef ", "least-squares ", "logistic ", "ideal ", "wifi "):
            self.assertIn(name, r.stdout)


class Readme(unittest.TestCase):
    def test_the_readme_scenario_example_runs(self):
        with open(os.path.join(SOURCE, "README.md")) as f:
            text = f.read()
        example = text.split("```ini\n", 1)[1].split("```", 1)[0]
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "example.ini")
            with open(path, "w") as f:
                f.write(example)
            r = run("run", path, *SMALL, "--set", "network.kind=ideal", "--out", os.path.join(tmp, "out"))
            self.assertEqual(r.returncode, 0, r.stderr)


class Runs(unittest.TestCase):
    COLUMNS = ["round", "sim_time_s", "train_loss", "loss_gap", "grad_norm_sq", "test_accuracy",
               "uplink_payload_bits", "downlink_payload_bits", "uplink_air_bytes", "airtime_s", "energy_j",
               "updates_applied", "updates_lost"]

    def run_ok(self, kind, out):
        r = run("run", QUICKSTART, *SMALL, "--set", "network.kind=" + kind, "--out", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("round 4/4", r.stderr)
        with open(os.path.join(out, "metrics.csv")) as f:
            rows = list(csv.DictReader(f))
        with open(os.path.join(out, "run.json")) as f:
            info = json.load(f)
        self.assertFalse(os.path.exists(os.path.join(out, "metrics.csv.part")))
        return rows, info

    def test_ideal_and_wifi_runs_write_metrics_and_run_json(self):
        with tempfile.TemporaryDirectory() as tmp:
            ideal, info = self.run_ok("ideal", os.path.join(tmp, "ideal"))
            wifi, _ = self.run_ok("wifi", os.path.join(tmp, "wifi"))
            for rows in (ideal, wifi):
                self.assertEqual(list(rows[0].keys())[:len(self.COLUMNS)], self.COLUMNS)
                self.assertEqual([int(r["round"]) for r in rows], [0, 1, 2, 3, 4])
            self.assertEqual([r["train_loss"] for r in ideal], [r["train_loss"] for r in wifi])
            times = [float(r["sim_time_s"]) for r in wifi]
            self.assertTrue(all(b > a for a, b in zip(times, times[1:])), times)
            self.assertGreater(float(wifi[-1]["airtime_s"]), 0)
            self.assertGreater(float(wifi[-1]["energy_j"]), 0)
            self.assertEqual(info["config"]["run.rounds"], "4")
            self.assertEqual(info["config"]["network.kind"], "ideal")
            self.assertGreater(info["derived"]["step"], 0)
            self.assertEqual(info["summary"]["rounds"], 4)
            self.assertIn("git_commit", info)
            self.assertGreater(info["wall_clock_s"], 0)

    def test_same_scenario_same_bytes(self):
        with tempfile.TemporaryDirectory() as tmp:
            outs = [os.path.join(tmp, str(i)) for i in range(2)]
            for out in outs:
                self.run_ok("wifi", out)
            files = [open(os.path.join(o, "metrics.csv"), "rb").read() for o in outs]
            self.assertEqual(files[0], files[1])


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]], verbosity=2)
