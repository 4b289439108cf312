"""``genie-t2t-run`` (``qnnpy genie-t2t-run``): one query of a Genie dialog from the command line,
with the flags and the output of Qualcomm's tool (docs/tools.md has the table).

The dialog is created from ``-c``; then, in the real tool's order: ``-l ADAPTER[,ALPHA,VALUE...]``
on ``--engine_role`` (applyLora, setLoraStrength per pair), ``--restore``, ``--key``,
``--priority``; then the query — text (``-p``/``--prompt_file``, followed by ``--rewind``'s
text as a REWIND query) or token ids (``--tokens_file``), with ``--action ABORT|PAUSE`` signalled
from a second thread ``--sleep`` ms after the query starts — and last ``--save``.
``--add_example_sampler`` registers the real tool's example custom sampler first; ``--log``
binds a GenieLog (lines to stderr) and ``--profile`` a GenieProfile, written out at the end. The reply is
printed as the real tool prints it: ``[BEGIN]: `` before the first piece, ``[END]`` after the
last. Relative paths in the config resolve against the working directory, as with Genie's tool.
"""
import os
import sys
import threading

from qnnpy import GenieCommon, GenieDialog as G, GenieLog, GenieProfile, GenieSampler
from qnnpy.GenieCommon import Genie_Status_t as S

EXAMPLE_SAMPLER = "customProcessGreedy"  # the name the real tool registers its example under
_LOG_LEVELS = {"error": GenieLog.GENIE_LOG_LEVEL_ERROR, "warn": GenieLog.GENIE_LOG_LEVEL_WARN,
               "info": GenieLog.GENIE_LOG_LEVEL_INFO, "verbose": GenieLog.GENIE_LOG_LEVEL_VERBOSE}

_REFUSED = {
    "embedding_file": "qnnpy's LLM graphs take token ids (input_ids); embedding inputs are not supported",
    "embedding_table": "qnnpy's LLM graphs take token ids (input_ids); embedding inputs are not supported",
    "embedding_query_output_type": "it applies to embedding queries, which qnnpy does not support",
    "allow_engine_switch": "qnnpy's dialogs have one engine (no draft engine to switch)",
}
_MARKS = {G.GENIE_DIALOG_SENTENCE_COMPLETE: "[COMPLETE]: ", G.GENIE_DIALOG_SENTENCE_BEGIN: "[BEGIN]: ",
          G.GENIE_DIALOG_SENTENCE_RESUME: "[RESUME]: ", G.GENIE_DIALOG_SENTENCE_CONTINUE: "",
          G.GENIE_DIALOG_SENTENCE_END: "[END]\n", G.GENIE_DIALOG_SENTENCE_ABORT: "[ABORT]: "}


def add_arguments(parser) -> None:
    parser.add_argument("-c", "--config", required=True, help="the dialog JSON file")
    parser.add_argument("-p", "--prompt", help="the query text")
    parser.add_argument("--prompt_file", help="a file holding the query text")
    parser.add_argument("-tok", "--tokens_file", help="a file of token ids (whitespace-separated): a token query")
    parser.add_argument("-l", "--lora", help="ADAPTER[,ALPHA_NAME,VALUE...]: an adapter, and strengths to set")
    parser.add_argument("--engine_role", default="primary", help="the engine the adapter goes to (default primary)")
    parser.add_argument("-w", "--rewind", help="a second query, sent with REWIND (prefix match of the cache)")
    parser.add_argument("-s", "--save", help="save the dialog into this folder after the query")
    parser.add_argument("-r", "--restore", help="restore the dialog from this folder before the query")
    parser.add_argument("--action", help="ABORT or PAUSE, signalled --sleep ms after the query starts")
    parser.add_argument("--sleep", type=int, default=2025, help="ms before --action is signalled (default 2025)")
    parser.add_argument("--priority", type=int, help="GenieDialog_setPriority for the primary engine")
    parser.add_argument("--key", help="GenieDialog_setOemKey")
    parser.add_argument("--pid", action="store_true", help="print the process id")
    parser.add_argument("--log", choices=("error", "warn", "info", "verbose"),
                        help="a GenieLog at this level bound to the dialog: its lines go to stderr")
    parser.add_argument("--profile", help="write the dialog's GenieProfile JSON to this (new) file at the end")
    parser.add_argument("-e", "--embedding_file", help="refused: embedding queries")
    parser.add_argument("-t", "--embedding_table", help="refused: embedding queries")
    parser.add_argument("--embedding_query_output_type", help="refused: embedding queries")
    parser.add_argument("--allow_engine_switch", help="refused: no draft engine")
    parser.add_argument("--add_example_sampler", action="store_true",
                        help=f"register the custom sampler '{EXAMPLE_SAMPLER}' (the largest logit), for a config "
                             "whose sampler block names it")


def _lora(spec: str) -> tuple[str, list[tuple[str, float]]]:
    name, *rest = spec.split(",")
    if len(rest) % 2:
        raise ValueError("--lora takes ADAPTER followed by ALPHA_NAME,VALUE pairs (an even count after the name)")
    return name, [(rest[k], float(rest[k + 1])) for k in range(0, len(rest), 2)]


class _Failed(Exception):
    """A step failed: the message the tool prints, and exit status 1."""


def _check(what: str, status) -> None:
    if status != S.GENIE_STATUS_SUCCESS:
        raise _Failed(f"{what} failed: {S(status).name}")


def _inputs(args) -> tuple[str | None, list[int] | None]:
    """(prompt text, token ids): exactly one of them, as the real tool requires."""
    refused = next((name for name in _REFUSED if getattr(args, name)), None)
    if refused:
        raise _Failed(f"--{refused} cannot be honoured: {_REFUSED[refused]}")
    given = [n for n in ("prompt", "prompt_file", "tokens_file") if getattr(args, n) is not None]
    if len(given) != 1:
        raise _Failed("give one of --prompt, --prompt_file and --tokens_file")
    if args.action not in (None, "ABORT", "PAUSE"):
        raise _Failed(f"--action {args.action}: the actions are ABORT and PAUSE")
    if args.priority is not None and args.priority not in G.GenieDialog_Priority_t._value2member_map_:
        raise _Failed(f"--priority {args.priority} is not a Genie priority (0, 100, 150, 200)")
    if args.profile and os.path.exists(args.profile):
        raise _Failed(f"--profile {args.profile}: the output file already exists")
    try:
        if args.tokens_file is not None:
            return None, [int(t) for t in open(args.tokens_file).read().split()]
        return (args.prompt if args.prompt is not None else open(args.prompt_file).read()), None
    except OSError as err:
        raise _Failed(f"{err.filename}: {err.strerror}") from None
    except ValueError:
        raise _Failed(f"{args.tokens_file} holds something other than token ids") from None


def _prepare(dialog, args, lora) -> None:
    if lora:
        _check("GenieDialog_applyLora", G.GenieDialog_applyLora(dialog, args.engine_role, lora[0]))
        for name, value in lora[1]:
            _check("GenieDialog_setLoraStrength", G.GenieDialog_setLoraStrength(dialog, args.engine_role, name, value))
    if args.restore:
        _check("GenieDialog_restore", G.GenieDialog_restore(dialog, args.restore))
    if args.key:
        _check("GenieDialog_setOemKey", G.GenieDialog_setOemKey(dialog, args.key))
    if args.priority is not None and args.priority != G.GENIE_DIALOG_PRIORITY_NORMAL:
        _check("GenieDialog_setPriority", G.GenieDialog_setPriority(dialog, "primary", args.priority))


def _query(dialog, args, prompt, tokens) -> None:
    def on_text(piece, code, data):
        print(_MARKS[code] + piece, end="", flush=True)

    def on_tokens(out, count, code, data):
        print(_MARKS[code] + "".join(f"{t} " for t in out), end="", flush=True)

    def ask(text, code):
        return G.GenieDialog_query(dialog, text, code, on_text, None) if tokens is None else \
            G.GenieDialog_tokenQuery(dialog, tokens, len(tokens), code, on_tokens, None)
    signaller = None
    if args.action:
        action = G.GenieDialog_Action_t[f"GENIE_DIALOG_ACTION_{args.action}"]
        signaller = threading.Timer(args.sleep / 1000, lambda: G.GenieDialog_signal(dialog, action))
        signaller.start()
    code = G.GENIE_DIALOG_SENTENCE_REWIND if args.rewind is not None and args.action else \
        G.GENIE_DIALOG_SENTENCE_COMPLETE
    status = ask(prompt, code)
    if signaller:
        signaller.join()
    _report(status, tokens is not None)
    if tokens is None and args.rewind is not None and not args.action:
        print(f"[PROMPT]: {args.rewind}\n")
        _report(ask(args.rewind, G.GENIE_DIALOG_SENTENCE_REWIND), False)
    if tokens is not None:
        print()


def _report(status, tokens: bool) -> None:
    if status == S.GENIE_STATUS_WARNING_ABORTED:
        print("Query Succesfully aborted" if tokens else "Query successfully aborted")  # the real tool's words
    elif status == S.GENIE_STATUS_WARNING_PAUSED and not tokens:
        print("Query successfully paused")
    elif status == S.GENIE_STATUS_WARNING_CONTEXT_EXCEEDED:  # any status but SUCCESS fails the real tool too
        raise _Failed("the reply filled the context (WARNING_CONTEXT_EXCEEDED); Genie's tool exits with failure")
    elif status != S.GENIE_STATUS_SUCCESS:
        raise _Failed(f"the query failed: {S(status).name}")


def _largest(size, logits, count, tokens, user_data) -> None:
    """The real tool's example custom sampler: the largest logit."""
    tokens[0] = int(logits.argmax())


def run(args) -> int:
    try:
        prompt, tokens = _inputs(args)
        text = open(args.config).read()
        lora = _lora(args.lora) if args.lora else None
    except _Failed as err:
        print(f"genie-t2t-run: error: {err}", file=sys.stderr)
        return 1
    except (OSError, ValueError) as err:
        print(f"genie-t2t-run: error: {err}", file=sys.stderr)
        return 1
    if args.pid:
        print(f"genie-t2t-run pid: {os.getpid()}")
    print(f"Using libGenie.so version {GenieCommon.Genie_getApiMajorVersion()}.{GenieCommon.Genie_getApiMinorVersion()}."
          f"{GenieCommon.Genie_getApiPatchVersion()}\n")
    if args.add_example_sampler:
        GenieSampler.GenieSampler_registerUserDataCallback(EXAMPLE_SAMPLER, _largest, "test")
    status, config = G.GenieDialogConfig_createFromJson(text)
    if status != S.GENIE_STATUS_SUCCESS:
        print(f"genie-t2t-run: error: GenieDialogConfig_createFromJson failed: {S(status).name}", file=sys.stderr)
        return 1
    log = profile = None
    if args.log:
        log = GenieLog.GenieLog_create(None, None, _LOG_LEVELS[args.log])[1]
        G.GenieDialogConfig_bindLogger(config, log)
    if args.profile:
        profile = GenieProfile.GenieProfile_create(None)[1]
        G.GenieDialogConfig_bindProfiler(config, profile)
    status, dialog = G.GenieDialog_create(config)
    try:
        _check("GenieDialog_create", status)
        _prepare(dialog, args, lora)
        if tokens is None:
            print(f"[PROMPT]: {prompt}\n")
        else:
            print("[PROMPT TOKENS]: " + "".join(f"{t} " for t in tokens))
        _query(dialog, args, prompt, tokens)
        if args.save:
            _check("GenieDialog_save", G.GenieDialog_save(dialog, args.save))
        if profile is not None:
            with open(args.profile, "w") as f:
                f.write(GenieProfile.GenieProfile_getJsonData(profile)[1])
        return 0
    except _Failed as err:
        print(f"genie-t2t-run: error: {err}", file=sys.stderr)
        return 1
    finally:
        if dialog is not None:
            G.GenieDialog_free(dialog)
        G.GenieDialogConfig_free(config)
        if log is not None:
            GenieLog.GenieLog_free(log)
        if profile is not None:
            GenieProfile.GenieProfile_free(profile)
