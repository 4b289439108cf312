"""Fuzzing qnnpy's public API and binary parsers (``python -m tests.fuzz``)."""
import contextlib
import logging

GENERAL = 1100  # QNN_COMMON_ERROR_GENERAL's value, shared by every namespace: "a qnnpy bug"


@contextlib.contextmanager
def quiet_log():
    """Silence the qnnpy logger for a campaign, then give it back as it was."""
    logger = logging.getLogger("qnnpy")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)
