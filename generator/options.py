"""Click options several commands share, defined once so their help and defaults never drift apart."""

from __future__ import annotations

from pathlib import Path

import click

from .report import FORMATS

PROJECT_OPTION = click.option(
    "--project", "project", type=click.Path(file_okay=False, path_type=Path), default=Path("."), show_default=True,
    help="Portal folder holding mkdocs.yml and content/.")

STRICT_OPTION = click.option(
    "--strict", is_flag=True, help="Fail on warnings too (placeholder text, the example site_url): for CI.")

FORMAT_OPTION = click.option(
    "--format", "fmt", type=click.Choice(FORMATS), default="auto", show_default=True,
    help="Output format; auto picks GitHub annotations inside GitHub Actions.")
