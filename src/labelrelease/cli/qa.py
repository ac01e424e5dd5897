"""``labelrelease qa``: sample, disagreement, gold and pre-label signals (DVC stage)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from labelrelease.qa.run import run_qa
from labelrelease.qa.settings import load_settings


def qa(
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
    settings = load_settings(params, inp=inp, out=out)
    result = run_qa(settings)
    rep = result.report
    overall = rep["disagreement"]["overall"]
    Console().print(
        f"sampled {rep['sample']['items']} of {rep['items']} items "
        f"({rep['sample']['blind']} blind); {rep['pairs']} pass pairs; "
        f"presence {overall['presence']}, class {overall['class']}, text {overall['text']}, "
        f"link {overall['link']}; report: {settings.report}",
        highlight=False,
    )
