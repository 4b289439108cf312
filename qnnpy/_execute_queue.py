"""The queue behind QnnGraph_executeAsync: one worker thread runs queued executes in the order
they were submitted and calls each one's notifyFn from that thread, as the HTP's async
execution does. The worker takes the API lock for each execute like any caller, so a queued
execute and a synchronous call never overlap."""
import queue
import threading

from qnnpy import _log

DEPTH = 64  # queued executes allowed at once; one more gets EXECUTION_ASYNC_FIFO_FULL


class ExecuteQueue:
    def __init__(self):
        self._jobs: queue.Queue = queue.Queue()
        self._lock = threading.Lock()
        self._waiting = 0
        self._worker: threading.Thread | None = None

    def submit(self, job) -> bool:
        """Queue ``job`` (a callable); False when DEPTH jobs are already waiting."""
        with self._lock:
            if self._waiting >= DEPTH:
                return False
            self._waiting += 1
            if self._worker is None:
                self._worker = threading.Thread(target=self._run, name="qnnpy-execute-async", daemon=True)
                self._worker.start()
        self._jobs.put(job)
        return True

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            try:
                job()
            except Exception as exc:  # a job reports through its notifyFn; anything else is logged, not lost
                _log.py_logger.error("qnnpy execute queue: job raised %s: %s", type(exc).__name__, exc)
            finally:
                with self._lock:
                    self._waiting -= 1


QUEUE = ExecuteQueue()
