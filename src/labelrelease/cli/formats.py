"""``labelrelease formats``: list the importers."""

from __future__ import annotations

import typer

from labelrelease.formats import registry


def formats() -> None:
    """List the export formats `pull` can read, with the name to pass to --format."""
    for name in registry.names():
        typer.echo(f"{name:16} {registry.get(name).summary}")
