"""Run a command and measure what its whole process tree used: wall time, CPU time, memory.

A program may fan out into worker processes, so one process's figures are not enough:

- **CPU** is the user + sys time of every process in the tree. This process becomes a child
  subreaper (Linux), so a descendant orphaned when its parent exits is re-parented here and
  reaped here, and ``RUSAGE_CHILDREN`` then covers the whole tree.
- **Peak memory** is given two ways: ``maxrss_mb``, the peak RSS of the largest single process
  (exact, from ``wait4``; a lower bound for the tree), and ``tree_rss_mb``, the largest sum of
  RSS over the live tree, sampled every ``SAMPLE_S`` seconds (pages that processes share are
  counted in each; an upper bound, up to the sampling).

Standard library only, so that the measuring process stays small: on Linux a child's peak RSS
can inherit its parent's at spawn.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import resource
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

SAMPLE_S = 0.1
_PAGE = os.sysconf("SC_PAGE_SIZE")
_PR_SET_CHILD_SUBREAPER = 36


@dataclass
class Measurement:
    """One run of a command."""

    wall_s: float
    cpu_s: float
    user_s: float
    sys_s: float
    maxrss_mb: float
    tree_rss_mb: float
    processes: int
    returncode: int
    stdout: str
    stderr: str

    def check(self, what: str) -> Measurement:
        """Raise with the command's stderr if it failed."""
        if self.returncode != 0:
            raise RuntimeError(f"{what} exited with {self.returncode}:\n{self.stderr[-4000:]}")
        return self


def become_subreaper() -> bool:
    """Adopt orphaned descendants (Linux ``PR_SET_CHILD_SUBREAPER``); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def parents() -> dict[int, int]:
    """Parent pid of every live process, from ``/proc``."""
    out: dict[int, int] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses.
        out[int(name)] = int(stat[stat.rfind(b")") + 2 :].split()[1])
    return out


def descendants(root: int, ppid: dict[int, int]) -> set[int]:
    """``root`` and every live process below it."""
    children: dict[int, list[int]] = {}
    for pid, parent in ppid.items():
        children.setdefault(parent, []).append(pid)
    tree, todo = set(), [root]
    while todo:
        pid = todo.pop()
        if pid not in tree:
            tree.add(pid)
            todo.extend(children.get(pid, ()))
    return tree


def rss_bytes(pid: int) -> int:
    """Resident set size of ``pid`` (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as fh:
            return int(fh.read().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return 0


class TreeSampler(threading.Thread):
    """Samples the summed RSS of a process tree until stopped; keeps the peak."""

    def __init__(self, root: int, interval: float = SAMPLE_S) -> None:
        super().__init__(daemon=True)
        self.root, self.interval = root, interval
        self.peak_bytes = 0
        self.max_processes = 0
        self.seen: set[int] = set()
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.sample()
            self._stop_event.wait(self.interval)

    def sample(self) -> None:
        """One sample of the tree."""
        tree = descendants(self.root, parents())
        self.seen |= tree
        self.max_processes = max(self.max_processes, len(tree))
        self.peak_bytes = max(self.peak_bytes, sum(rss_bytes(p) for p in tree))

    def stop(self) -> None:
        """Stop sampling and wait for the thread."""
        self._stop_event.set()
        self.join()


def reap_orphans(seen: set[int]) -> None:
    """Wait for descendants of a finished run that were re-parented to this process."""
    me = os.getpid()
    for pid, parent in parents().items():
        if parent == me and pid in seen:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)


def measure(cmd: list[str], cwd: Path | None = None) -> Measurement:
    """Run ``cmd`` to completion and measure its process tree."""
    become_subreaper()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with (
        open(os.devnull, "rb") as stdin,
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
    ):
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=stdin, stdout=out, stderr=err, cwd=cwd)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        sampler.stop()
        proc.returncode = os.waitstatus_to_exitcode(status)
        reap_orphans(sampler.seen)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        out.seek(0)
        err.seek(0)
        user = after.ru_utime - before.ru_utime
        system = after.ru_stime - before.ru_stime
        return Measurement(
            wall_s=wall,
            cpu_s=user + system,
            user_s=user,
            sys_s=system,
            maxrss_mb=usage.ru_maxrss / 1024,  # KiB on Linux
            tree_rss_mb=max(sampler.peak_bytes / 2**20, usage.ru_maxrss / 1024),
            processes=sampler.max_processes,
            returncode=proc.returncode,
            stdout=out.read().decode(errors="replace"),
            stderr=err.read().decode(errors="replace"),
        )
