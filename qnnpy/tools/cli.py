"""The ``qnnpy`` command: one subcommand per tool, each a module with ``add_arguments`` and
``run(args) -> exit code``."""
import argparse
import logging
import sys

from qnnpy.tools import (context_binary_generator, context_binary_utility, converter, demo, genie_t2t_run,
                         llm_split, lora_importer, lora_names, net_run, quant_analyzer, quantizer_tool)

from qnnpy.shim import build as build_shim

SUBCOMMANDS = {"demo": demo, "converter": converter, "lora-tensor-names": lora_names,
               "lora-importer": lora_importer, "context-binary-generator": context_binary_generator,
               "net-run": net_run, "context-binary-utility": context_binary_utility,
               "quantizer": quantizer_tool, "quant-analyzer": quant_analyzer, "build-shim": build_shim,
               "genie-t2t-run": genie_t2t_run, "llm-split": llm_split}


class _StderrHandler(logging.Handler):
    """Backend log lines (the reason behind an error code) on the current stderr."""

    def emit(self, record):
        print(f"qnnpy: {record.levelname.lower()}: {record.getMessage()}", file=sys.stderr)


def show_backend_log(level: int = logging.WARNING) -> None:
    logger = logging.getLogger("qnnpy")
    handler = next((h for h in logger.handlers if isinstance(h, _StderrHandler)), None)
    if handler is None:
        logger.addHandler(_StderrHandler(level))
    else:
        handler.setLevel(level)
    if logger.level == logging.NOTSET or logger.level > level:
        logger.setLevel(level)


def main(argv=None) -> int:
    show_backend_log()
    parser = argparse.ArgumentParser(prog="qnnpy", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name, module in SUBCOMMANDS.items():
        module.add_arguments(sub.add_parser(name, help=module.__doc__.split("\n")[0]))
    args = parser.parse_args(argv)
    return SUBCOMMANDS[args.command].run(args)


if __name__ == "__main__":
    sys.exit(main())
