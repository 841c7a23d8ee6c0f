"""Benchmark `csops build` against a plain `mkdocs build` of the same generated pages.

Generates N synthetic playbooks (8 steps each with RACI, checklists and due
offsets; half of them Japanese), then runs, each in its own process:
  1. `csops build --timings` (our stages + MkDocs with the section/phase navigation)
  2. `mkdocs build` of the very same generated Markdown with a default Material
     config (full automatic navigation), the "peer" a team would otherwise use.
Prints wall time per stage, peak memory (max RSS), site size and the ratio.

    python benchmarks/build.py               # N = 100 and 1000
    python benchmarks/build.py --n 5000      # one larger run
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PHASES = ["onboarding", "adoption", "renewal", "expansion", "risk", "advocacy"]
ROLES = ["csm", "cs-lead", "cs-ops", "sales-ae", "support", "product"]

EN_BODY = ("Open the account in the CRM and review the health score, open support tickets and the last QBR notes. "
           "Confirm who the economic buyer is and whether the success plan still matches their goals. "
           "Log the outcome on the renewal opportunity so the forecast stays honest.\n\n"
           "- Check product usage against the seats purchased\n- Note any risk signal in the account timeline\n")
JA_BODY = ("CRMでアカウントを開き、ヘルススコア、未解決のサポート問い合わせ、前回のQBRの議事録を確認します。"
           "決裁者が誰か、サクセスプランが顧客の目標と合っているかを確かめ、結果を更新商談に記録して予測を正確に保ちます。\n\n"
           "- 購入ライセンス数に対する利用状況を確認する\n- リスクの兆候をアカウントのタイムラインに残す\n")


def synthetic_playbook(index: int) -> dict:
    japanese = index % 2 == 1
    steps = []
    for s in range(8):
        r, a, c = ROLES[s % 6], ROLES[(s + 1) % 6], ROLES[(s + 2) % 6]
        steps.append({
            "id": f"step-{s + 1}",
            "title": (f"手順{s + 1}: 顧客の状況を確認する" if japanese else f"Step {s + 1}: review the account"),
            "owner": r,
            "raci": {"R": r, "A": a, "C": [c], "I": "cs-ops" if "cs-ops" not in (r, a, c) else "product"},
            "due": f"T-{120 - s * 15}d",
            "body": JA_BODY if japanese else EN_BODY,
            "checklist": (["ヘルススコアを確認した", "決裁者をCRMに登録した", "次回の打ち合わせを設定した"] if japanese else
                          ["Health score reviewed", "Economic buyer named in the CRM", "Next meeting booked"]),
        })
    return {
        "title": (f"更新プレイブック {index}" if japanese else f"Renewal playbook {index}"),
        "summary": ("更新に向けた標準手順です。" if japanese else "The standard procedure ahead of a renewal."),
        "phase": PHASES[index % len(PHASES)],
        "owner": "cs-ops",
        "tags": ["renewal", "synthetic"],
        "trigger": "契約終了の120日前" if japanese else "120 days before the contract ends.",
        "due_anchor": "契約終了日" if japanese else "contract end date",
        "steps": steps,
    }


def make_corpus(root: Path, n: int) -> Path:
    (root / "content/playbooks").mkdir(parents=True)
    shutil.copy(REPO / "content/roles.yml", root / "content/roles.yml")
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    for i in range(n):
        text = yaml.safe_dump(synthetic_playbook(i), allow_unicode=True, sort_keys=False)
        (root / f"content/playbooks/synthetic-{i:05d}.yml").write_text(text, encoding="utf-8")
    return root


def run_measured(command: list[str], cwd: Path) -> tuple[float, int, str]:
    """Run a command; return (wall seconds, peak RSS in MiB, output)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{output[-3000:]}")
    return elapsed, usage.ru_maxrss // 1024, output


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def plain_config(root: Path) -> Path:
    """The same Markdown extensions, default Material navigation (every page in the nav), search on."""
    ours = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8").replace("!!python/object/apply:pymdownx.slugs.slugify", ""))
    extensions = [e for e in ours["markdown_extensions"] if not (isinstance(e, dict) and "toc" in e)] + [{"toc": {"permalink": True}}]
    config = {"site_name": "Plain", "docs_dir": str(root / "plain-docs"), "site_dir": str(root / "plain-site"),
              "theme": {"name": "material"}, "plugins": ["search"], "markdown_extensions": extensions}
    path = root / "plain.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def bench(n: int, with_plain: bool = True) -> dict:
    with tempfile.TemporaryDirectory(prefix=f"csops-bench-{n}-") as tmp:
        root = make_corpus(Path(tmp), n)
        ours_s, ours_mb, output = run_measured([str(BIN / "csops"), "build", "--project", str(root), "--timings"], root)
        stages = {m[1]: float(m[2]) for m in re.finditer(r"^\s+([\w+ ()]+): ([\d.]+)s$", output, re.M)}
        pages = int(re.search(r"built (\d+) pages", output)[1])
        site_bytes = folder_size(root / "site")
        plain_s = plain_mb = plain_bytes = float("nan")
        if with_plain:
            shutil.copytree(root / "build/docs", root / "plain-docs")
            plain_s, plain_mb, _ = run_measured([str(BIN / "mkdocs"), "build", "-q", "-f", str(plain_config(root))], root)
            plain_bytes = folder_size(root / "plain-site")
    own = stages.get("load+validate", 0) + stages.get("render", 0) + stages.get("write", 0)
    return {"n": n, "pages": pages, "ours_s": ours_s, "ours_mb": ours_mb, "stages": stages, "own_share": own / ours_s,
            "site_mb": site_bytes / 2**20, "plain_s": plain_s, "plain_mb": plain_mb, "plain_site_mb": plain_bytes / 2**20,
            "ratio": ours_s / plain_s}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, action="append", help="number of playbooks (repeatable); default 100 and 1000")
    parser.add_argument("--no-plain", action="store_true",
                        help="skip the plain MkDocs build (it takes ~15 min at N=5000 because of the full navigation)")
    args = parser.parse_args()
    results = []
    for n in args.n or [100, 1000]:
        r = bench(n, with_plain=not args.no_plain)
        results.append(r)
        s = r["stages"]
        print(f"N={n:>5}  pages={r['pages']:>5}  csops build {r['ours_s']:6.1f}s  "
              f"(load+validate {s.get('load+validate', 0):.2f}s, render {s.get('render', 0):.2f}s, write {s.get('write', 0):.2f}s, "
              f"mkdocs {s.get('mkdocs', 0):.1f}s, link check {s.get('links', 0):.1f}s, index {s.get('index (in parallel)', 0):.1f}s alongside MkDocs; own stages {r['own_share']:.1%})  peak {r['ours_mb']} MiB  "
              f"site {r['site_mb']:.1f} MiB ({r['site_mb'] * 1024 / r['pages']:.0f} KiB/page)", flush=True)
        if args.no_plain:
            continue
        print(f"        plain mkdocs build {r['plain_s']:6.1f}s  peak {r['plain_mb']} MiB  site {r['plain_site_mb']:.1f} MiB  "
              f"-> csops/plain ratio {r['ratio']:.2f}x", flush=True)
    if len(results) > 1:
        a, b = results[-2], results[-1]
        growth = (b["ours_s"] / b["pages"]) / (a["ours_s"] / a["pages"])
        size_growth = (b["site_mb"] / b["pages"]) / (a["site_mb"] / a["pages"])
        print(f"time per page N={a['n']}->{b['n']}: x{growth:.2f}; site size per page: x{size_growth:.2f}")


if __name__ == "__main__":
    main()
