"""``labelrelease release``, ``show``, ``verify``, ``trace`` and ``diff``: release bundles."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from labelrelease.errors import UsageError, VerifyError
from labelrelease.release import inspect
from labelrelease.release.build import release as run_release
from labelrelease.release.history import bundle_path, releases
from labelrelease.release.inputs import load_settings
from labelrelease.release.manifest import identity, verify_bundle

ParamsOpt = Annotated[Path, typer.Option(help="Params file to read the `release` section from.")]


def release(
    version: Annotated[
        str | None,
        typer.Option("--version", "-v", help="Version X.Y.Z. Default: `release.version`."),
    ] = None,
    allow_bump: Annotated[
        str | None,
        typer.Option(
            "--allow-bump",
            metavar="REASON",
            help="Accept a bump smaller than the change needs; the reason goes to the manifest.",
        ),
    ] = None,
    no_tag: Annotated[bool, typer.Option("--no-tag", help="Do not create the git tag.")] = False,
    params: ParamsOpt = Path("params.yaml"),
) -> None:
    """Cut a release: run the gates, build data/releases/VERSION/, verify it, publish it.

    The bundle holds the five canonical tables (labels with a `relabel_policy` column; labels
    whose policy is `filter` left out), changes.parquet (the typed diff against the previous
    release), the QA sample and reports, manifest.json, croissant.json and CHANGELOG.md (this
    release's entry, also prepended to the project's CHANGELOG.md). It is built in a temporary
    folder beside data/releases and renamed into place only when every hash checks; an existing
    version is never overwritten. The current commit is tagged `dataset-vVERSION`.

    Examples:

      labelrelease release                    # the DVC stage: version from params.yaml

      labelrelease release --version 1.1.0

      labelrelease release --version 1.0.1 --allow-bump "class rename is cosmetic"
    """
    settings = load_settings(params, Path.cwd(), {})
    version = version or settings["version"]
    if not version:
        raise UsageError("give --version X.Y.Z or set release.version in params.yaml")
    console = Console(stderr=True)
    with console.status("releasing") as status:
        result = run_release(
            settings,
            str(version),
            allow_bump=allow_bump,
            tag=settings["tag"] and not no_tag,
            step=lambda s: status.update(f"release {version}: {s}"),
        )
    out = Console()
    out.print(f"released {result.version} → {settings['out']}/{result.version}")
    out.print(f"identity (sha256 of manifest.json): {result.identity}")
    for note in result.notes:
        out.print(f"note: {note}", highlight=False)


def show(
    version: Annotated[str, typer.Argument(help="Release version X.Y.Z.")],
    params: ParamsOpt = Path("params.yaml"),
) -> None:
    """Summarise a release: parent, identity, files and rows, migrations, gates, changes.

    Example:

      labelrelease show 1.1.0
    """
    settings = load_settings(params, Path.cwd(), {})
    path = bundle_path(settings.path("out"), version, str(settings["out"]))
    Console().print(inspect.show_text(path), highlight=False)


def verify(
    version: Annotated[
        str | None, typer.Argument(help="Release to verify. Default: every release.")
    ] = None,
    params: ParamsOpt = Path("params.yaml"),
) -> None:
    """Re-hash every file of a release against its manifest; exit 8 naming each mismatch.

    Examples:

      labelrelease verify 1.1.0

      labelrelease verify          # every release under data/releases
    """
    settings = load_settings(params, Path.cwd(), {})
    out = settings.path("out")
    versions = [version] if version else [str(v) for v in releases(out)]
    if not versions:
        raise UsageError(f"no releases under {settings['out']}")
    console = Console()
    failed: list[str] = []
    for v in versions:
        path = bundle_path(out, v, str(settings["out"]))
        try:
            verify_bundle(path)
        except VerifyError as e:
            failed.append(v)
            console.print(f"[red]FAIL[/] {v}", highlight=False)
            for problem in e.problems:
                console.print(f"  {problem}", highlight=False)
            continue
        console.print(f"ok {v} {identity(path)}", highlight=False)
    if failed:
        raise VerifyError(
            f"release(s) {', '.join(failed)} do not match their manifest (see above); restore "
            "them with `dvc checkout data/releases` or rebuild them"
        )


def trace(
    label_id: Annotated[str, typer.Argument(help="The label's label_id.")],
    params: ParamsOpt = Path("params.yaml"),
) -> None:
    """A label's history through every release: present or absent, where it came from
    (source record, annotator or model), and each change with its cause.

    Example:

      labelrelease trace lb_00c3a1...
    """
    settings = load_settings(params, Path.cwd(), {})
    Console().print(inspect.trace_text(settings, label_id), highlight=False)


def diff(
    old: Annotated[str, typer.Argument(help="Older release X.Y.Z.")],
    new: Annotated[str, typer.Argument(help="Newer release X.Y.Z.")],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the typed diff to this Parquet file.")
    ] = None,
    params: ParamsOpt = Path("params.yaml"),
) -> None:
    """The typed diff of two releases: items and links added/removed; labels added, removed,
    class changed, geometry moved, time or span shifted, text edited, attribute or status
    changed; with the cause (migration id, relabel, source).

    Examples:

      labelrelease diff 1.0.0 1.1.0

      labelrelease diff 1.0.0 2.0.0 --out diff.parquet
    """
    settings = load_settings(params, Path.cwd(), {})
    Console().print(inspect.diff_text(settings, old, new, out), highlight=False)
