"""Stage progress of a build on stderr: a bar on a terminal, one plain line per stage elsewhere, with --quiet
only why it waits.

A 500-playbook build takes minutes; an editor should see that it moves. stdout
stays exactly what it was (the final "built N pages" line), so scripts that read
it are unaffected.
"""

from __future__ import annotations

import sys
import time

import click


class Progress:
    """Quiet: the interface the pipeline calls (stage start, page ticks, stage end with a count); says only why
    a build waits, since a build that waits silently for another looks hung."""

    def start(self, stage: str, total: int | None = None) -> None:
        pass

    def advance(self, count: int = 1) -> None:
        pass

    def done(self, summary: str) -> None:
        pass

    def note(self, text: str) -> None:
        """A line that ends no stage (a build waiting for another), so it carries no time."""
        click.echo(f"csops: {text}", err=True)


class LineProgress(Progress):
    """One line per finished stage, for CI logs and pipes."""

    def __init__(self):
        self.started = time.perf_counter()

    def start(self, stage: str, total: int | None = None) -> None:
        self.started = time.perf_counter()

    def done(self, summary: str) -> None:
        now = time.perf_counter()
        click.echo(f"csops: {summary} ({now - self.started:.1f}s)", err=True)
        self.started = now


class BarProgress(LineProgress):
    """A terminal: a progress bar while MkDocs renders pages, a line when each stage ends."""

    def __init__(self):
        super().__init__()
        self.bar = None

    def start(self, stage: str, total: int | None = None) -> None:
        super().start(stage, total)
        if total:
            self.bar = click.progressbar(length=total, label=f"csops: {stage}", file=sys.stderr,
                                         show_pos=True, show_eta=True)
            self.bar.__enter__()

    def advance(self, count: int = 1) -> None:
        if self.bar is not None:
            self.bar.update(count)

    def done(self, summary: str) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None
        super().done(summary)


def for_terminal(quiet: bool) -> Progress:
    """Only notes when quiet, a bar when stderr is a terminal, plain lines otherwise."""
    if quiet:
        return Progress()
    return BarProgress() if sys.stderr.isatty() else LineProgress()
