"""Every benchmark in one table: goal, measured ratio, met.

Each script runs in a process of its own (as ``python benchmarks/<name>.py`` would, its thread
settings fixed by benchmarks/threads.py) and prints markdown rows
``| measurement | qnnpy | baseline | ratio | target |``; this collects them, judges each
ratio against its target (``<= 1.2x``, ``>= 0.5x``; ``report`` rows have none) and prints one
table, with each script's thread line above it.

    python benchmarks/run_all.py [name ...]      (default: all of SCRIPTS)
"""
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPTS = ("execute", "load_scaling", "apply", "shim", "graph_switching", "genie", "jobs")
_GOAL = re.compile(r"^(<=|>=)\s*([0-9.]+)x?$")


def rows_of(output: str) -> list[list[str]]:
    """The table rows a script printed (header and separator lines dropped)."""
    rows = []
    for line in output.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == 5 and not set(line) <= set("|- ") and cells[3] != "ratio":
            rows.append(cells)
    return rows


def verdict(ratio: str, goal: str) -> str:
    """yes / NO against the goal, or "—" for a row that only reports."""
    match = _GOAL.match(goal)
    if not match:
        return "—"
    value, bound = float(ratio.rstrip("x")), float(match.group(2))
    return "yes" if (value <= bound if match.group(1) == "<=" else value >= bound) else "NO"


def main(argv=None) -> int:
    names = (argv if argv is not None else sys.argv[1:]) or list(SCRIPTS)
    table, failed = [], []
    for name in names:
        start = time.perf_counter()
        done = subprocess.run([sys.executable, os.path.join(HERE, f"{name}.py")], capture_output=True, text=True,
                              cwd=os.path.dirname(HERE))
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            failed.append(name)
            print(f"{name}: failed ({done.returncode})\n{done.stderr[-1500:]}", file=sys.stderr)
            continue
        threads = next((line for line in done.stdout.splitlines() if line.startswith("threads:")), "threads: ?")
        print(f"{name} ({seconds:.0f} s) {threads}")
        table += [[name, *cells] for cells in rows_of(done.stdout)]
    print()
    print("| benchmark | measurement | qnnpy | baseline | ratio | goal | met |")
    print("|---|---|---|---|---|---|---|")
    for name, measurement, ours, base, ratio, goal in table:
        print(f"| {name} | {measurement} | {ours} | {base} | {ratio} | {goal} | {verdict(ratio, goal)} |")
    met = sum(verdict(r[4], r[5]) == "yes" for r in table)
    judged = sum(verdict(r[4], r[5]) != "—" for r in table)
    print(f"\n{met} of {judged} goals met; {len(table) - judged} rows report only"
          + (f"; failed to run: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
