"""Japanese analysis measured: our CJK bigrams vs SudachiPy (mode A, normalized_form, particles dropped).

Same queries (benchmarks/queries.yml, Japanese half), same content (examples/ja), same ranking;
--speed adds the 10k-document corpus of search_speed.py. SudachiPy is not a dependency (its
dictionary is ~200 MiB): install it aside and point SUDACHI_PATH at it:

    pip install --target /tmp/sudachi sudachipy sudachidict-core
    SUDACHI_PATH=/tmp/sudachi python benchmarks/search_analyzers.py sudachi --speed
    python benchmarks/search_analyzers.py bigram --speed
"""
import os, sys, time, statistics, tempfile
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO); sys.path.insert(0, os.path.join(REPO, "benchmarks"))
if os.environ.get("SUDACHI_PATH"):
    sys.path.append(os.environ["SUDACHI_PATH"])
from pathlib import Path
import yaml
import generator.index as gi
import generator.search_analysis as search_analysis
from generator.pipeline import load_portal
from generator.search import Searcher
import search_quality as sq
import search_speed as ss

variant = sys.argv[1] if len(sys.argv) > 1 else "bigram"
if variant == "sudachi":
    from sudachipy import dictionary, tokenizer as stok
    _tok = None
    MODE = stok.Tokenizer.SplitMode.A
    SKIP = {"助詞", "助動詞", "補助記号", "空白", "記号"}
    def sudachi_pieces(value, query=False):
        """(normalized form, start, end) of each content word: what MixedAnalyzer then lowercases and stems."""
        global _tok
        if _tok is None:
            _tok = dictionary.Dictionary().create()  # lazily: the tokenizer cannot be pickled
        for m in _tok.tokenize(value[:40000], MODE):
            if m.part_of_speech()[0] in SKIP:
                continue
            text = m.normalized_form()
            if text.strip():
                yield text, m.begin(), m.end()
    search_analysis.split_pieces = sudachi_pieces  # the index's analyzer and the snippets' term_spans both cut here

queries = yaml.safe_load(open(os.path.join(REPO, "benchmarks/queries.yml"), encoding="utf-8"))["ja"]["queries"]
tmp = Path(tempfile.mkdtemp())
portal = load_portal(Path(REPO) / "examples/ja")
gi.update_index(tmp / "build/index", gi.collect_documents(portal, "ja"), {"site_url": "https://x/", "language": "ja"})
ranks = sq.whoosh_ranks(tmp, queries)
print(variant, "ja MRR@10 %.3f recall@5 %.3f" % sq.scores(ranks))
if "--speed" in sys.argv:
    docs = ss.synthetic_docs(10000)
    big = Path(tempfile.mkdtemp())
    t = time.perf_counter(); gi.update_index(big / "build/index", docs, {}); build = time.perf_counter() - t
    size = sum(f.stat().st_size for f in (big / "build/index").iterdir()) / 2**20
    s = Searcher(big, cache_size=0)
    jq = [q for q in ss.QUERIES if not q.isascii()]
    for q in jq: s.search(q)
    ts = []
    for _ in range(5):
        for q in jq:
            t = time.perf_counter(); s.search(q); ts.append((time.perf_counter() - t) * 1000)
    ts.sort()
    print(f"{variant}: 10k index {build:.1f}s {size:.1f} MiB; Japanese queries p50 {statistics.median(ts):.2f} ms p95 {ts[int(.95*len(ts))]:.2f} ms")
