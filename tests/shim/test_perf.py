"""Harness (e): the HTP perf infrastructure from C — sample apps' power votes are checked
(unknown ids, cores and corners, a polling time above the maximum are errors) and a valid
vote is accepted and reaches the client's log; device platform info is handed out and freed."""
from tests.shim.conftest import run

EXPECTED = {
    "devices": 1, "cores": 1, "freePlatformInfo": 0, "getInfrastructure": 0, "infraType": 0,  # PERF
    "createPowerConfigId_bad_core": 13001, "createPowerConfigId": 0, "setPowerConfig": 0, "logged_vote": 1,
    "setPowerConfig_polling_too_long": 13001, "setPowerConfig_bad_corner": 13001, "setMemoryConfig": 0,
    "destroyPowerConfigId": 0, "destroyPowerConfigId_twice": 13001, "setPowerConfig_destroyed": 13001, "done": 0,
}


def test_power_votes_from_c(shim, harness):
    done = run(harness("perf"), shim / "libQnnHtp.so")
    assert done.returncode == 0, done.stderr[-3000:]
    got = {label: int(value) for label, value in (line.rsplit(" ", 1) for line in done.stdout.splitlines() if line)}
    assert got == EXPECTED
