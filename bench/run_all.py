"""Runs every benchmark in turn (what `make bench` calls): each bench/bench_*.py, then the
public map's page weights (page_weight.py), search timings (search.py, which builds 20,000
services on SQLite and, when PostgreSQL is reachable, 200,000 there: several minutes) and
suggested services for a referral (referral_suggestions.py).

    .venv/bin/python bench/run_all.py [options passed to every bench_*.py, e.g. --requests 200]

Each script sets up its own temporary database and prints its own table. Targets are
reported, not enforced: this exits non-zero only if a script crashed.
"""

import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent


def main(argv):
    scripts = sorted(BENCH.glob("bench_*.py")) + [
        BENCH / "page_weight.py",
        BENCH / "search.py",
        BENCH / "referral_suggestions.py",
    ]
    crashed = []
    for script in scripts:
        started = time.monotonic()
        options = argv if script.name.startswith("bench_") else []
        result = subprocess.run([sys.executable, str(script), *options], cwd=BENCH.parent, check=False)
        seconds = time.monotonic() - started
        if result.returncode != 0:
            crashed.append(script.name)
            print(f"  {script.name} crashed (exit {result.returncode}) after {seconds:.0f} s", file=sys.stderr)
        else:
            print(f"  ({script.name}: {seconds:.0f} s)")
    print(f"\n{len(scripts)} bench scripts run, {len(crashed)} crashed{': ' + ', '.join(crashed) if crashed else ''}.")
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
