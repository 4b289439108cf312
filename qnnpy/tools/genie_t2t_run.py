"""``genie-t2t-run`` (``qnnpy genie-t2t-run``): one query of a Genie dialog from the command line.

``-c dialog.json -p PROMPT`` (or ``--prompt_file F``) creates the dialog, applies
``-l ADAPTER[,ALPHA_NAME,VALUE...]`` on the ``--engine_role`` engine (applyLora, then
setLoraStrength per name/value pair) and prints the reply as it streams. Relative paths in the
config resolve against the working directory, as with Genie's own tool. ``--log`` and
``--profile`` are accepted for scripts written for the device; qnnpy's log lines go to stderr.
"""
import sys

from qnnpy import GenieDialog as G
from qnnpy.GenieCommon import Genie_Status_t as S


def add_arguments(parser) -> None:
    parser.add_argument("-c", "--config", required=True, help="the dialog JSON file")
    parser.add_argument("-p", "--prompt", help="the query text")
    parser.add_argument("--prompt_file", help="a file holding the query text")
    parser.add_argument("-l", "--lora", help="ADAPTER[,ALPHA_NAME,VALUE...]: an adapter, and strengths to set")
    parser.add_argument("--engine_role", default="primary", help="the engine the adapter goes to (default primary)")
    parser.add_argument("--log", choices=("error", "warn", "info", "verbose"), help="accepted; see stderr")
    parser.add_argument("--profile", help="accepted for device scripts; qnnpy writes no Genie profile")


def _lora(spec: str) -> tuple[str, list[tuple[str, float]]]:
    name, *rest = spec.split(",")
    if len(rest) % 2:
        raise ValueError("--lora takes ADAPTER followed by ALPHA_NAME,VALUE pairs (an even count after the name)")
    return name, [(rest[k], float(rest[k + 1])) for k in range(0, len(rest), 2)]


def _fail(what: str, status) -> int:
    print(f"genie-t2t-run: error: {what} failed: {S(status).name}", file=sys.stderr)
    return 1


def run(args) -> int:
    if (args.prompt is None) == (args.prompt_file is None):
        print("genie-t2t-run: error: give one of --prompt and --prompt_file", file=sys.stderr)
        return 1
    try:
        prompt = args.prompt if args.prompt is not None else open(args.prompt_file).read()
        text = open(args.config).read()
        lora = _lora(args.lora) if args.lora else None
    except (OSError, ValueError) as err:
        print(f"genie-t2t-run: error: {err}", file=sys.stderr)
        return 1
    status, config = G.GenieDialogConfig_createFromJson(text)
    if status != S.GENIE_STATUS_SUCCESS:
        return _fail("GenieDialogConfig_createFromJson", status)
    status, dialog = G.GenieDialog_create(config)
    if status != S.GENIE_STATUS_SUCCESS:
        G.GenieDialogConfig_free(config)
        return _fail("GenieDialog_create", status)
    try:
        if lora:
            status = G.GenieDialog_applyLora(dialog, args.engine_role, lora[0])
            if status != S.GENIE_STATUS_SUCCESS:
                return _fail("GenieDialog_applyLora", status)
            for name, value in lora[1]:
                status = G.GenieDialog_setLoraStrength(dialog, args.engine_role, name, value)
                if status != S.GENIE_STATUS_SUCCESS:
                    return _fail("GenieDialog_setLoraStrength", status)
        print(f"[PROMPT]: {prompt}\n")
        status = G.GenieDialog_query(dialog, prompt, G.GENIE_DIALOG_SENTENCE_COMPLETE,
                                     lambda piece, code, data: print(piece, end="", flush=True), None)
        print()
        if status < 0:
            return _fail("GenieDialog_query", status)
        if status == S.GENIE_STATUS_WARNING_CONTEXT_EXCEEDED:
            print("genie-t2t-run: warning: the context is full", file=sys.stderr)
        return 0
    finally:
        G.GenieDialog_free(dialog)
        G.GenieDialogConfig_free(config)
