"""Run nginx with the shipped configuration as an ordinary process, for tests and by hand."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf.template"
TEMP_DIRS = ("body", "proxy", "fastcgi", "uwsgi", "scgi")


def nginx_binary() -> str | None:
    """Where nginx is installed (Debian puts it in /usr/sbin, often not on a user's PATH)."""
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin:/usr/local/nginx/sbin")


def render_config(*, root: Path, prefix: Path, port: int, host: str = "127.0.0.1") -> str:
    """The configuration from the template, serving `root` at /ssc2020/ on `host:port`.

    Run as root, nginx hands requests to workers of an unprivileged user that may not be able to
    read a private build directory; for this local, loopback-only server the workers stay root.
    """
    user_line = "user root;" if hasattr(os, "geteuid") and os.geteuid() == 0 else "# (not root: no user switch)"
    values = {
        "USER_LINE": user_line,
        "PREFIX": str(prefix.absolute()),
        "ROOT": str(root.absolute()).rstrip("/"),
        "LISTEN": f"{host}:{port}",
        "DEPLOY": str(TEMPLATE.parent),
    }
    text = TEMPLATE.read_text(encoding="utf-8")
    for name, value in values.items():
        text = text.replace(f"@@{name}@@", value)
    return text


def prepare(*, root: Path, prefix: Path, port: int, host: str = "127.0.0.1") -> Path:
    """Write the configuration and the directories nginx needs under `prefix`; return the config file."""
    for name in TEMP_DIRS:
        (prefix / "tmp" / name).mkdir(parents=True, exist_ok=True)
    conf = prefix / "nginx.conf"
    conf.write_text(render_config(root=root, prefix=prefix, port=port, host=host), encoding="utf-8")
    return conf


def command(conf: Path, prefix: Path) -> list[str]:
    """The command line that runs nginx in the foreground with `conf`."""
    binary = nginx_binary()
    if binary is None:
        raise FileNotFoundError("nginx is not installed (Debian/Ubuntu: apt-get install nginx)")
    # -e: the start-up error log too goes under the prefix, not to /var/log/nginx.
    return [binary, "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log")]


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def wait_for_port(host: str, port: int, process: subprocess.Popen, timeout: float = 10.0) -> None:
    """Return once `host:port` accepts connections; raise if the process dies or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited with {process.returncode}")
        try:
            with socket.create_connection((host, port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nginx did not listen on {host}:{port} within {timeout} s")
