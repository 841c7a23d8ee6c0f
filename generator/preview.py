"""`csops serve`: build, then serve the site with live reload and the search API next to it.

On every change to content/, templates/ or mkdocs.yml the whole pipeline runs
again (validate included); a failing rebuild keeps serving the last good site.
"""

from __future__ import annotations

import logging
from pathlib import Path

import click

log = logging.getLogger("csops")


def serve_preview(project: Path, host: str, port: int, reload: bool = True, api_app=None) -> None:
    from mkdocs.livereload import LiveReloadServer

    from .build import read_site_config
    from .pipeline import build_portal
    from .problems import ContentError

    site = read_site_config(project)

    def rebuild():
        try:
            report = build_portal(project)
            click.echo(f"rebuilt {report.pages} pages")
        except (ContentError, click.ClickException) as error:
            click.echo(error.format_message(), err=True)
            click.echo("keeping the last good site", err=True)

    build_portal(project)
    server = LiveReloadServer(builder=rebuild, host=host, port=port, root=str(site.site_dir))
    # The site's own 404 page (Material's, with search and nav), as `mkdocs serve` does.
    server.error_handler = lambda code: _error_page(Path(site.site_dir), code)
    if api_app is not None:
        static = server.serve_request

        def dispatch(environ, start_response):
            if environ.get("PATH_INFO", "").startswith("/api/"):
                return api_app(environ, start_response)
            return static(environ, start_response)

        server.set_app(dispatch)
    if reload:
        for watched in (project / "content", site.templates_dir, site.config_file):
            if watched.exists():
                server.watch(str(watched.resolve()))
    click.echo(f"serving {site.site_dir} on http://{host}:{port}/ (Ctrl+C to stop)")
    try:
        server.serve()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()


def _error_page(site_dir: Path, code: int) -> bytes | None:
    page = site_dir / f"{code}.html"
    return page.read_bytes() if code in (404, 500) and page.is_file() else None
