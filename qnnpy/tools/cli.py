"""The ``qnnpy`` command: one subcommand per tool, each a module with ``add_arguments`` and
``run(args) -> exit code``."""
import argparse
import sys

from qnnpy.tools import context_binary_generator, converter, demo, lora_importer, lora_names

SUBCOMMANDS = {"demo": demo, "converter": converter, "lora-tensor-names": lora_names,
               "lora-importer": lora_importer, "context-binary-generator": context_binary_generator}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="qnnpy", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name, module in SUBCOMMANDS.items():
        module.add_arguments(sub.add_parser(name, help=module.__doc__.split("\n")[0]))
    args = parser.parse_args(argv)
    return SUBCOMMANDS[args.command].run(args)


if __name__ == "__main__":
    sys.exit(main())
