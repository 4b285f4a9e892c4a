"""The `genaccess` command line.

Each sub-command is a module in `genaccess.reference.commands` with
`register(subparsers)`; `COMMANDS` below is the one list of them. Bad input is one clear line
on stderr and exit status 2; a failed check is exit status 1.

Imports go one way: this module imports the commands, a command imports
`genaccess.reference.commands.arguments` (`UsageError`, the shared parsers), never this
module. Start-up speed: a command module imports only light modules at its top (argparse,
the shared arguments, `genaccess.spec.errors`); the heavy ones (hypothesis, sympy, z3,
mpmath, matplotlib, torch, the claim registry) are imported inside its `run`, so
`genaccess --help` and a bad option cost no more than the parser.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from types import ModuleType

from genaccess.reference.commands import axioms, blueprint, bounds, check, gap, probe, simulate
from genaccess.reference.commands.arguments import UsageError
from genaccess.spec.errors import InvalidDefinition

COMMANDS: tuple[ModuleType, ...] = (check, axioms, bounds, simulate, blueprint, gap, probe)

__all__ = ["COMMANDS", "UsageError", "build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="genaccess",
        description="Executable checks of how generator access limits post-training.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)  # argparse itself exits 2 on malformed options
    try:
        status: int = args.run(args)
    except (UsageError, InvalidDefinition) as err:
        print(f"genaccess {args.command}: error: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): not our error. Point stdout at devnull so
        # the interpreter's final flush does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
