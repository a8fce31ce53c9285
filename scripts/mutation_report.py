"""The share of mutants the tests kill, per module, from what `mutmut run` left in mutants/ (`make mutation`).

mutmut prints one total for everything; the goal (85 % killed) is per module, so that a well-tested module
cannot hide one that is not. A module whose mutants have not all been run yet is shown as such and is not
judged. Exits 1 when a module that has been run whole is under the goal.

    python scripts/mutation_report.py                # every module
    python scripts/mutation_report.py --survivors    # and the name of each mutant that survived
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

GOAL = 85.0
ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"

#: mutmut's exit codes (its stats.py): a failing test, pytest's internal error, a time-out and a type-checker
#: error all mean the change was noticed.
KILLED = {1, 3, 24, -24, 152, 255, 36, 37}
SURVIVED = {0}
NO_TESTS = {5, 33}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--survivors", action="store_true", help="list the mutants that survived")
    args = parser.parse_args()
    metas = sorted((MUTANTS / "src").rglob("*.py.meta"))
    if not metas:
        print("no mutation results: run `make mutation` first", file=sys.stderr)
        return 1
    print(f"{'module':<40} {'killed':>7} {'survived':>8} {'no test':>7} {'other':>6} {'not run':>7} {'total':>6} {'killed %':>8}")
    below = []
    for meta in metas:
        codes: dict[str, int | None] = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        if not codes:
            continue
        module = meta.relative_to(MUTANTS / "src").as_posix().removesuffix(".meta")
        killed = sum(code in KILLED for code in codes.values())
        survived = [name for name, code in codes.items() if code in SURVIVED]
        untested = sum(code in NO_TESTS for code in codes.values())
        not_run = sum(code is None for code in codes.values())
        other = len(codes) - killed - len(survived) - untested - not_run
        run = len(codes) - not_run
        share = f"{100 * killed / run:.1f}" if run else "-"
        verdict = "" if not_run == 0 else "  (not all run)" if run else "  (not run)"
        if not_run == 0 and 100 * killed / run < GOAL:
            below.append(module)
            verdict = f"  < {GOAL:.0f} %"
        print(f"{module:<40} {killed:>7} {len(survived):>8} {untested:>7} {other:>6} {not_run:>7} {len(codes):>6} {share:>8}{verdict}")
        if args.survivors:
            for name in sorted(survived, key=_number):
                print(f"    survived: {name}")
    if below:
        print(f"\nunder {GOAL:.0f} % killed: {', '.join(below)} (`mutmut show NAME` shows a mutant)")
        return 1
    return 0


def _number(name: str) -> tuple[str, int]:
    """Mutants of one function in the order mutmut made them (…__mutmut_2 before …__mutmut_10)."""
    stem, _, n = name.rpartition("_")
    return stem, int(n) if n.isdigit() else 0


if __name__ == "__main__":
    sys.exit(main())
