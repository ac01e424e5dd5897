"""The release stage under real DVC and git: `dvc repro` cuts and tags a release; a fresh clone
rebuilds it byte for byte; `dvc get` fetches one bundle from the repository."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.functional.conftest import ROOT
from tests.functional.release_project import make_project

BIN = Path(sys.executable).parent


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
           "DVC_NO_ANALYTICS": "1", "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}  # fmt: skip
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False,
                          timeout=600)  # fmt: skip
    assert done.returncode == 0, f"{args}: {done.stdout}{done.stderr}"
    return done


def _hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}  # fmt: skip


@pytest.mark.slow
def test_dvc_repro_fresh_clone_and_dvc_get(tmp_path: Path) -> None:
    repo = make_project(tmp_path / "repo", labels=600)
    stages = yaml.safe_load((ROOT / "dvc.yaml").read_text())["stages"]
    release = stages["release"]
    release["deps"] = ["data/migrated"]  # check/qa reports are optional inputs here
    (repo / "dvc.yaml").write_text(yaml.safe_dump({"stages": {"release": release}}))
    dvc = str(BIN / "dvc")
    run("git", "init", "-q", cwd=repo)
    run(dvc, "init", "-q", cwd=repo)
    run(dvc, "remote", "add", "-d", "store", str(tmp_path / "remote"), cwd=repo)
    run(dvc, "add", "-q", "data/migrated", cwd=repo)
    run("git", "add", "-A", cwd=repo)
    run("git", "commit", "-qm", "inputs", cwd=repo)

    run(dvc, "repro", cwd=repo)
    bundle = repo / "data" / "releases" / "1.0.0"
    assert (bundle / "manifest.json").exists()
    assert "dataset-v1.0.0" in run("git", "tag", cwd=repo).stdout
    run(dvc, "push", "-q", cwd=repo)
    run("git", "add", "-A", cwd=repo)
    run("git", "commit", "-qm", "release 1.0.0", cwd=repo)

    clone = tmp_path / "clone"
    run("git", "clone", "-q", str(repo), str(clone), cwd=tmp_path)
    run(dvc, "pull", "-q", "data/migrated.dvc", cwd=clone)
    shutil.rmtree(clone / "data" / "releases", ignore_errors=True)
    run(str(BIN / "labelrelease"), "release", "--no-tag", cwd=clone)
    assert _hashes(clone / "data" / "releases" / "1.0.0") == _hashes(bundle)

    got = tmp_path / "got"
    run(dvc, "get", str(repo), "data/releases/1.0.0", "-o", str(got), cwd=tmp_path)
    assert _hashes(got) == _hashes(bundle)
