#!/usr/bin/python3
"""End-to-end checks of the airgrad executable: bad input and a real run.

usage: cli_test.py AIRGRAD_BINARY SOURCE_DIR
"""
import csv
import fcntl
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
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
        self.expect_error([QUICKSTART, "--set", "network.shadowing=rayleigh"], "network.shadowing", "unknown key",
                          "allowed keys")

    def test_unknown_key_in_file(self):
        path = os.path.join(self.tmp.name, "bad.ini")
        with open(path, "w") as f:
            f.write("[method]\nname = gd\nbetta = 0.5\n")
        self.expect_error([path], "method.betta", "unknown key", path)

    def test_unparsable_value(self):
        self.expect_error([QUICKSTART, "--set", "run.rounds=many"], "run.rounds", "'many'", "integer")

    def test_out_of_range_value(self):
        self.expect_error([QUICKSTART, "--set", "method.k_fraction=2"], "method.k_fraction", "'2'", "(0, 1]")

    def test_link_rejects_what_it_does_not_model(self):
        self.expect_error([QUICKSTART, "--set", "network.kind=link", "--set", "network.fading=rayleigh"],
                          "network.fading", "'rayleigh'", "none with network.kind = link")
        self.expect_error([QUICKSTART, "--set", "network.kind=link", "--set", "network.rate_manager=minstrel"],
                          "network.rate_manager", "'minstrel'", "ideal | constant")
        self.expect_error([QUICKSTART, "--set", "network.link_sharing=ofdma"], "network.link_sharing", "'ofdma'",
                          "serial | tdma | fdma")

    def test_broadcast_needs_a_downlink_every_worker_hears_and_can_resynchronise(self):
        self.expect_error([QUICKSTART, "--set", "network.kind=link", "--set", "network.link_sharing=fdma",
                           "--set", "network.downlink=broadcast"], "network.downlink", "'broadcast'", "fdma")
        self.expect_error([QUICKSTART, "--set", "method.name=cd-adam", "--set", "network.downlink=broadcast"],
                          "network.downlink", "'broadcast'", "method.downlink = model")
        self.expect_error([QUICKSTART, "--set", "network.transport=tcp", "--set", "network.downlink=broadcast"],
                          "network.downlink", "'broadcast'", "unicast with network.transport = tcp")
        self.expect_error([QUICKSTART, "--set", "network.transport=quic"], "network.transport", "'quic'", "udp | tcp")
        self.expect_error([QUICKSTART, "--set", "network.ofdma=true", "--set", "network.standard=ac"],
                          "network.ofdma", "'true'", "network.standard = ax")
        self.expect_error([QUICKSTART, "--set", "network.ofdma=true", "--set", "network.kind=link"],
                          "network.ofdma", "'true'", "network.kind = wifi")

    def test_a_directory_is_not_a_scenario(self):
        self.expect_error([self.tmp.name], self.tmp.name, "is a directory")

    def test_an_output_that_cannot_be_written_fails_before_the_set_up(self):
        blocker = os.path.join(self.tmp.name, "a-file")
        with open(blocker, "w") as f:
            f.write("x")
        for args in (["--out", os.path.join(blocker, "run")], ["--set", "run.name=" + "n" * 300]):
            r = subprocess.run([BINARY, "run", QUICKSTART, "--set", "network.kind=ideal", *args], capture_output=True,
                               text=True, timeout=60, cwd=self.tmp.name)
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertIn("output directory", r.stderr)
            self.assertIn("cannot be written", r.stderr)
            self.assertNotIn("f* and L", r.stderr)  # refused before the data and f* were set up

    def test_a_diverging_run_stops_with_exit_3_and_keeps_the_rows_before(self):
        for kind in ("ideal", "link"):
            out = os.path.join(self.tmp.name, kind)
            r = run("run", QUICKSTART, *SMALL, "--set", "network.kind=" + kind, "--set", "method.step=1e308",
                    "--out", out)
            self.assertEqual(r.returncode, 3, r.stderr)
            self.assertIn("stopped at round 1", r.stderr)
            self.assertIn("method.step", r.stderr)
            with open(os.path.join(out, "metrics.csv")) as f:
                rows = list(csv.DictReader(f))
            self.assertEqual([row["round"] for row in rows], ["0"])
            self.assertFalse(os.path.exists(os.path.join(out, "run.json")), "a stopped run is not a finished one")

    def test_missing_file(self):
        self.expect_error([os.path.join(self.tmp.name, "nope.ini")], "nope.ini", "cannot be read")

    def test_unknown_method(self):
        self.expect_error([QUICKSTART, "--set", "method.name=sgd"], "method.name", "'sgd'", "gd, topk, topk-ef")

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

    def test_the_repository_stands_alone(self):
        # A user's clone has only this repository: nothing may point at the team's notes beside it
        # (the names are split so that this file does not match itself).
        needles = ["../" + "shared", "ALGORITHMS" + ".md", "DESIGN" + ".md"]
        for root, dirs, files in os.walk(SOURCE):
            dirs[:] = [d for d in dirs if d not in (".git", "build", "results")]
            for name in files:
                path = os.path.join(root, name)
                try:
                    with open(path, encoding="utf-8") as f:
                        text = f.read()
                except (UnicodeDecodeError, OSError):
                    continue  # binary files (figures)
                for needle in needles:
                    self.assertFalse(needle in text, f"{path} mentions {needle}")
        self.assertTrue(os.path.isfile(os.path.join(SOURCE, "docs", "algorithms.md")))

    def test_list_shows_exactly_what_the_parser_accepts(self):
        r = run("list")
        self.assertEqual(r.returncode, 0)
        listed, key = {}, None
        for line in r.stdout.splitlines():
            if not line.startswith(" "):
                key = line.rstrip(":")
                listed[key] = []
            elif line.startswith("  ") and line[2] != " ":
                listed[key].append(line.split()[0])
        self.assertEqual(set(listed), {"method.name", "problem.type", "problem.dataset", "data.partition",
                                       "network.kind"})
        for key, names in listed.items():
            bad = run("run", os.path.join(SOURCE, "scenarios", "quickstart.ini"), "--set", f"{key}=not-a-choice")
            self.assertEqual(bad.returncode, 2, bad.stderr)
            allowed = bad.stderr.split("allowed: ")[1].strip()
            self.assertEqual(sorted(names), sorted(a.strip() for a in allowed.replace(",", "|").split("|")), key)
        self.assertEqual(len(listed["problem.type"]), 6)  # with torch


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
               "updates_applied", "updates_lost", "compute_samples", "compute_flops"]

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
            with open(os.path.join(tmp, "wifi", "workers.csv")) as f:
                workers = list(csv.DictReader(f))
            self.assertEqual(len(workers), 4 * 2)  # rounds x workers
            self.assertTrue(all(w["status"] in ("applied", "skipped", "late", "lost", "missed-downlink", "rejected")
                                for w in workers))
            self.assertEqual(sum(int(w["uplink_payload_bits"]) for w in workers),
                             int(wifi[-1]["uplink_payload_bits"]))
            self.assertEqual(info["config"]["run.rounds"], "4")
            self.assertEqual(info["config"]["network.kind"], "ideal")
            self.assertGreater(info["derived"]["step"], 0)
            self.assertEqual(info["summary"]["rounds"], 4)
            self.assertIn("git_commit", info)
            self.assertGreater(info["wall_clock_s"], 0)

    def test_wifi_with_rayleigh_fading_survives_a_lost_addba_ack(self):
        # At 15 dB with per-packet Rayleigh fading an ADDBA Response's Ack is lost during the
        # warm-up; ns-3.37 then died in EndReceiveAmpdu with std::bad_alloc (ns3-workarounds.h).
        # Over TCP, a receiver whose ADDBA Response was never acked stayed stuck and 2 of 10
        # workers never connected.
        # With uplink OFDMA the same holds for the single MPDUs of trigger-based PPDUs.
        for extra in (["network.transport=udp"], ["network.transport=tcp"], ["network.ofdma=true"]):
            with tempfile.TemporaryDirectory() as tmp:
                r = run("run", QUICKSTART, "--set", "network.snr_db=15", "--set", "network.fading=rayleigh",
                        "--set", extra[0], "--set", "run.rounds=2", "--set", "run.cache_dir=none", "--out", tmp)
                self.assertEqual(r.returncode, 0, extra[0] + ": " + r.stderr)
                with open(os.path.join(tmp, "metrics.csv")) as f:
                    self.assertEqual([row["round"] for row in csv.DictReader(f)], ["0", "1", "2"])

    def test_topk_ef_at_the_auto_step_on_sparse_data_suggests_a_step(self):
        base = [QUICKSTART, *SMALL, "--set", "network.kind=ideal", "--set", "method.name=topk-ef",
                "--set", "run.cache_dir=none", "--set", "method.k_fraction=0.1"]
        with tempfile.TemporaryDirectory() as tmp:
            sparse = run("run", *base, "--set", "problem.density=0.2", "--out", os.path.join(tmp, "a"))
            self.assertEqual(sparse.returncode, 0, sparse.stderr)
            note = [l for l in sparse.stderr.splitlines() if "note: method.step = auto" in l]
            self.assertEqual(len(note), 1, sparse.stderr)
            with open(os.path.join(tmp, "a", "run.json")) as f:
                step = json.load(f)["derived"]["step"]
            # the suggestion is sqrt(K/d) times the auto step: K = 2 of d = 20
            suggested = float(note[0].split("sqrt(K/d)/L = ")[1].split()[0])
            self.assertAlmostEqual(suggested, (2 / 20) ** 0.5 * step, delta=1e-5 * step)
            for extra in (["--set", "problem.density=1"], ["--set", "problem.density=0.2", "--set", "method.step=0.5"]):
                r = run("run", *base, *extra, "--out", os.path.join(tmp, "b"))
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertNotIn("note:", r.stderr, extra)

    def test_fashion_mnist_dirichlet_histograms_are_skewed(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "fm")
            r = run("run", QUICKSTART, "--set", "problem.dataset=fashion-mnist", "--set", "problem.type=softmax",
                    "--set", "problem.max_rows=3000", "--set", "data.partition=dirichlet",
                    "--set", "data.dirichlet_alpha=0.1", "--set", "network.kind=ideal",
                    "--set", "run.rounds=3", "--set", "method.step=0.1", "--out", out)
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(os.path.join(out, "run.json")) as f:
                data = json.load(f)["data"]
            self.assertEqual(data["classes"], 10)
            histograms = data["label_histograms"]
            self.assertEqual(len(histograms), 10)
            self.assertEqual(sum(map(sum, histograms)), 3000)
            top_share = sum(max(h) / sum(h) for h in histograms) / len(histograms)
            self.assertGreater(top_share, 0.5, histograms)  # iid would give about 0.1
            with open(os.path.join(out, "metrics.csv")) as f:
                rows = list(csv.DictReader(f))
            self.assertEqual(rows[-1]["loss_gap"], "nan")  # no f* for softmax
            self.assertTrue(0 <= float(rows[-1]["test_accuracy"]) <= 1)

    def test_bad_data_inputs_name_the_key_or_the_file(self):
        with tempfile.TemporaryDirectory() as tmp:
            r = run("run", QUICKSTART, "--set", "problem.dataset=libsvm", "--out", os.path.join(tmp, "a"))
            self.assertEqual(r.returncode, 2)
            self.assertIn("problem.data_file", r.stderr)
            bad = os.path.join(tmp, "bad.libsvm")
            with open(bad, "w") as f:
                f.write("+1 1:1\n-1 2:x\n")
            r = run("run", QUICKSTART, "--set", "problem.dataset=libsvm", "--set", "problem.data_file=" + bad,
                    "--set", "network.kind=ideal", "--out", os.path.join(tmp, "b"))
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertIn(bad + ":2:", r.stderr)
            self.assertFalse(os.path.exists(os.path.join(tmp, "b", "run.json")))

    def test_a_feature_index_whose_state_cannot_fit_is_refused_before_allocating(self):
        # 3000 short lines naming feature 10^8: a few kB of data, but 1000 workers holding vectors
        # of 10^8 doubles need petabytes. Before the memory estimate this ran for a minute at 6 GB.
        with tempfile.TemporaryDirectory() as tmp:
            data = os.path.join(tmp, "wide.libsvm")
            with open(data, "w") as f:
                f.write("".join(f"{1 if i % 2 else -1} {i % 50 + 1}:1 100000000:1\n" for i in range(3000)))
            started = time.monotonic()
            r = run("run", QUICKSTART, "--set", "problem.dataset=libsvm", "--set", "problem.data_file=" + data,
                    "--set", "network.kind=ideal", "--set", "network.workers=1000", "--out", os.path.join(tmp, "a"))
            self.assertEqual(r.returncode, 2, r.stderr)
            for part in ("GiB", "d = 100000000", "problem.data_file = " + data, "network.workers = 1000",
                         "method.name = gd"):
                self.assertIn(part, r.stderr)
            self.assertLess(time.monotonic() - started, 20)
            self.assertFalse(os.path.exists(os.path.join(tmp, "a", "run.json")))

    def test_same_scenario_same_bytes(self):
        with tempfile.TemporaryDirectory() as tmp:
            outs = [os.path.join(tmp, str(i)) for i in range(2)]
            for out in outs:
                self.run_ok("wifi", out)
            files = [open(os.path.join(o, "metrics.csv"), "rb").read() for o in outs]
            self.assertEqual(files[0], files[1])


SWEEP = """
[run]
name = tiny
rounds = {rounds}
[problem]
samples = 400
features = 50
test_samples = 100
[network]
kind = {kind}
workers = 4
round_deadline_s = 0.2
[sweep]
network.snr_db = 5, 25
method.name = gd,topk-ef
[target]
loss_gap = 0.05
"""


def read_index(path):
    with open(path) as f:
        return {r["point"]: r for r in csv.DictReader(f)}


class Sweep(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.out = os.path.join(self.tmp.name, "sweep")

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, text, name="sweep.ini"):
        path = os.path.join(self.tmp.name, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def test_grid_index_and_targets_match_the_point_metrics(self):
        path = self.write(SWEEP.format(rounds=30, kind="wifi"))
        r = run("sweep", path, "--jobs", "2", "--out", self.out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("4/4 done", r.stderr)
        index = read_index(os.path.join(self.out, "sweep.csv"))
        self.assertEqual(len(index), 4)
        for name, row in index.items():
            self.assertEqual(row["status"], "done")
            self.assertEqual(name, f"method.name={row['method.name']}+network.snr_db={row['network.snr_db']}")
            with open(os.path.join(self.out, name, "metrics.csv")) as f:
                rows = list(csv.DictReader(f))
            hit = next((m for m in rows if float(m["loss_gap"]) <= 0.05), None)
            if hit is None:
                self.assertEqual(row["rounds_to_loss_gap"], "")
            else:
                self.assertEqual(row["rounds_to_loss_gap"], hit["round"])
                self.assertEqual(row["sim_time_s_to_loss_gap"], hit["sim_time_s"])
                self.assertEqual(row["energy_j_to_loss_gap"], hit["energy_j"])
        gd5 = index["method.name=gd+network.snr_db=5"]
        gd25 = index["method.name=gd+network.snr_db=25"]
        self.assertGreater(float(gd5["airtime_s_to_loss_gap"]), float(gd25["airtime_s_to_loss_gap"]))

    def test_a_sweep_over_network_and_method_keys_computes_f_star_once(self):
        cache = os.path.join(self.tmp.name, "cache")
        text = SWEEP.format(rounds=3, kind="ideal").replace("[run]\n", f"[run]\ncache_dir = {cache}\n")
        r = run("sweep", self.write(text), "--jobs", "2", "--out", self.out)
        self.assertEqual(r.returncode, 0, r.stderr)
        sources, fstars = [], set()
        for name in read_index(os.path.join(self.out, "sweep.csv")):
            with open(os.path.join(self.out, name, "run.json")) as f:
                derived = json.load(f)["derived"]
            sources.append(derived["f_star_source"])
            fstars.add(derived["f_star"])
        self.assertEqual(sorted(sources), ["cache"] * 3 + ["computed (cache absent)"])
        self.assertEqual(len(fstars), 1)
        self.assertEqual(len([e for e in os.listdir(cache) if e.endswith(".txt")]), 1)

    def test_rerun_skips_finished_points_and_redoes_the_rest(self):
        path = self.write(SWEEP.format(rounds=5, kind="ideal"))
        self.assertEqual(run("sweep", path, "--out", self.out).returncode, 0)
        os.remove(os.path.join(self.out, "method.name=gd+network.snr_db=5", "run.json"))
        r = run("sweep", path, "--out", self.out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("4 points, 3 already finished, running 1", r.stderr)
        self.assertTrue(all(p["status"] == "done" for p in read_index(os.path.join(self.out, "sweep.csv")).values()))

    def test_an_edited_sweep_file_reruns_its_points(self):
        self.assertEqual(run("sweep", self.write(SWEEP.format(rounds=5, kind="ideal")), "--out", self.out).returncode, 0)
        r = run("sweep", self.write(SWEEP.format(rounds=6, kind="ideal")), "--out", self.out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("4 points, 0 already finished", r.stderr)
        with open(os.path.join(self.out, "method.name=gd+network.snr_db=5", "metrics.csv")) as f:
            self.assertEqual(len(f.read().splitlines()), 1 + 7)  # header, rounds 0..6

    def locked(self, path):
        """Whether a process holds the flock on `path` (the point and sweep directory locks)."""
        if not os.path.exists(path):
            return False
        with open(path) as f:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(f, fcntl.LOCK_UN)
            return False

    def point_locks(self, out):
        return [os.path.join(out, n, ".lock") for n in os.listdir(out)] if os.path.isdir(out) else []

    def test_a_sweep_killed_at_any_moment_resumes_to_the_same_results(self):
        # Killed while validating (0 s), while points run, and as points finish and sweep.csv is
        # rewritten; by SIGTERM to the sweep alone (it stops and waits for its points) and by
        # SIGKILL (the kernel stops its points). The resumed sweep must finish every point with
        # the bytes of an uninterrupted sweep.
        path = self.write(SWEEP.format(rounds=300, kind="wifi"))
        reference = os.path.join(self.tmp.name, "reference")
        self.assertEqual(run("sweep", path, "--jobs", "2", "--out", reference).returncode, 0)
        for sig in (signal.SIGTERM, signal.SIGKILL):
            for delay in (0.0, 0.3, 0.8, 1.2, 1.6):
                out = os.path.join(self.tmp.name, f"{sig.name}-{delay}")
                proc = subprocess.Popen([BINARY, "sweep", path, "--jobs", "2", "--out", out],
                                        stderr=subprocess.PIPE, text=True)
                time.sleep(delay)
                proc.send_signal(sig)
                _, err = proc.communicate(timeout=60)
                if sig == signal.SIGTERM:
                    self.assertIn(proc.returncode, (-signal.SIGTERM, 128 + signal.SIGTERM), err)
                    held = [p for p in self.point_locks(out) if self.locked(p)]
                    self.assertEqual(held, [], f"points outlived the sweep stopped at {delay} s")
                else:
                    deadline = time.monotonic() + 10
                    while any(self.locked(p) for p in self.point_locks(out)) and time.monotonic() < deadline:
                        time.sleep(0.05)
                    self.assertFalse(any(self.locked(p) for p in self.point_locks(out)),
                                     f"points outlived the sweep killed at {delay} s")
                r = run("sweep", path, "--jobs", "2", "--out", out)
                self.assertEqual(r.returncode, 0, (sig.name, delay, r.stderr))
                index = read_index(os.path.join(out, "sweep.csv"))
                self.assertEqual(sorted(p["status"] for p in index.values()), ["done"] * 4, (sig.name, delay))
                for name in index:
                    for f in ("metrics.csv", "workers.csv"):
                        with open(os.path.join(out, name, f), "rb") as a, open(os.path.join(reference, name, f), "rb") as b:
                            self.assertEqual(a.read(), b.read(), (sig.name, delay, name, f))

    def test_one_directory_takes_one_sweep_and_one_run_at_a_time(self):
        path = self.write(SWEEP.format(rounds=300, kind="wifi"))
        first = subprocess.Popen([BINARY, "sweep", path, "--out", self.out], stderr=subprocess.DEVNULL)
        lock = os.path.join(self.out, ".sweep.lock")
        while not self.locked(lock) and first.poll() is None:
            time.sleep(0.01)
        r = run("sweep", path, "--out", self.out)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn(f"is in use by another airgrad sweep (held by pid {first.pid})", r.stderr)
        first.send_signal(signal.SIGTERM)
        first.wait(timeout=60)
        # A point directory another run is writing (here: whose lock this test holds) is refused.
        point = os.path.join(self.tmp.name, "point")
        os.makedirs(point)
        with open(os.path.join(point, ".lock"), "w") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            r = run("run", QUICKSTART, *SMALL, "--set", "network.kind=ideal", "--out", point)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("is being written by another airgrad run", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(point, "metrics.csv")))

    def test_gnu_parallel_gives_the_same_index_as_jobs(self):
        path = self.write(SWEEP.format(rounds=20, kind="wifi"))
        a, b = os.path.join(self.tmp.name, "a"), os.path.join(self.tmp.name, "b")
        self.assertEqual(run("sweep", path, "--jobs", "2", "--out", a).returncode, 0)
        commands = os.path.join(self.tmp.name, "commands.txt")
        r = run("sweep", path, "--out", b, "--emit-commands", commands)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(commands) as f:
            self.assertEqual(len(f.read().splitlines()), 4)
        with open(commands) as f:
            subprocess.run(["parallel", "--will-cite", "--jobs", "2"], stdin=f, check=True, timeout=300)
        self.assertEqual(run("sweep", "--collect", b).returncode, 0)
        ia, ib = read_index(os.path.join(a, "sweep.csv")), read_index(os.path.join(b, "sweep.csv"))
        self.assertEqual(ia.keys(), ib.keys())
        for name in ia:
            for column in ia[name]:
                if column != "wall_clock_s":
                    self.assertEqual(ia[name][column], ib[name][column], (name, column))

    def test_slurm_script_names_every_unfinished_point(self):
        path = self.write(SWEEP.format(rounds=5, kind="ideal"))
        script = os.path.join(self.tmp.name, "job.sh")
        self.assertEqual(run("sweep", path, "--out", self.out, "--emit-slurm", script).returncode, 0)
        with open(script) as f:
            text = f.read()
        self.assertIn("#SBATCH --array=1-4", text)
        with open(os.path.join(self.out, "commands.txt")) as f:
            self.assertEqual(len(f.read().splitlines()), 4)

    def expect_rejected(self, text, *parts):
        r = run("sweep", self.write(text), "--out", self.out)
        self.assertEqual(r.returncode, 2, r.stderr)
        for p in parts:
            self.assertIn(p, r.stderr)
        self.assertFalse(os.path.exists(self.out), "nothing may run or be written")

    def test_bad_sweep_files_are_rejected_before_any_point_runs(self):
        self.expect_rejected("[sweep]\nnetwork.shadowing = a,b\n", "unknown key", "sweep.network.shadowing")
        self.expect_rejected("[sweep]\nnetwork.workers = 2,,4\n", "sweep.network.workers", "none empty")
        self.expect_rejected("[sweep]\nnetwork.workers =\n", "sweep.network.workers", "none empty")
        self.expect_rejected("[sweep]\nnetwork.channel_width_mhz = 20,30\n", "network.channel_width_mhz",
                             "'30'", "sweep point network.channel_width_mhz = 30")
        self.expect_rejected("[target]\nloss_gap = -1\n", "target.loss_gap", "'-1'")
        # 10^6 points are refused at once by their count, before any is built or validated.
        axis = ", ".join(str(i) for i in range(1, 11))
        big = "".join(f"{k} = {axis}\n" for k in ("network.snr_db", "run.seed", "network.distance_m",
                                                   "problem.l2", "run.rounds", "network.workers"))
        started = time.monotonic()
        self.expect_rejected("[sweep]\n" + big, "has more than 10000 points", "--max-points")
        self.assertLess(time.monotonic() - started, 5)
        # A grid within the limit is reported by its size before its points are validated.
        seeds = ",".join(str(i) for i in range(1, 3000)) + ",x"
        r = run("sweep", self.write(f"[sweep]\nrun.seed = {seeds}\n"), "--out", self.out)
        self.assertEqual(r.returncode, 2, r.stderr)
        lines = r.stderr.splitlines()
        self.assertIn("3000 points; validating each before any runs", lines[0])
        self.assertIn("run.seed = 'x'", lines[-1])


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]], verbosity=2)
