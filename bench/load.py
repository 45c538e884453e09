"""Load benchmark: the published build, served by the real nginx, driven by `wrk`.

Builds the site with `publishconf.py` (or takes `--site DIR`, e.g. the CI artifact `dist/`),
starts nginx with the shipped configuration on 127.0.0.1 (a free port; nothing else is
contacted) and runs Debian's `wrk` at several concurrencies. Every request asks for gzip, as
browsers do, and the paths rotate through every page of both languages (the Korean site and
`/en/`), so the mix is the site's own. Each run is bounded in time (`--seconds`) and in
requests (`--max-requests` per connection-thread); it prints requests per second, the median
and the 99th-percentile latency, and counts answers that were not 200.

Run from the project's root with its virtualenv:

    python bench/load.py                      # 1, 8, 32 and 128 connections, 5 s each
    python bench/load.py --quick              # a smoke run (tests/test_load.py runs it)
    python bench/load.py --site dist --connections 16 64 --seconds 10

Numbers from one machine are only comparable with themselves: a run on a laptop says how much
headroom one nginx has, not what a CDN in front of it would carry.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "plugins"))

from ssc_deploy import nginx  # noqa: E402

SUBPATH = "/ssc2020"

# wrk's Lua hooks: rotate through the paths, stop a thread after its share of requests, and
# report the figures as one JSON line (wrk's own table rounds and varies its units).
LUA = r"""
local paths = {}
for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
local max_requests = %(max_requests)d
local counter, done_here = 0, 0

function setup(thread)
  thread:set("offset", math.random(#paths))
end

function init(args)
  counter = tonumber(offset) or 0
  wrk.headers["Accept-Encoding"] = "gzip"
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end

function response(status, headers, body)
  done_here = done_here + 1
  if max_requests > 0 and done_here >= max_requests then wrk.thread:stop() end
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p99_us": %%d, "non_2xx": %%d, "socket_errors": %%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    errors.status, errors.connect + errors.read + errors.write + errors.timeout))
end
"""


@dataclass
class Result:
    """One wrk run at one concurrency."""

    connections: int
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int
    capped: bool = False  # the request bound ended it early: wrk still counts the whole time

    @property
    def per_second(self) -> float:
        """Requests per second over the run (a lower bound when `capped`)."""
        return self.requests / self.seconds if self.seconds else 0.0


def page_paths(site: Path) -> list[str]:
    """The address of every page of the build, both languages, sorted (e.g. `/ssc2020/en/timetable/`)."""
    paths = []
    for page in sorted(site.rglob("index.html")):
        rel = page.relative_to(site).as_posix().removesuffix("index.html")
        if rel.split("/", 1)[0] != "pagefind":
            paths.append(f"{SUBPATH}/{rel}")
    return paths


def build_published(into: Path) -> Path:
    """Build the site with publishconf.py into `into` (through the project's build task)."""
    from invoke import Context

    import tasks

    tasks.build(Context(), publish=True, output=str(into))
    return into


def run_wrk(
    base_url: str, paths_file: Path, *, connections: int, seconds: float, max_requests: int, workdir: Path
) -> Result:
    """One bounded wrk run; returns its figures."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("bench/load.py needs wrk (Debian: apt-get install wrk)")
    script = workdir / "mix.lua"
    script.write_text(LUA % {"paths": paths_file, "max_requests": max_requests}, encoding="utf-8")
    threads = max(1, min(2, connections))
    cmd = [
        wrk,
        "--threads",
        str(threads),
        "--connections",
        str(connections),
        "--duration",
        f"{seconds:g}s",
        "--timeout",
        "5s",
        "--script",
        str(script),
        base_url,
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 30, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith('{"requests"')]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
    data = json.loads(lines[-1])
    return Result(
        connections,
        data["requests"],
        data["duration_us"] / 1e6,
        data["p50_us"] / 1000,
        data["p99_us"] / 1000,
        data["non_2xx"],
        data["socket_errors"],
        capped=max_requests > 0 and data["requests"] >= threads * max_requests,
    )


def serve_and_measure(site: Path, *, connections: list[int], seconds: float, max_requests: int) -> list[Result]:
    """Start nginx on `site` (127.0.0.1, a free port), run wrk at each concurrency, stop nginx."""
    with tempfile.TemporaryDirectory(prefix="ssc-load-") as tmp:
        work = Path(tmp)
        paths = page_paths(site)
        if not paths:
            raise SystemExit(f"{site} has no pages")
        paths_file = work / "paths.txt"
        paths_file.write_text("\n".join(paths) + "\n", encoding="utf-8")
        port = nginx.free_port()
        conf = nginx.prepare(root=site, prefix=work / "nginx", port=port)
        # No access log (writing it would be measured too), and room for more connections than the
        # small local runner's 128: only the `location` blocks go to production, whose own
        # `events { }` sets its limit. The locations, headers and files are the shipped ones.
        text = conf.read_text(encoding="utf-8")
        for old, new in (
            (f"access_log {work / 'nginx'}/access.log;", "access_log off;"),
            ("worker_connections 128;", "worker_connections 1024;"),
        ):
            if old not in text:
                raise SystemExit(f"deploy/nginx.conf.template changed: {old!r} not found")
            text = text.replace(old, new)
        conf.write_text(text, encoding="utf-8")
        process = subprocess.Popen(
            nginx.command(conf, work / "nginx"), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        try:
            nginx.wait_for_port("127.0.0.1", port, process)
            base = f"http://127.0.0.1:{port}"
            return [
                run_wrk(base, paths_file, connections=n, seconds=seconds, max_requests=max_requests, workdir=work)
                for n in connections
            ]
        finally:
            process.terminate()
            process.wait(timeout=10)


def report(results: list[Result], pages: int) -> str:
    """The figures as a table."""
    lines = [
        f"{pages} pages (both languages), gzip accepted, nginx on 127.0.0.1",
        f"{'connections':>11} {'requests':>9} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'not 200':>8}",
    ]
    for r in results:
        rate = (">=" if r.capped else "") + f"{r.per_second:.0f}"
        lines.append(
            f"{r.connections:>11} {r.requests:>9} {rate:>9} {r.p50_ms:>8.2f} {r.p99_ms:>8.2f} "
            f"{r.non_2xx + r.socket_errors:>8}"
        )
    if any(r.capped for r in results):
        lines.append(">= : the run reached --max-requests before its time was up; the rate is at least this.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns 1 when any request failed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, help="a built site (publishconf.py) to serve instead of building one")
    parser.add_argument("--connections", type=int, nargs="+", default=[1, 8, 32, 128])
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each run (default 5)")
    parser.add_argument(
        "--max-requests", type=int, default=200_000, help="stop a wrk thread after this many answers (default 200000)"
    )
    parser.add_argument("--quick", action="store_true", help="1 and 8 connections, 1 s each, at most 50,000 requests")
    args = parser.parse_args(argv)
    if args.quick:
        args.connections, args.seconds, args.max_requests = [1, 8], 1.0, 50_000
    if nginx.nginx_binary() is None:
        raise SystemExit("bench/load.py needs nginx (Debian: apt-get install nginx)")
    with tempfile.TemporaryDirectory(prefix="ssc-load-site-") as tmp:
        site = args.site.absolute() if args.site else build_published(Path(tmp) / "site")
        results = serve_and_measure(
            site, connections=args.connections, seconds=args.seconds, max_requests=args.max_requests
        )
        print(report(results, len(page_paths(site))))
    return 1 if any(r.non_2xx or r.socket_errors for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
