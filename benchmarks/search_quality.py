"""Search quality on benchmarks/queries.yml: MRR@10 and recall@5 of our Whoosh search and of Material's client-side search,
and top-1 of ticket suggestions (POST /api/suggest) on benchmarks/tickets.yml beside Material given the same text.

Each set has a held-out twin (queries_holdout.yml, tickets_holdout.yml): written and judged from the content
alone by someone who had not seen the ranking code or its misses, so a ranking change that only fits the
judged set shows up as a gap between the two. Both were seen when misses were studied, so queries_blind.yml
was added later, written by someone who read only the content files and never ran a search: the least
flattering and most honest of the three.

Material's side is the reference implementation itself: the search worker the
built site ships (site/assets/javascripts/workers/search.*.min.js, with its lunr
language files) runs under Node against site/search/search_index.json, and each
query goes through Material's default query transform first, as the browser does.

    python benchmarks/search_quality.py [--build] [--show-misses]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.search import Searcher  # noqa: E402

# Node harness: the worker calls importScripts() and postMessage(); give it both and talk to it like the page does.
NODE_HARNESS = r"""
const fs = require("fs"), path = require("path"), vm = require("vm");
const [workerFile] = process.argv.slice(2);
const input = JSON.parse(fs.readFileSync(0, "utf8"));
const workerDir = path.dirname(workerFile);
let handler = null, reply = null;
globalThis.self = globalThis;
globalThis.addEventListener = (type, fn) => { if (type === "message") handler = fn; };
globalThis.postMessage = (message) => reply(message);
globalThis.importScripts = (...urls) => {
  for (const url of urls) { const file = path.resolve(workerDir, url); vm.runInThisContext(fs.readFileSync(file, "utf8"), { filename: file }); }
};
vm.runInThisContext(fs.readFileSync(workerFile, "utf8"), { filename: workerFile });
const send = (message) => new Promise((resolve) => { reply = resolve; handler({ data: message }); });
// Material's default search.transform (src/templates/assets/javascripts/integrations/search/transform)
const transform = (query) => query.split(/"([^"]+)"/g)
  .map((terms, index) => index & 1 ? terms.replace(/^\b|^(?![^\x00-\x7F]|$)|\s+/g, " +") : terms)
  .join("").replace(/"|(?:^|\s+)[*+\-:^~]+(?=\s+|$)/g, "").trim();
(async () => {
  const index = JSON.parse(fs.readFileSync(input.index, "utf8"));
  // the page adds the theme options; search.suggest is on in our mkdocs.yml
  await send({ type: 0, data: { ...index, options: { suggest: true } } });
  const out = [];
  for (const q of input.queries) {
    const result = await send({ type: 2, data: transform(q) });
    const locations = [];
    for (const group of result.data.items) for (const doc of group) locations.push(doc.location);
    out.push(locations);
  }
  process.stdout.write(JSON.stringify(out));
})();
"""


def rank_of(urls: list[str], wanted) -> int | None:
    """Rank of the first URL that answers the query (`url`, or an equally right one listed under `also`)."""
    wanted = {w.strip("/") for w in ([wanted] if isinstance(wanted, str) else wanted)}
    for rank, url in enumerate(urls, 1):
        if url.strip("/") in wanted:
            return rank
    return None


def answers(query: dict) -> list[str]:
    return [query["url"], *query.get("also", [])]


def scores(ranks: list[int | None]) -> tuple[float, float]:
    mrr = sum(1 / r for r in ranks if r and r <= 10) / len(ranks)
    recall5 = sum(1 for r in ranks if r and r <= 5) / len(ranks)
    return mrr, recall5


def whoosh_ranks(project: Path, queries: list[dict]) -> list[int | None]:
    searcher = Searcher(project)
    return [rank_of([h.path for h in searcher.search(q["q"], limit=10).hits], answers(q)) for q in queries]


def suggest_ranks(project: Path, tickets: list[dict]) -> list[int | None]:
    searcher = Searcher(project)
    return [rank_of([h.path for h in searcher.suggest_for_ticket(t["text"], limit=5)], answers(t)) for t in tickets]


def material_ranks(project: Path, queries: list[dict]) -> list[int | None]:
    site = project / "site"
    worker = next((site / "assets/javascripts/workers").glob("search.*.min.js"))
    with tempfile.TemporaryDirectory() as tmp:
        harness = Path(tmp) / "harness.js"
        harness.write_text(NODE_HARNESS, encoding="utf-8")
        payload = json.dumps({"index": str(site / "search/search_index.json"),
                              "queries": [q.get("q", q.get("text")) for q in queries]})
        done = subprocess.run([shutil.which("node") or "/usr/bin/node", str(harness), str(worker)], input=payload,
                              capture_output=True, text=True, check=True)
    return [rank_of(locations[:10], answers(q)) for locations, q in zip(json.loads(done.stdout), queries)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=Path, action="append",
                        help="Query set (repeatable); default: queries.yml, queries_holdout.yml and queries_blind.yml.")
    parser.add_argument("--tickets", type=Path, action="append",
                        help="Ticket set (repeatable); default: tickets.yml and tickets_holdout.yml.")
    parser.add_argument("--build", action="store_true",
                        help="Build each project cold in a temporary copy first (else reuse its site/ and build/index). "
                             "Cold, so the figures never depend on this checkout's build history (an index updated in "
                             "place scores within a few parts in ten thousand of a cold one: search_stats.py).")
    parser.add_argument("--show-misses", action="store_true", help="List queries whose URL is not ranked first.")
    args = parser.parse_args()
    query_files = args.queries or [REPO / f"benchmarks/{name}.yml" for name in ("queries", "queries_holdout", "queries_blind")]
    ticket_files = args.tickets or [REPO / "benchmarks/tickets.yml", REPO / "benchmarks/tickets_holdout.yml"]
    built: dict[Path, Path] = {}  # project -> where it was built
    scratch = tempfile.TemporaryDirectory(prefix="csops-search-quality-")

    def built_project(source: Path) -> Path:
        if source not in built:
            if args.build or not (source / "build/index").is_dir():
                from generator.pipeline import build_portal

                target = Path(scratch.name) / f"p{len(built)}"
                shutil.copytree(source, target, ignore=shutil.ignore_patterns("build", "site", ".git"))
                build_portal(target)
                built[source] = target
            else:
                built[source] = source
        return built[source]

    print(f"{'set':16} {'language':8} {'queries':>7}  {'engine':24} {'MRR@10':>7} {'recall@5':>8}")
    failed = False
    for path in query_files:
        for language, spec in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            project = built_project((REPO / spec["project"]).resolve())
            queries = spec["queries"]
            ours = whoosh_ranks(project, queries)
            theirs = material_ranks(project, queries)
            for name, ranks in (("whoosh (csops search)", ours), ("material client-side", theirs)):
                mrr, recall = scores(ranks)
                print(f"{path.stem:16} {language:8} {len(queries):7d}  {name:24} {mrr:7.3f} {recall:8.3f}")
            failed |= scores(ours)[0] <= scores(theirs)[0]
            if args.show_misses:
                for q, a, b in zip(queries, ours, theirs):
                    if a != 1:
                        print(f"    whoosh rank {a}, material rank {b}: {q['q']}  ->  {q['url']}")
    print(f"\n{'set':16} {'language':8} {'tickets':>7}  {'engine':24} {'top-1':>7} {'recall@5':>8}")
    for path in ticket_files:
        for language, spec in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            project = built_project((REPO / spec["project"]).resolve())
            ours = suggest_ranks(project, spec["tickets"])
            theirs = material_ranks(project, spec["tickets"])
            for name, ranks in (("whoosh (/api/suggest)", ours), ("material client-side", theirs)):
                top1 = sum(1 for r in ranks if r == 1) / len(ranks)
                print(f"{path.stem:16} {language:8} {len(ranks):7d}  {name:24} {top1:7.3f} {scores(ranks)[1]:8.3f}")
            if args.show_misses:
                for t, a, b in zip(spec["tickets"], ours, theirs):
                    if a != 1:
                        print(f"    suggest rank {a}, material rank {b}: {t['text'][:70]}…  ->  {t['url']}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
