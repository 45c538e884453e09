"""Search benchmark: how well the real site's search finds what readers type, and what the index weighs.

1. Builds the real site (both languages and the search index, as `invoke build` does), serves it
   on 127.0.0.1 and types every query of the query set (tests/browser/search_queries.py: particles,
   compounds, spacing variants, names in both scripts, romanised names, one-letter typos) into the
   search page in Chromium; a query counts as found when its page is among the first five results.
2. Weighs each language's index as it is served: Pagefind's meta, index and fragment files (stored
   compressed) and the gzip copy of the suggestions list; the goal is under 150 KB per language.
3. At scale: writes the synthetic programme of `scale.py` (1,600 sessions by default), builds it
   without the search plugin, then indexes it twice, with and without the Korean analysis, and
   prints the time and the weight of both (`--quick`: a dozen sessions, for the smoke test).

Prints `search: queries=N found_top5=X index_kb=Y` (Y: the heavier language) and one line for the
scale; queries not found are listed above them.
"""

from __future__ import annotations

import argparse
import gzip
import logging
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT / "plugins"), str(ROOT / "tests" / "browser"), str(ROOT), str(BENCH)]

import synthetic  # noqa: E402  (bench/ is on the path)

POST_BUILD_PLUGINS = ("ssc_search", "ssc_publish", "ssc_theme")
SCALE_SIZE = synthetic.Size(10, 8, 20, 1000, 20, 3)  # 1,600 sessions
QUICK_SIZE = synthetic.Size(1, 3, 4, 10, 2, 3)


def index_bytes(bundle: Path) -> dict[str, int]:
    """Bytes each language's index is served as: its meta, index chunks, fragments, suggestions."""
    sizes: dict[str, int] = {}
    for path in [*bundle.glob("pagefind.*.pf_meta"), *bundle.glob("index/*"), *bundle.glob("fragment/*")]:
        if path.suffix == ".gz":
            continue
        lang = path.name.removeprefix("pagefind.").split("_")[0]
        sizes[lang] = sizes.get(lang, 0) + path.stat().st_size
    for path in bundle.glob("terms.*.json"):
        lang = path.name.split(".")[1]
        sizes[lang] = sizes.get(lang, 0) + len(gzip.compress(path.read_bytes(), mtime=0))
    return sizes


def run_real_site(work: Path) -> tuple[int, int, dict[str, int]]:
    """Build, serve and search the real site; returns (queries, found in the first five, bytes per language)."""
    from playwright.sync_api import sync_playwright
    from search_queries import run_queries

    from ssc_deploy.devserver import make_server
    from ssc_deploy.screenshots import CHROMIUM, CHROMIUM_ARGS
    from tasks import CONFIG, build_site

    started = time.perf_counter()
    output = build_site(work / "site", settings_file=CONFIG["settings_base"], content=ROOT / "content")
    print(f"  real site built in {time.perf_counter() - started:.1f} s", flush=True)
    server = make_server(output, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_port}"
    total = found = 0
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            for lang, prefix in (("ko", ""), ("en", "/en")):
                page = browser.new_page()
                page.goto(f"{origin}{prefix}/search/")
                started = time.perf_counter()
                results = run_queries(page, prefix, lang)
                elapsed = time.perf_counter() - started
                for query, expected, paths in results:
                    total += 1
                    if expected in paths:
                        found += 1
                    else:
                        print(f"  not in the first five ({lang}): {query!r} -> {expected}; got {paths}")
                print(
                    f"  {lang}: {len(results)} queries in {elapsed:.1f} s "
                    f"({1000 * elapsed / len(results):.0f} ms each, typed and shown)",
                    flush=True,
                )
                page.close()
            browser.close()
    finally:
        server.shutdown()
    return total, found, index_bytes(output / "pagefind")


def run_scale(work: Path, size: synthetic.Size) -> None:
    """Index the synthetic programme with and without the Korean analysis; print time and weight."""
    from pelican.settings import read_settings

    from ssc_deploy.project import CONFIG, run_pelican
    from ssc_search.indexing import BUNDLE_DIR, PagePreparer, build_index

    content = work / "scale" / "content"
    n_files = synthetic.write_content(synthetic.make_programme(size), content)
    plugins = [p for p in read_settings(str(CONFIG["settings_base"]))["PLUGINS"] if p not in POST_BUILD_PLUGINS]
    output = work / "scale" / "output"
    started = time.perf_counter()
    if not run_pelican(CONFIG["settings_base"], output, content, {"PLUGINS": plugins}):
        raise SystemExit("search.py: the scale build failed")
    pages = sum(1 for _ in output.rglob("*.html"))
    print(
        f"  scale: {size.n_sessions} sessions, {n_files} Markdown files, {pages} pages built in "
        f"{time.perf_counter() - started:.1f} s",
        flush=True,
    )
    figures = {}
    for label, analysed in (("plain", False), ("analysed", True)):
        shutil.rmtree(output / BUNDLE_DIR, ignore_errors=True)
        started = time.perf_counter()
        preparer = PagePreparer(output) if analysed else None
        build_index(output, preparer)
        if preparer:
            preparer.write_terms(output / BUNDLE_DIR)
        elapsed = time.perf_counter() - started
        sizes = index_bytes(output / BUNDLE_DIR)
        figures[label] = (elapsed, sizes)
        print(
            f"  scale {label}: indexed in {elapsed:.1f} s; "
            + ", ".join(f"{lang} {b / 1024:.0f} KB" for lang, b in sorted(sizes.items())),
            flush=True,
        )
    plain, analysed = figures["plain"][1], figures["analysed"][1]
    print(
        f"search-scale: sessions={size.n_sessions} pages={pages} "
        f"index_kb_ko={analysed.get('ko', 0) / 1024:.0f} plain_kb_ko={plain.get('ko', 0) / 1024:.0f} "
        f"growth_ko={analysed.get('ko', 0) / max(1, plain.get('ko', 0)):.2f} "
        f"index_kb_en={analysed.get('en', 0) / 1024:.0f} "
        f"index_s={figures['analysed'][0]:.1f} plain_s={figures['plain'][0]:.1f}"
    )


def main(argv: list[str]) -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a small synthetic programme for the scale part")
    parser.add_argument("--no-scale", action="store_true", help="only the real site")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    work = Path(tempfile.mkdtemp(prefix="ssc-search-bench-"))
    try:
        total, found, sizes = run_real_site(work)
        for lang, size in sorted(sizes.items()):
            print(f"  {lang} index: {size / 1024:.1f} KB")
        if not args.no_scale:
            run_scale(work, QUICK_SIZE if args.quick else SCALE_SIZE)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"search: queries={total} found_top5={found} index_kb={max(sizes.values()) / 1024:.0f}")


if __name__ == "__main__":
    main(sys.argv[1:])
