"""The ``labelrelease`` command line: a thin layer over the library.

Errors of the :mod:`labelrelease.errors` hierarchy become one readable line and the exit code
of their class; tracebacks are shown only with ``--debug``.
"""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from labelrelease import __version__
from labelrelease.cli import check as check_cmd
from labelrelease.cli import formats as formats_cmd
from labelrelease.cli import migrate as migrate_cmd
from labelrelease.cli import pull as pull_cmd
from labelrelease.cli import qa as qa_cmd
from labelrelease.cli import release as release_cmd
from labelrelease.cli import status as status_cmd
from labelrelease.cli.state import STATE
from labelrelease.errors import LabelReleaseError, exit_code_for

app = typer.Typer(
    name="labelrelease",
    help=(
        "Release multimodal annotation datasets: pull labels from annotation-tool exports "
        "into one canonical schema, and publish versioned, reproducible releases.\n\n"
        "In a project, `dvc repro` runs the stages; each stage is also a command here."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.command(name="pull")(pull_cmd.pull)
app.command(name="formats")(formats_cmd.formats)
app.command(name="migrate")(migrate_cmd.migrate)
app.command(name="migrations")(migrate_cmd.migrations)
app.add_typer(migrate_cmd.migration_app, name="migration")
app.command(name="check")(check_cmd.check)
app.command(name="status")(status_cmd.status)
app.command(name="release")(release_cmd.release)
app.command(name="show")(release_cmd.show)
app.command(name="verify")(release_cmd.verify)
app.command(name="trace")(release_cmd.trace)
app.command(name="diff")(release_cmd.diff)
app.add_typer(qa_cmd.app, name="qa")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"labelrelease {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
    debug: bool = typer.Option(False, "--debug", help="Show full tracebacks on errors."),
) -> None:
    STATE.debug = debug


def main() -> None:
    """Entry point of the ``labelrelease`` script."""
    err = Console(stderr=True)
    try:
        app(standalone_mode=False)
    except LabelReleaseError as e:
        if STATE.debug:
            err.print_exception()
        err.print(f"[bold red]error:[/] {e.message}", highlight=False, soft_wrap=True)
        sys.exit(exit_code_for(e))
    except typer.Exit as e:
        sys.exit(e.exit_code)
    except typer.Abort:
        err.print("aborted")
        sys.exit(130)
    except KeyboardInterrupt:
        err.print("interrupted; nothing was published")
        sys.exit(130)
    except Exception as e:  # click usage errors and the like
        import click

        if isinstance(e, click.ClickException):
            e.show()
            sys.exit(e.exit_code)
        if STATE.debug:
            raise
        err.print(
            f"[bold red]internal error:[/] {type(e).__name__}: {e}\n"
            "This is a bug in labelrelease; rerun with --debug and report the traceback."
        )
        sys.exit(70)
