#!/usr/bin/env python3
"""Set up and run the project on a machine that has only Python 3.11 or newer.

    python3 make.py build         create or update .venv from requirements.txt, then `invoke build`
    python3 make.py test [ARGS]   the same .venv (and `npm ci` when needed), then `pytest ARGS`
                                  (on every core, with pytest-xdist, unless ARGS say -n or -p no:xdist)
    python3 make.py TASK [ARGS]   any other task, e.g. `python3 make.py preview`
    python3 make.py TASK --help   what a task does and its options

The virtual environment is (re)installed only when requirements.txt changed since the last
install: a hash of it is kept in .venv. `check` alone, in an environment not installed from
requirements.txt (a fresh CI job), installs only requirements-check.txt: seconds, not minutes.
Only the standard library is used here.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
REQUIREMENTS = ROOT / "requirements.txt"
CHECK_REQUIREMENTS = ROOT / "requirements-check.txt"
TASKS = ROOT / "tasks.py"
BINARY = "python3 make.py"
IN_VENV = "--in-venv"  # make.py started again inside .venv, to run a task with invoke
STAMP_NAME = "requirements.sha256"
PLUGINS_PATH_FILE = "ssc2020-plugins.pth"
NPM_STAMP_NAME = ".package-lock.sha256"
NEEDS_NODE_MODULES = ("test", "edit")
"""Tasks that run npm packages: the tests, and the editor's local backend (decap-server)."""
MIN_PYTHON = (3, 11)


def file_hash(*paths: Path) -> str:
    """SHA-256 over the contents of `paths` (in order), hex."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def venv_python(venv_dir: Path = VENV) -> Path:
    """The interpreter inside the virtual environment."""
    if os.name == "nt":
        return venv_dir / "Scripts" / "python.exe"
    return venv_dir / "bin" / "python"


def venv_is_current(venv_dir: Path = VENV, requirements: Path = REQUIREMENTS) -> bool:
    """True when the environment exists and was installed from this very requirements.txt."""
    stamp = venv_dir / STAMP_NAME
    return (
        venv_python(venv_dir).exists()
        and stamp.is_file()
        and stamp.read_text(encoding="utf-8").strip() == file_hash(requirements)
    )


def ensure_venv(venv_dir: Path = VENV, requirements: Path = REQUIREMENTS) -> Path:
    """Create or update the environment when needed; return its interpreter.

    An existing environment is updated in place (pip installs the pins) rather than deleted:
    other commands may be using it. The stamp is written last, so an interrupted install is
    simply run again next time.
    """
    python = venv_python(venv_dir)
    if venv_is_current(venv_dir, requirements):
        return python
    if not python.exists():
        print(f"make.py: creating {venv_dir.name} ...", flush=True)
        venv.EnvBuilder(with_pip=True, clear=False).create(venv_dir)
    print(f"make.py: installing {requirements.name} ...", flush=True)
    run([str(python), "-m", "pip", "install", "--disable-pip-version-check", "--quiet", "-r", str(requirements)])
    (venv_dir / STAMP_NAME).write_text(file_hash(requirements) + "\n", encoding="utf-8")
    return python


def install_plugins(venv_dir: Path = VENV, root: Path = ROOT) -> Path:
    """Make the project's plugins (`plugins/`: ssc_forum, ssc_deploy, ...) importable in the environment.

    A `.pth` file in its site-packages names the folder, which is what an editable install of the
    packages there amounts to, with no build backend to fetch: the tasks, the tests and Pelican's
    processes import the plugins as installed packages, and no code edits the import path. Written on
    every run when it names another folder (a moved checkout), so it is never stale.
    """
    site = next(iter(sorted(venv_dir.glob("lib/python3*/site-packages"))), venv_dir / "Lib" / "site-packages")
    pth = site / PLUGINS_PATH_FILE
    line = f"{root / 'plugins'}\n"
    if not pth.is_file() or pth.read_text(encoding="utf-8") != line:
        site.mkdir(parents=True, exist_ok=True)
        pth.write_text(line, encoding="utf-8")
    return pth


def requirements_for(
    task: str, venv_dir: Path = VENV, requirements: Path = REQUIREMENTS, check_requirements: Path = CHECK_REQUIREMENTS
) -> Path:
    """The requirements file `task` needs: the content check's own small one, unless .venv has everything."""
    if task == "check" and check_requirements.is_file() and not venv_is_current(venv_dir, requirements):
        return check_requirements
    return requirements


def node_modules_stale(root: Path = ROOT) -> bool:
    """True when package.json and its lock exist and node_modules was not installed from this lock."""
    package, lock = root / "package.json", root / "package-lock.json"
    if not (package.is_file() and lock.is_file()):
        return False
    stamp = root / "node_modules" / NPM_STAMP_NAME
    return not (stamp.is_file() and stamp.read_text(encoding="utf-8").strip() == file_hash(package, lock))


def ensure_node_modules(root: Path = ROOT) -> None:
    """Run `npm ci` when node_modules is missing or older than package-lock.json."""
    if not node_modules_stale(root):
        return
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("make.py: package.json needs npm (Node.js 20 or newer); install it first.")
    # Packages that would download a browser of their own: the tests use the system's.
    env = {**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "1", "CHROMEDRIVER_SKIP_DOWNLOAD": "true"}
    print("make.py: npm ci ...", flush=True)
    run([npm, "ci", "--no-audit", "--no-fund"], env=env)
    stamp = root / "node_modules" / NPM_STAMP_NAME
    stamp.write_text(file_hash(root / "package.json", root / "package-lock.json") + "\n", encoding="utf-8")


def call(cmd: list[str], env: dict[str, str] | None = None) -> int:
    """Run a command in the project folder until it has stopped; return its exit status.

    The command runs in a process group of its own, and SIGINT (Ctrl+C) or SIGTERM sent to
    this process is passed on to that whole group (the task and whatever it started, such as
    Pelican), so nothing goes on working after `make.py` returned. This process waits for the
    command to stop and then returns its status; a command ended by a signal gives 128 + its
    number, as a shell reports it.
    """
    forwardable = (signal.SIGINT, signal.SIGTERM)
    pending: list[int] = []

    def forward(signum: int, _frame: object) -> None:
        if child is None:
            pending.append(signum)
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signum)

    child: subprocess.Popen[bytes] | None = None
    saved = {sig: signal.signal(sig, forward) for sig in forwardable}
    try:
        # A signal that arrives before the child exists is passed on as soon as it does.
        child = subprocess.Popen(cmd, cwd=ROOT, env=env, process_group=0)
        for signum in pending:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signum)
        code = child.wait()
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
    return 128 - code if code < 0 else code


def run(cmd: list[str], env: dict[str, str] | None = None) -> None:
    """Run a command in the project folder; stop with its exit code if it fails."""
    code = call(cmd, env=env)
    if code != 0:
        sys.exit(code)


def task_summaries(tasks_file: Path = TASKS) -> list[tuple[str, str]]:
    """Every task in tasks.py as (name as typed, first sentence of its docstring), in file order.

    Read from the source rather than imported, so that `--help` works before .venv exists.
    """
    tree = ast.parse(tasks_file.read_text(encoding="utf-8"))
    found: list[tuple[str, str]] = []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        decorators = [d.func if isinstance(d, ast.Call) else d for d in node.decorator_list]
        if not any(isinstance(d, ast.Name) and d.id == "task" for d in decorators):
            continue
        first_paragraph = (ast.get_docstring(node) or "").strip().split("\n\n", 1)[0]
        summary = " ".join(first_paragraph.split())
        found.append((node.name.replace("_", "-"), summary.split(". ", 1)[0].rstrip(".") + "."))
    return found


def usage(tasks_file: Path = TASKS) -> str:
    """What `python3 make.py --help` prints: how to call it and every task, one line each."""
    lines = [(__doc__ or "").strip(), "", "Tasks:"]
    summaries = task_summaries(tasks_file)
    width = max((len(name) for name, _ in summaries), default=0)
    lines += [f"  {name.ljust(width)}  {summary}" for name, summary in summaries]
    lines += ["", f"A task's options: {BINARY} TASK --help   (e.g. {BINARY} new --help)"]
    return "\n".join(lines)


def run_task(argv: list[str]) -> int:
    """Run one task with invoke, inside .venv, its help naming `python3 make.py TASK`."""
    import importlib.util

    from invoke import Collection, Program

    # Read by path, as invoke itself finds it (only here: tasks.py needs the packages of .venv).
    spec = importlib.util.spec_from_file_location("tasks", TASKS)
    assert spec is not None and spec.loader is not None
    tasks = importlib.util.module_from_spec(spec)
    sys.modules["tasks"] = tasks
    spec.loader.exec_module(tasks)

    class _Program(Program):
        def print_task_help(self, name: str) -> None:
            # invoke's own header reads "inv[oke] [--core-opts] TASK": not what an editor types.
            import io
            from contextlib import redirect_stdout

            buffer = io.StringIO()
            with redirect_stdout(buffer):
                super().print_task_help(name)
            text = buffer.getvalue().split("\n", 1)[1]
            options = " [options]" if self.parser.contexts[name].help_tuples() else ""
            print(f"Usage: {BINARY} {name}{options}\n{text}", end="")

    program = _Program(namespace=Collection.from_module(tasks), binary=BINARY, name="make.py", version="")
    try:
        program.run([BINARY, *argv], exit=True)
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    return 0


def invoke_args(task: str, args: list[str]) -> list[str]:
    """invoke's arguments for `make.py TASK ARGS`.

    `TASK --help` (or `-h`) becomes `--help TASK`: invoke would otherwise take `--help` as
    the task's own argument and fail on a task with a required one (`new` needs `--kind`).
    """
    if "--help" in args or "-h" in args:
        return ["--help", task]
    return [task, *args]


# Options after which the run stays in one process: the caller chose the workers, or debugs.
_OWN_PROCESS_OPTIONS = ("-n", "--numprocesses", "--dist", "--pdb", "--trace")


def worker_count() -> int:
    """How many pytest-xdist workers `make.py test` starts: one per core this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def pytest_args(args: list[str], workers: int | None = None) -> list[str]:
    """pytest's arguments for `make.py test ARGS`: ARGS, run on every core unless they say otherwise.

    Most tests keep one core busy at a time (a build, a page in Chromium), so by default the
    suite runs in pytest-xdist workers, one per core (`--dist loadgroup`: tests marked with one
    `xdist_group` share a worker and so its expensive fixtures). ARGS that choose the workers
    (`-n`, `--dist`, `-p no:xdist`) or debug (`--pdb`, `--trace`) are passed on alone, and so
    is everything on a single core.
    """
    workers = worker_count() if workers is None else workers
    chosen = any(arg.split("=")[0] in _OWN_PROCESS_OPTIONS or arg.startswith("-n") for arg in args)
    no_xdist = any(a == "no:xdist" or a == "-pno:xdist" for a in args)
    if chosen or no_xdist or workers < 2:
        return list(args)
    return ["-n", str(workers), "--dist", "loadgroup", *args]


def main(argv: list[str]) -> int:
    """Entry point: `build`, `test` or any invoke task, with its arguments."""
    if sys.version_info < MIN_PYTHON:
        sys.exit(f"make.py: Python {'.'.join(map(str, MIN_PYTHON))} or newer is needed.")
    if argv and argv[0] == IN_VENV:
        return run_task(argv[1:])
    if not argv or argv[0] in ("-h", "--help", "help", "--list", "-l"):
        print(usage())
        return 0
    task, args = argv[0], argv[1:]
    python = ensure_venv(requirements=requirements_for(task))
    install_plugins()
    if task in NEEDS_NODE_MODULES:
        ensure_node_modules()
    if task == "test":
        return call([str(python), "-m", "pytest", *pytest_args(args)])
    return call([str(python), str(ROOT / "make.py"), IN_VENV, *invoke_args(task, args)])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
