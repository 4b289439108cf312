"""What GenieProfile_getJsonData reports: one component per dialog bound to the profile, and an
event per create, applyLora and query, in the layout the real libGenie.so writes (measured:
the header, a metadata timestamp, events with start/stop/duration in microseconds of a
monotonic clock, and their measurements as {"value", "unit"})."""
import json
import time

HEADER = {"header_version": {"major": 0, "minor": 1, "patch": 0}, "version": {"major": 0, "minor": 1, "patch": 0},
          "artifact_type": "GENIE_PROFILE"}


def now_us() -> int:
    return time.monotonic_ns() // 1000


def _measure(value, unit: str) -> dict:
    return {"value": value, "unit": unit}


class Profile:
    def __init__(self):
        self.created = now_us()
        self.components: list[dict] = []
        self.bound: set[tuple] = set()  # (handle, kind) of the configs and dialogs bound to it

    def component(self, name: str) -> dict:
        """A new dialog's component."""
        component = {"name": name, "type": "dialog", "events": []}
        self.components.append(component)
        return component

    def to_json(self) -> str:
        return json.dumps({"header": HEADER, "metadata": {"timestamp": self.created}, "components": self.components},
                          indent=2)


def event(component: dict, name: str, start: int, **measures) -> None:
    stop = now_us()
    component["events"].append({"type": name, "duration": stop - start, "start": start, "stop": stop, **measures})


def create_event(component: dict, start: int) -> None:
    event(component, "GenieDialog_create", start, **{"init-time": _measure(now_us() - start, "us")})


def lora_event(component: dict, start: int) -> None:
    event(component, "GenieDialog_applyLora", start, **{"lora-adapter-switching-time": _measure(now_us() - start, "us")})


def query_event(component: dict, start: int, stats: dict) -> None:
    """``stats``: the dialog's count of prompt tokens fed, the time its first token was
    sampled (None if none was) and the generated tokens. Rates as the real library computes
    them: prompt tokens over the time to the first token, tokens after the first over the
    time they took."""
    first = stats["first"] if stats["first"] is not None else now_us()
    ttft, generation = max(first - start, 1), max(now_us() - first, 1)
    generated = stats["generated"]
    event(component, "GenieDialog_query", start, **{
        "num-prompt-tokens": _measure(stats["prompt"], ""),
        "prompt-processing-rate": _measure(stats["prompt"] / (ttft / 1e6), "toks/sec"),
        "time-to-first-token": _measure(ttft, "us"),
        "num-generated-tokens": _measure(generated, ""),
        "token-generation-rate": _measure(max(generated - 1, 0) / (generation / 1e6), "toks/sec"),
        "token-generation-time": _measure(generation, "us")})
