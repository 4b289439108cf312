"""The tools under the names QAIRT gives them (``qairt-converter``, ``qnn-net-run``, ...), so
that scripts written for the SDK run as they are. Each is the same tool as ``qnnpy <name>``
with QAIRT's extra flags (tools/device_flags.py) and ``--log_level``."""
import argparse
import logging

from qnnpy.tools import (cli, context_binary_generator, context_binary_utility, converter, genie_t2t_run,
                         lora_importer, net_run, progress, quantizer_tool)

LEVELS = {"error": logging.ERROR, "warn": logging.WARNING, "info": logging.INFO, "verbose": logging.DEBUG,
          "debug": logging.DEBUG}


def _main(prog: str, module, argv=None) -> int:
    parser = argparse.ArgumentParser(prog=prog, description=module.__doc__.split("\n")[0])
    module.add_arguments(parser)
    parser.add_argument("--log_level", choices=tuple(LEVELS), default="warn",
                        help="which backend log lines to show (error, warn, info, verbose, debug)")
    args = parser.parse_args(argv)
    cli.show_backend_log(LEVELS[args.log_level])
    progress.QUIET["value"] = args.log_level == "error"
    return module.run(args)


def qairt_converter(argv=None) -> int:
    return _main("qairt-converter", converter, argv)


def qairt_quantizer(argv=None) -> int:
    return _main("qairt-quantizer", quantizer_tool, argv)


def qairt_lora_importer(argv=None) -> int:
    return _main("qairt-lora-importer", lora_importer, argv)


def qnn_context_binary_generator(argv=None) -> int:
    return _main("qnn-context-binary-generator", context_binary_generator, argv)


def qnn_net_run(argv=None) -> int:
    return _main("qnn-net-run", net_run, argv)


def qnn_context_binary_utility(argv=None) -> int:
    return _main("qnn-context-binary-utility", context_binary_utility, argv)



def genie_t2t_run_main(argv=None) -> int:
    """``genie-t2t-run`` has Genie's own ``--log`` flag, not QAIRT's ``--log_level``."""
    parser = argparse.ArgumentParser(prog="genie-t2t-run", description=genie_t2t_run.__doc__.split("\n")[0])
    genie_t2t_run.add_arguments(parser)
    args = parser.parse_args(argv)
    cli.show_backend_log(LEVELS[args.log] if args.log else logging.WARNING)
    return genie_t2t_run.run(args)
