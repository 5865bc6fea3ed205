"""The ``corpus-tools`` command: a thin layer over the library.

Subcommands live one per module in this package and are imported only when used, so
``corpus-tools inspect`` does not pay for scikit-learn or gensim.
"""

from __future__ import annotations

import importlib
import signal
import sys
from typing import Any

import click

from corpus_tools.cli.common import ExitCode

#: command name -> (module in corpus_tools.cli, attribute, one-line help)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "inspect": ("inspect", "command", "List documents: title, size, paragraphs, sections."),
    "segment": ("segment", "command", "Cut documents into tokens (slogans, placeholders whole)."),
    "slogans": ("slogans", "command", "Mine numeric slogans (三会一课) and quoted formulas."),
    "boilerplate": ("boilerplate", "command", "Find watermarks and repeated passages."),
    "formulas": ("formulas", "command", "Find formulas (套话) and how they spread."),
    "placeholders": (
        "placeholders",
        "command",
        "Find unfilled placeholders (XX社区, X个), template sections.",
    ),
    "dedup": ("dedup", "dedup_command", "Find duplicate, near-duplicate and contained documents."),
    "index": ("dedup", "index_group", "Build or extend a persistent index for 'flag'."),
    "flag": ("dedup", "flag_command", "Flag submissions that copy documents already held."),
    "keywords": ("keywords", "command", "Write keyword frequency tables (by year, region, type)."),
    "topics": ("topics", "command", "Cluster documents by topic."),
    "report": ("report", "command", "Write one self-contained HTML report."),
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, attr, _ = COMMANDS[cmd_name]
        mod = importlib.import_module(f"corpus_tools.cli.{module}")
        cmd: click.Command = getattr(mod, attr)
        return cmd

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="corpus-tools")
def cli() -> None:
    """Measure templates, slogans, boilerplate and copying in Chinese report corpora.

    Exit status: 0 done, 1 'flag' flagged a submission, 2 usage error, 3 done but some
    inputs could not be read, 4 nothing could be done.
    """


def _terminated(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> Any:
    """Entry point of the console script.

    A reader that closes the pipe early (``corpus-tools ... | head``) ends the command as it
    ends any Unix tool (SIGPIPE); standard output that cannot be written (a full disk)
    exits 4 with the reason. SIGTERM ends the command as Ctrl-C does (exit 130): outputs
    already written are intact and temporary files are removed.
    """
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    # a terminated job exits like an interrupted one, so temporary files (an index's
    # spilled texts) are removed and no half-written output is left
    signal.signal(signal.SIGTERM, _terminated)
    try:
        # not click's standalone mode: it turns Ctrl-C into exit 1, which is flag's "flagged"
        result = cli.main(args=argv, prog_name="corpus-tools", standalone_mode=False)
    except (click.exceptions.Abort, KeyboardInterrupt):
        click.echo("corpus-tools: interrupted; outputs already written are intact", err=True)
        sys.exit(130)
    except click.ClickException as exc:  # usage errors: click's message, exit 2
        exc.show()
        sys.exit(exc.exit_code)
    except OSError as exc:
        click.echo(f"corpus-tools: error: cannot write the output: {exc}", err=True)
        sys.exit(int(ExitCode.NOTHING))
    if isinstance(result, int):  # --help and the like return their exit status
        sys.exit(result)
    return result


__all__ = ["COMMANDS", "ExitCode", "cli", "main"]
