"""Checks what an example wrote: python3 check-example.py wifi|mobility|csma DIR (exit 1 on failure)."""
import csv
import sys

kind, out = sys.argv[1], sys.argv[2]


def rows(name):
    with open(f"{out}/{name}", newline="") as f:
        return list(csv.DictReader(f))


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    return ok


good = True
if kind in ("wifi", "csma"):
    metrics = rows("metrics.csv")
    expected = 31 if kind == "wifi" else 21  # round 0 and every round of the default run
    good &= check(len(metrics) == expected, f"{len(metrics)} metrics rows (want {expected})")
    first, last = float(metrics[0]["train_loss"]), float(metrics[-1]["train_loss"])
    good &= check(last < 0.9 * first, f"train loss {first:.4f} -> {last:.4f} (want below 0.9x)")
    applied = sum(int(r["updates_applied"]) for r in metrics[1:])
    good &= check(applied >= 0.9 * 4 * (expected - 1), f"{applied} updates applied")
    good &= check(float(metrics[-1]["sim_time_s"]) > 0, "simulated time advances")
else:
    workers = rows("workers.csv")
    rounds = max(int(r["round"]) for r in workers)
    early = [r for r in workers if int(r["round"]) <= 5 and int(r["mcs"]) >= 0]
    late = [r for r in workers if int(r["round"]) > rounds - 5 and int(r["mcs"]) >= 0]
    mcs_early = sum(int(r["mcs"]) for r in early) / max(len(early), 1)
    mcs_late = sum(int(r["mcs"]) for r in late) / max(len(late), 1)
    good &= check(len(early) > 0 and len(late) > 0, "MCS reported early and late")
    good &= check(mcs_late < mcs_early - 2, f"mean MCS {mcs_early:.1f} in rounds 1-5, {mcs_late:.1f} in the last 5")
    air_early = sum(float(r["airtime_s"]) for r in early) / max(len(early), 1)
    air_late = sum(float(r["airtime_s"]) for r in late) / max(len(late), 1)
    good &= check(air_late > 1.5 * air_early, f"airtime per worker-round {air_early * 1e3:.2f} ms -> {air_late * 1e3:.2f} ms")
sys.exit(0 if good else 1)
