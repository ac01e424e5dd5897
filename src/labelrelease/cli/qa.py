"""``labelrelease qa``: sample, disagreement, gold and pre-label signals (DVC stage)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from labelrelease.qa.settings import load_settings

app = typer.Typer(
    help="QA: the stable review sample, disagreement between passes, the review round trip.",
    no_args_is_help=False,
)


@app.callback(invoke_without_command=True)
def qa(
    ctx: typer.Context,
    inp: Annotated[
        Path | None,
        typer.Option("--in", help="Folder of canonical tables. Default: `qa.in` in params.yaml."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Folder for QA tables. Default: `qa.out`."),
    ] = None,
    params: Annotated[Path, typer.Option(help="Params file to read the `qa` section from.")] = Path(
        "params.yaml"
    ),
) -> None:
    """Draw the stable QA sample and measure agreement between passes.

    Writes OUT/{sample,matches,units,link_units}.parquet, reports/qa.json (DVC metric: sample,
    disagreement by type, Krippendorff's alpha, gold scores, pre-label signals) and the tables
    of reports/qa/. Gates in `qa.gates` of params.yaml make it exit 6 when a figure is out of
    bounds (reports are written first).

    Examples:

      labelrelease qa                      # the DVC stage: params.yaml `qa`

      labelrelease qa --in data/staged --out /tmp/qa
    """
    if ctx.invoked_subcommand is not None:
        return
    from labelrelease.qa.run import run_qa  # scipy loads only when qa runs

    settings = load_settings(params, inp=inp, out=out)
    reviews = settings.reviews if settings.reviews.is_dir() else None
    result = run_qa(settings, reviews=reviews)
    rep = result.report
    overall = rep["disagreement"]["overall"]
    Console().print(
        f"sampled {rep['sample']['items']} of {rep['items']} items "
        f"({rep['sample']['blind']} blind); {rep['pairs']} pass pairs; "
        f"presence {overall['presence']}, class {overall['class']}, text {overall['text']}, "
        f"link {overall['link']}; report: {settings.report}",
        highlight=False,
    )


@app.command("export")
def export(
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Tasks file to write. Default: QA_OUT/review_tasks.json."),
    ] = None,
    params: Annotated[Path, typer.Option(help="Params file (section `qa`).")] = Path("params.yaml"),
) -> None:
    """Write the QA sample as Label Studio tasks for the reviewers.

    Each task carries the item's current labels as `predictions` (none on the blind slice)
    and the canonical item ID in `meta`. Import the file into a Label Studio project, review,
    export as JSON, then run `labelrelease qa import`.

    Examples:

      labelrelease qa export

      labelrelease qa export --out review/week-49.json
    """
    import tempfile

    from labelrelease.qa.review import export_sample
    from labelrelease.qa.tables import connect

    settings = load_settings(params)
    target = out or settings.out / "review_tasks.json"
    with tempfile.TemporaryDirectory() as work:
        con = connect(Path(work), settings.memory_limit, settings.threads)
        try:
            n = export_sample(con, settings.out / "sample.parquet", settings.inp, target)
        finally:
            con.close()
    Console().print(f"{n} review tasks -> {target}", highlight=False)


@app.command("import")
def import_(
    reviewed: Annotated[
        Path, typer.Argument(help="Label Studio JSON export of the reviewed tasks.")
    ],
    params: Annotated[Path, typer.Option(help="Params file (section `qa`).")] = Path("params.yaml"),
) -> None:
    """Bring reviewed tasks back: the human passes go to `qa.reviews`, which the next
    `labelrelease qa` compares with the other passes.

    The file is read by pull's Label Studio importer; the passes land on the canonical items
    named in each task's `meta.item_id`.

    Examples:

      labelrelease qa import review/week-49-export.json && labelrelease qa
    """
    from labelrelease.contract.load import default_contract, load_contract
    from labelrelease.qa.review import import_reviews

    settings = load_settings(params)
    contract = (
        load_contract(settings.contract) if settings.contract.exists() else default_contract()
    )
    counts = import_reviews(
        reviewed, settings.inp, settings.reviews, contract, settings.reviews.parent
    )
    shown = ", ".join(f"{k} {v}" for k, v in counts.items())
    Console().print(f"imported review passes: {shown} -> {settings.reviews}", highlight=False)
