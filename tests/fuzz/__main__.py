"""The fuzz campaign: ``python -m tests.fuzz --cases 100000 [--seed 0]``.

Prints one row per attack: cases, precise codes, accepted, GENERAL, escaped, hangs, crashes,
refusals that changed state, accepted inputs that fail later. A precise code is the
namespace's own error for the bad input; GENERAL (a qnnpy bug), an escaped exception, a hang
(over the per-case time limit), a crash, a refused call that left a live object changed
("non-atomic") and a binary accepted at load that normal use then refuses ("accepted-invalid")
are failures.
"""
import argparse
import sys
import time

from tests.fuzz import arguments, binaries, c_calls, genie_calls, soak

COLUMNS = ("precise", "accepted", "GENERAL", "escaped", "hang", "crash", "non-atomic", "accepted-invalid")
FAILURES = ("GENERAL", "hang", "crash", "non-atomic", "accepted-invalid")


def row(name: str, counts, seconds: float) -> str:
    escaped = sum(v for k, v in counts.items() if k.startswith("escaped"))
    accepted = counts.get("accepted", 0) + counts.get("success", 0)
    cells = [counts.get("precise", 0), accepted, counts.get("GENERAL", 0), escaped, counts.get("hang", 0),
             counts.get("crash", 0), counts.get("non-atomic", 0), counts.get("accepted-invalid", 0)]
    return f"| {name} | {sum(counts.values())} | " + " | ".join(str(c) for c in cells) + f" | {seconds:.0f} s |"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10000, help="cases per attack")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    print("| attack | cases | " + " | ".join(COLUMNS) + " | time |")
    print("|---|---|" + "---|" * len(COLUMNS) + "---|")
    failures = 0
    for name, attack, share in (("arguments of every public function", arguments.run, 1),
                                ("mutated context binaries and sections (checksum kept valid)", binaries.run, 1),
                                ("C tables through the shim, a fork per call", c_calls.run, 1),
                                ("Genie dialog API arguments, live dialogs (a tenth: calls generate)",
                                 genie_calls.run, 10)):
        start = time.perf_counter()
        counts, examples = attack(max(args.cases // share, 1), args.seed)
        print(row(name, counts, time.perf_counter() - start), flush=True)
        for outcome, example in examples.items():
            if outcome in FAILURES or outcome.startswith("escaped"):
                failures += counts[outcome]
                print(f"  {outcome}: first at {example}")
    start = time.perf_counter()
    warm, end = soak.cycles(max(args.cases // 10, 100))
    print(f"soak: {max(args.cases // 10, 100)} load/apply/execute/free cycles, resident memory {warm:.1f} MB when "
          f"warm, {end:.1f} MB at the end ({time.perf_counter() - start:.0f} s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
