"""The ``corpus-tools`` command: a thin layer over the library.

Subcommands live one per module in this package and are imported only when used, so
``corpus-tools inspect`` does not pay for scikit-learn or gensim.
"""

from __future__ import annotations

import atexit
import importlib
import os
import signal
import sys
import warnings
from importlib.machinery import EXTENSION_SUFFIXES
from typing import Any

import click

from corpus_tools.cli.allocator import tune_allocator
from corpus_tools.cli.common import META_DEBUG, ExitCode, debug_option, quick_exit_allowed
from corpus_tools.errors import CorpusToolsError, InvalidParameterError

#: Set (to anything but "" or "0") to print the traceback of an unexpected error, as --debug.
DEBUG_ENV = "CORPUS_TOOLS_DEBUG"

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
    "index": ("index", "index_group", "Build or extend a persistent index for 'flag'."),
    "flag": ("flag", "flag_command", "Flag submissions that copy documents already held."),
    "keywords": ("keywords", "command", "Write keyword frequency tables (by year, region, type)."),
    "topics": ("topics", "command", "Cluster documents by topic."),
    "report": ("report", "command", "Write one self-contained HTML report."),
}


#: The commands that do no linear algebra (no topic model, no keyword statistics through
#: scikit-learn): numpy's BLAS (OpenBLAS) need not start a thread per core when numpy is
#: imported, which costs about 0.06 CPU-s of each process (and of each worker process) on
#: a 2-core machine. A number the user set (OPENBLAS_NUM_THREADS) is kept.
NO_LINEAR_ALGEBRA = frozenset(
    {"inspect", "segment", "slogans", "boilerplate", "formulas", "placeholders", "dedup"}
    | {"index", "flag"}
)


def _one_blas_thread(argv: list[str]) -> None:
    """One BLAS thread for a command of :data:`NO_LINEAR_ALGEBRA` (only before numpy is
    imported: OpenBLAS reads the setting once)."""
    command = next((arg for arg in argv if not arg.startswith("-")), None)
    if command in NO_LINEAR_ALGEBRA and "numpy" not in sys.modules:
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


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

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; an error no command handled ends it with one line on stderr
        and its own exit status, never a traceback (unless --debug) and never 1, which is
        'flag''s "flagged"."""
        try:
            with warnings.catch_warnings():
                warnings.showwarning = _show_warning
                return super().invoke(ctx)
        except click.ClickException as exc:
            if exc.exit_code != 1:
                raise
            # click's generic status 1 would read as 'flag''s "flagged"
            kind = _NothingDone if isinstance(exc, click.FileError) else _UsageFailure
            raise kind(exc.format_message()) from exc
        except (click.exceptions.Exit, click.exceptions.Abort, KeyboardInterrupt, SystemExit):
            raise
        except Exception as exc:  # the one place every error ends up
            _unexpected(exc, debug=bool(ctx.meta.get(META_DEBUG)) or _debug_env())

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _dedup_loops() -> str:
    """Which loops verify near-duplicates (said by ``--version``), found without importing
    them: the compiled extension when it was built at install, else the numpy code."""
    return _loops("dedup", "fastpairs", "native.c", "numpy code")


def _pdf_loops() -> str:
    """Which loops the PDF reader runs over a page's characters (said by ``--version``):
    the compiled extension when it was built at install, else Python through ctypes."""
    return _loops(os.path.join("io", "formats"), "pdfcalls", "pdfcalls.c", "Python")


def _loops(package: str, module: str, source: str, fallback: str) -> str:
    """``compiled (source)`` when the extension ``module`` of ``package`` (a folder of the
    package) was built, else what runs instead, and why."""
    if os.environ.get("CORPUS_TOOLS_NATIVE", "1") == "0":
        return f"{fallback} (CORPUS_TOOLS_NATIVE=0)"
    folder = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), package)
    built = any(os.path.exists(os.path.join(folder, module + s)) for s in EXTENSION_SUFFIXES)
    return f"compiled ({source})" if built else f"{fallback} (the C extension was not built)"


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    package_name="corpus-tools",
    message=(
        f"%(prog)s, version %(version)s; dedup verification: {_dedup_loops()}; "
        f"PDF reader: {_pdf_loops()}"
    ),
)
@debug_option
def cli() -> None:
    """Measure templates, slogans, boilerplate and copying in Chinese report corpora.

    Exit status: 0 done, 1 'flag' flagged a submission, 2 usage error, 3 done but some
    inputs could not be read, 4 nothing could be done, 5 internal error (a bug: rerun with
    --debug for the traceback).
    """


class _UsageFailure(click.ClickException):
    """A click error of generic status 1, given the usage status."""

    exit_code = int(ExitCode.USAGE)


class _NothingDone(click.ClickException):
    """A file click could not open: nothing could be done."""

    exit_code = int(ExitCode.NOTHING)


def _debug_env() -> bool:
    return os.environ.get(DEBUG_ENV, "") not in ("", "0")


def _show_warning(  # noqa: PLR0917 - the signature of warnings.showwarning
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: Any = None,
    line: str | None = None,
) -> None:
    """A warning on the command line: one line, no source location."""
    click.echo(f"corpus-tools: warning: {message}", err=True)


def _unexpected(exc: BaseException, *, debug: bool) -> None:
    """End the command on an error no command handled: one line on stderr (the traceback
    first with --debug) and the exit status that error stands for."""
    if isinstance(exc, OSError) and not isinstance(exc, CorpusToolsError):
        if exc.filename is None:  # standard output: a full disk, a closed terminal
            click.echo(f"corpus-tools: error: cannot write the output: {exc}", err=True)
        else:
            click.echo(f"corpus-tools: error: {exc.filename}: {exc.strerror or exc}", err=True)
        sys.exit(int(ExitCode.NOTHING))
    if isinstance(exc, CorpusToolsError):  # an error with a message, that no command caught
        click.echo(f"corpus-tools: error: {exc}", err=True)
        code = ExitCode.USAGE if isinstance(exc, InvalidParameterError) else ExitCode.NOTHING
        sys.exit(int(code))
    if debug:
        import traceback  # (only here: a run that ends well never imports it)

        traceback.print_exception(exc, file=sys.stderr)
    what = "out of memory" if isinstance(exc, MemoryError) else f"{type(exc).__name__}: {exc}"
    hint = "" if debug else "; rerun with --debug for the traceback"
    click.echo(
        f"corpus-tools: internal error: {what[:300]} (a bug in corpus-tools{hint})", err=True
    )
    sys.exit(int(ExitCode.INTERNAL))


def _terminated(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> Any:
    """Entry point of the console script.

    A reader that closes the pipe early (``corpus-tools ... | head``) ends the command as it
    ends any Unix tool (SIGPIPE); standard output that cannot be written (a full disk)
    exits 4 with the reason. SIGTERM ends the command as Ctrl-C does (exit 130): outputs
    already written are intact and temporary files are removed. Any other error no command
    handled exits 5 with one line (the traceback with ``--debug`` or ``CORPUS_TOOLS_DEBUG=1``).
    """
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    # a terminated job exits like an interrupted one, so temporary files (an index's
    # spilled texts) are removed and no half-written output is left
    signal.signal(signal.SIGTERM, _terminated)
    tune_allocator()
    _one_blas_thread(sys.argv[1:] if argv is None else argv)
    try:
        # not click's standalone mode: it turns Ctrl-C into exit 1, which is flag's "flagged"
        result = cli.main(args=argv, prog_name="corpus-tools", standalone_mode=False)
    except (click.exceptions.Abort, KeyboardInterrupt):
        click.echo("corpus-tools: interrupted; outputs already written are intact", err=True)
        sys.exit(130)
    except click.ClickException as exc:  # usage errors: click's message, exit 2
        exc.show()
        sys.exit(exc.exit_code if exc.exit_code != 1 else int(ExitCode.USAGE))
    except SystemExit as exc:  # a command's exit status
        if argv is None and quick_exit_allowed():
            _quick_exit(exc.code)
        raise
    except Exception as exc:  # raised outside a command (its arguments, --help)
        _unexpected(exc, debug=_debug_env() or "--debug" in (argv or sys.argv[1:]))
    if isinstance(result, int):  # --help and the like return their exit status
        sys.exit(result)
    return result


def _quick_exit(code: object) -> None:
    """End the process now with ``code`` (see :func:`corpus_tools.cli.common.allow_quick_exit`),
    standard output and error flushed; return (to exit as usual) when that fails, when an
    exit handler is registered, or where their number cannot be told."""
    handlers = getattr(atexit, "_ncallbacks", None)
    if handlers is None or handlers() or not isinstance(code, int):
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return  # (the usual exit reports it)
    os._exit(code)


__all__ = ["COMMANDS", "ExitCode", "cli", "main"]
