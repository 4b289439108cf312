"""Progress bars for long tool steps (calibration, importing, generating sections): shown
with tqdm on a terminal, never in logs or pipes, and silenced by ``--log_level error``."""
import sys

QUIET = {"value": False}  # set by the QAIRT entry points' --log_level error


def bar(iterable, total: int, desc: str):
    if QUIET["value"] or not sys.stderr.isatty() or total < 2:
        return iterable
    from tqdm import tqdm
    return tqdm(iterable, total=total, desc=desc, unit="step", leave=False, file=sys.stderr)
