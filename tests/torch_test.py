"""problem.type = torch end to end: a TorchScript model nobody in the project wrote trains from
problem.model = FILE, LeNet-5 runs give the same bytes for the same seed, and a file that is not
a model is refused in one line with exit 2.
Usage: torch_test.py AIRGRAD_BINARY SOURCE_DIR"""

import csv
import json
import os
import subprocess
import sys
import tempfile
import unittest

BINARY = sys.argv[1]
SOURCE = sys.argv[2]
SCENARIO = os.path.join(SOURCE, "scenarios", "fashion-mnist-mlp-gd.ini")
SMALL = ["--set", "problem.type=torch", "--set", "problem.max_rows=2000", "--set", "network.workers=4",
         "--set", "run.rounds=30", "--set", "run.eval_every=30", "--set", "run.threads=1"]
# Arguments later on the command line override earlier ones (run.threads, run.rounds).

EXPORT = """
import sys, torch
torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 32), torch.nn.ReLU(), torch.nn.Linear(32, 10))
torch.jit.script(model).save(sys.argv[1])
"""


def run(*args):
    return subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=600)


class TorchScriptModels(unittest.TestCase):
    def test_a_users_torchscript_model_trains_and_its_loss_falls(self):
        with tempfile.TemporaryDirectory() as tmp:
            model = os.path.join(tmp, "mlp.pt")
            subprocess.run(["/usr/bin/python3", "-c", EXPORT, model], check=True, timeout=300)
            out = os.path.join(tmp, "run")
            r = run("run", SCENARIO, *SMALL, "--set", "problem.model=" + model, "--out", out)
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(os.path.join(out, "metrics.csv")) as f:
                rows = list(csv.DictReader(f))
            self.assertEqual([row["round"] for row in rows], ["0", "30"])
            self.assertLess(float(rows[-1]["train_loss"]), 0.8 * float(rows[0]["train_loss"]))
            # its multiply-adds are counted from the shapes its matrix products see: 6 flops each
            with open(os.path.join(out, "run.json")) as f:
                derived = json.load(f)["derived"]
            self.assertEqual(derived["flops_per_sample"], 6 * (784 * 32 + 32 * 10))

    def test_the_same_seed_gives_the_same_bytes_with_one_or_two_threads(self):
        # LeNet-5 in float32 with deterministic kernels; run.threads computes workers in parallel.
        with tempfile.TemporaryDirectory() as tmp:
            outputs = []
            for threads in ("1", "2", "2"):
                out = os.path.join(tmp, f"run{len(outputs)}")
                r = run("run", SCENARIO, *SMALL, "--set", "run.rounds=10", "--set", "run.eval_every=5",
                        "--set", "run.threads=" + threads, "--out", out)
                self.assertEqual(r.returncode, 0, r.stderr)
                with open(os.path.join(out, "metrics.csv"), "rb") as a, open(os.path.join(out, "workers.csv"), "rb") as b:
                    outputs.append((a.read(), b.read()))
            self.assertEqual(outputs[0], outputs[1])
            self.assertEqual(outputs[1], outputs[2])

    def test_a_lossless_wifi_run_of_the_cnn_equals_its_ideal_run_bit_for_bit(self):
        # 802.11ax at 30 dB with a long deadline loses nothing, so the learning is the ideal link's;
        # only time, airtime and energy are the radio's.
        with tempfile.TemporaryDirectory() as tmp:
            rows = {}
            for kind in ("ideal", "wifi"):
                out = os.path.join(tmp, kind)
                r = run("run", SCENARIO, *SMALL, "--set", "problem.model=lenet5", "--set", "run.rounds=3",
                        "--set", "run.eval_every=1", "--set", "network.kind=" + kind, "--set", "network.snr_db=30",
                        "--set", "network.round_deadline_s=10", "--out", out)
                self.assertEqual(r.returncode, 0, r.stderr)
                with open(os.path.join(out, "metrics.csv")) as f:
                    rows[kind] = list(csv.DictReader(f))
            learning = ["round", "train_loss", "grad_norm_sq", "test_accuracy", "uplink_payload_bits",
                        "downlink_payload_bits", "updates_applied", "updates_lost", "compute_flops"]
            self.assertEqual([[r[k] for k in learning] for r in rows["ideal"]],
                             [[r[k] for k in learning] for r in rows["wifi"]])
            self.assertEqual([r["updates_lost"] for r in rows["wifi"]], ["0"] * 4)
            self.assertGreater(float(rows["wifi"][-1]["airtime_s"]), 0)
            self.assertGreater(float(rows["wifi"][-1]["sim_time_s"]), 0)

    def test_a_file_that_is_not_a_torchscript_model_is_refused_in_one_line(self):
        with tempfile.TemporaryDirectory() as tmp:
            bad = os.path.join(tmp, "bad.pt")
            with open(bad, "w") as f:
                f.write("not a model\n")
            r = run("run", SCENARIO, *SMALL, "--set", "problem.model=" + bad, "--out", os.path.join(tmp, "a"))
            self.assertEqual(r.returncode, 2, r.stderr)
            errors = [line for line in r.stderr.splitlines() if "error" in line]
            self.assertEqual(len(errors), 1, r.stderr)
            self.assertIn(f"problem.model = '{bad}' is not a TorchScript file", errors[0])
            r = run("run", SCENARIO, *SMALL, "--set", "problem.model=" + os.path.join(tmp, "absent.pt"),
                    "--out", os.path.join(tmp, "b"))
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertIn("lenet5, cnn, resnet8, or the path of a TorchScript file", r.stderr)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]], verbosity=2)
