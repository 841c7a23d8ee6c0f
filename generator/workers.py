"""The build's worker processes, started before the content is even loaded, so their start-up overlaps it.

A build has two cores' worth of work and the first seconds (load, check,
render) use one: started then, the workers import MkDocs, Material and Whoosh
meanwhile, and the search index, which needs only the model, is written while
the pages are still being rendered. The other workers render MkDocs shares
(shards.py) once the pages are written.

A one-run `csops build` forks the MkDocs host first (mkdocs_host.py), which
imports MkDocs, Markdown and Material once and forks the workers of the other
MkDocs shares with them loaded, then an index worker: the build process never
imports MkDocs. `csops serve` (before its server starts) imports them once and
forks its workers with them loaded, running the site-wide share itself:
spawned workers imported them again, about half a second of CPU each on the
reference machine, taken from the build's two cores.
Whoosh, which only the index job runs (index_job.py), is imported by the
worker that runs it, beside the build process's rendering.
Where other threads run (a pool replaced while `csops serve` serves), workers
are spawned, since fork copies no thread and may copy a lock one of them holds.
Workers die with the build (kill -9 included) instead of writing on as orphans,
and a killed build's index folder is a staging folder that the next build removes.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from . import generations, model_pickles, shards

if TYPE_CHECKING:
    from .index_job import IndexJob

# About how many bytes of Markdown a byte of content YAML becomes (4.8 on the benchmark's playbooks,
# 5.6 on the bundled portal): enough to guess, before rendering, whether MkDocs will be sharded.
MARKDOWN_PER_YAML_BYTE = 4


def _import_mkdocs() -> None:
    """What every MkDocs run imports: the build process runs one too."""
    import markdown  # noqa: F401
    import mkdocs.commands.build  # noqa: F401
    import pymdownx.superfences  # noqa: F401
    from material.plugins.search import plugin  # noqa: F401


def _warm_up() -> None:
    """Import what the worker will run, while the build process loads content."""
    _import_mkdocs()
    from . import index  # noqa: F401  (Whoosh: only workers write the index)


def start_method() -> str:
    """fork where no other thread runs (one could hold a lock the child would inherit held), else spawn."""
    return "fork" if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods() else "spawn"


def _timed_index(job: bytes, output: Path):
    start = time.perf_counter()
    result = model_pickles.loads(job).run(output)
    return result, time.perf_counter() - start


def expected_shares(project: Path) -> int:
    """How many MkDocs shares the content will likely need, from the size of its YAML (a guess: a wrong one only
    starts a worker early or late)."""
    content = Path(project) / "content"
    size = sum(p.stat().st_size for p in content.rglob("*.yml") if p.is_file()) if content.is_dir() else 0
    return max(1, min(shards.available_cores(), shards.MAX_SHARDS, size * MARKDOWN_PER_YAML_BYTE // shards.MIN_SHARD_BYTES))


class BuildWorkers:
    """A pool with one worker for the search index and room for a worker per other MkDocs share.

    `delegates`: a build whose process runs no MkDocs, which `host` (mkdocs_host.py) runs with its own workers
    for the other shares, and the pool only the index job: the one-run `csops build`, whose process runs no other
    thread (start_method() is fork). `csops serve`, whose process keeps MkDocs loaded between saves, runs the
    site-wide share itself.
    """

    def __init__(self, project: Path, delegates: bool = False):
        self.project = Path(project)
        self.host = self.pool = None
        try:
            if delegates:
                from .mkdocs_host import MkDocsHost, ctrl_c_held

                with ctrl_c_held():
                    self.host = MkDocsHost()  # forked first, while this process runs no other thread
                    self.pool = self._new_pool()
            else:
                self.pool = self._new_pool()
        except BaseException:  # Ctrl-C (held while forking, it arrives as the block ends): no worker outlives it
            self._stop_workers()
            raise
        self.index: tuple[Future, Path] | None = None
        self.jobs: list[Future] = []  # this build's index job and MkDocs shares

    @property
    def delegates(self) -> bool:
        return self.host is not None

    def _new_pool(self) -> ProcessPoolExecutor:
        method = start_method()
        if self.host is not None:  # the index worker
            from .mkdocs_host import lower_priority

            pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context(method),
                                       initializer=lower_priority, initargs=(os.getpid(),))
            pool.submit(int)
            return pool
        size = max(1, min(shards.available_cores(), shards.MAX_SHARDS))
        if method == "fork":
            _import_mkdocs()  # this process runs MkDocs too: imported once here, the workers start with it
        pool = ProcessPoolExecutor(max_workers=size, mp_context=multiprocessing.get_context(method),
                                   initializer=generations.die_with_parent, initargs=(os.getpid(),))
        if method == "fork":  # every worker starts at the first job, with MkDocs imported; Whoosh is imported by
            pool.submit(int)  # the index job, in the one worker that runs it (warmed in one, it ran in the other)
        else:  # start the index worker and one per other expected share now: they import meanwhile
            for _ in range(min(size, expected_shares(self.project))):
                pool.submit(_warm_up)
        return pool

    @contextmanager
    def for_build(self):
        """One build on a pool that outlives it (`csops serve` keeps one: a save's rebuild then starts no
        processes and imports nothing). A failed build stops the workers, which may still be indexing,
        and the next build gets a fresh pool; so does a build after a worker died between builds."""
        self.index, self.jobs = None, []
        if getattr(self.pool, "_broken", False):  # a worker died since the last build (killed while idle)
            self._replace_pool()
        try:
            yield self
        except BaseException as error:
            # bad content fails before any job: the pool stays
            if isinstance(error, BrokenProcessPool) or any(not job.done() for job in self.jobs):
                self._replace_pool()
            raise
        finally:
            self._drop_index_staging()

    def _replace_pool(self) -> None:
        """A new pool, for one whose workers may still be busy with a failed build, or broken for good (a
        ProcessPoolExecutor whose worker died refuses every later job)."""
        self._stop_workers()
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.pool = self._new_pool()

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)

    def _drop_index_staging(self) -> None:
        if self.index is not None:  # moved into the generation by now, or not wanted
            generations._remove(self.index[1])
            self.index = None

    def start_index(self, job: "IndexJob", pickles: model_pickles.ModelPickles) -> None:
        """`pickles`: the playbooks' bytes, made here once for the job and for their page keys (render.py)."""
        folder = generations.new_staging(self.project)
        try:
            # Pickled here, not by the pool's feeder thread: rendering fills the model's lookup caches meanwhile.
            self.index = (self.pool.submit(_timed_index, pickles.dumps(job), folder / "index"), folder)
        except BaseException:
            generations._remove(folder)  # named with this process's pid: no later clean-up would take it
            raise
        self.jobs.append(self.index[0])

    def release(self) -> None:
        """Let a build's own workers end while it publishes: it needs them no more (kept ones stay)."""
        if self.host is not None:
            self.host.finish()
            self.pool.shutdown(wait=False)

    def static_search_docs(self) -> str:
        """The static search index's entries as JSON, from the index job (waits for it)."""
        output, _seconds = self.index[0].result()
        return output.static_docs

    def submit(self, fn, *args) -> Future:
        job = self.pool.submit(fn, *args)
        self.jobs.append(job)
        return job

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if error is not None:
            self._stop_workers()  # a failed build does not wait for workers still importing or indexing
        elif self.host is not None:
            self.host.close()
        self.pool.shutdown(wait=True, cancel_futures=True)
        self._drop_index_staging()
        return False

    def _stop_workers(self) -> None:
        if self.host is not None:
            self.host.kill()
        processes = list((getattr(self.pool, "_processes", None) or {}).values())
        terminate = getattr(self.pool, "terminate_workers", None)  # Python 3.14+
        if terminate is not None:
            terminate()
        else:
            for process in processes:
                process.kill()
        for process in processes:
            process.join(timeout=5)
        # A worker killed while sending its result (the index job's entries are megabytes) leaves half a message in
        # the result pipe: the pool's manager thread waited for the rest for ever, and so did shutdown(), so a save
        # that failed after the index job started (a template error) left `csops serve` answering no request
        # again. With every worker gone, this process holds the pipe's last writing end: closed, the manager
        # thread reads the end of the pipe and gives up.
        if processes and all(process.exitcode is not None for process in processes):
            writer = getattr(getattr(self.pool, "_result_queue", None), "_writer", None)
            if writer is not None:
                writer.close()
