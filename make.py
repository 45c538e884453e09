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
import difflib
import functools
import hashlib
import importlib.util
import os
import re
import shutil
import signal
import subprocess
import sys
import venv
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

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
MESSAGES = ROOT / "plugins" / "ssc_forum" / "messages.py"
"""The editors' messages (language, catalogue): a file of the standard library only, read by path here."""
HELP_OPTIONS = ("-h", "--help", "help", "--list", "-l")


@functools.cache
def _messages() -> ModuleType:
    """`ssc_forum.messages`, loaded from its file: importing the package would need Pelican, not installed yet."""
    spec = importlib.util.spec_from_file_location("ssc_editor_messages", MESSAGES)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


def tr(msgid: str, **params: object) -> str:
    """A line of make.py's own in the editor's language (Korean by default), `{name}` fields filled in."""
    return _messages().tr(msgid, **params).render()


def tr_help(msgid: str, **params: object) -> str:
    """A line of the help (the help catalogue), as `tr`."""
    return _messages().tr_help(msgid, **params).render()


def use_language(args: list[str]) -> list[str]:
    """Print make.py's lines (and the task's) in the language `--lang ko|en` (or `--lang=…`) names, if any.

    The choice reaches the task's process as SSC_LANG, which the editors' messages read first, so
    that a mistake on the command line is told in that language too. Returned: `args` without
    it, for a help call (invoke would take `--lang` for an option of `--help`).
    """
    rest: list[str] = []
    chosen: str | None = None
    items = iter(args)
    for arg in items:
        if arg == "--lang":
            chosen = next(items, None)
        elif arg.startswith("--lang="):
            chosen = arg.split("=", 1)[1]
        else:
            rest.append(arg)
    if chosen is None or chosen not in _messages().LANGUAGES:
        return args
    os.environ[_messages().LANGUAGE_VARIABLE] = chosen
    return rest


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
        print("make.py: " + tr("creating {folder} ...", folder=venv_dir.name), flush=True)
        venv.EnvBuilder(with_pip=True, clear=False).create(venv_dir)
    print("make.py: " + tr("installing {file} ...", file=requirements.name), flush=True)
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
        sys.exit("make.py: " + tr("package.json needs npm (Node.js 20 or newer); install it first."))
    # Packages that would download a browser of their own: the tests use the system's.
    env = {**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "1", "CHROMEDRIVER_SKIP_DOWNLOAD": "true"}
    print("make.py: " + tr("installing the npm packages (npm ci) ..."), flush=True)
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


def task_docstrings(tasks_file: Path = TASKS) -> list[tuple[str, str]]:
    """Every task in tasks.py as (name as typed, its docstring), in file order.

    Read from the source rather than imported, so that it works before .venv exists.
    """
    tree = ast.parse(tasks_file.read_text(encoding="utf-8"))
    found: list[tuple[str, str]] = []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        decorators = [d.func if isinstance(d, ast.Call) else d for d in node.decorator_list]
        if any(isinstance(d, ast.Name) and d.id == "task" for d in decorators):
            found.append((node.name.replace("_", "-"), ast.get_docstring(node) or ""))
    return found


def task_summaries(tasks_file: Path = TASKS) -> list[tuple[str, str]]:
    """Every task as (name as typed, first paragraph of its docstring in the editor's language)."""
    messages = _messages()
    return [
        (name, messages.gettext((messages.paragraphs(doc) or [""])[0], domain=messages.HELP_DOMAIN))
        for name, doc in task_docstrings(tasks_file)
    ]


def usage(tasks_file: Path = TASKS) -> str:
    """What `python3 make.py --help` prints: how to call it and every task, one line each."""
    width = _messages().display_width
    commands = [
        (f"{BINARY} build", tr_help("create or update .venv from requirements.txt, then build the site")),
        (f"{BINARY} test " + tr_help("[ARGS]"), tr_help("the same .venv (and `npm ci` when needed), then every test")),
        (
            f"{BINARY} " + tr_help("TASK [ARGS]"),
            tr_help("any other task, e.g. `{example}`", example=f"{BINARY} preview"),
        ),
        (f"{BINARY} " + tr_help("TASK") + " --help", tr_help("what a task does and its options")),
    ]
    column = max(width(command) for command, _ in commands)
    columns = max(shutil.get_terminal_size().columns - 1, 40)
    wrap = _messages().wrap
    lines = [*wrap(tr_help("Set up and run the project on a machine that has only Python 3.11 or newer."), columns), ""]
    lines += [f"    {command}{' ' * (column - width(command))}   {what}" for command, what in commands]
    venv_note = tr_help(
        "The virtual environment (.venv) is installed again only when requirements.txt changed since the last "
        "install; `check` alone installs only requirements-check.txt, in seconds."
    )
    lines += ["", *wrap(venv_note, columns), "", tr_help("Tasks:")]
    summaries = task_summaries(tasks_file)
    column = max((len(name) for name, _ in summaries), default=0)
    room = max(shutil.get_terminal_size().columns - column - 5, 30)
    for name, summary in summaries:
        first, *more = wrap(summary, room) or [""]
        lines += [f"  {name.ljust(column)}  {first}", *(" " * (column + 4) + line for line in more)]
    lines += [
        "",
        tr_help(
            "A task's options: {command}   (e.g. {example})",
            command=f"{BINARY} {tr_help('TASK')} --help",
            example=f"{BINARY} new --help",
        ),
    ]
    if _messages().current_language() != "en":
        lines.append(tr_help("In English: add --lang en, or set LANG=en_GB.UTF-8."))
    return "\n".join(lines)


def explain_parse_error(text: str, task: str, options: list[str]) -> str:
    """invoke's refusal of a task's command line (English, in its own terms) as a line for the editor.

    `options` are the task's own, as typed (`--kind`); a misspelt one gets the close one named.
    """
    command = f"{BINARY} {task} --help"
    if found := re.fullmatch(r"No idea what '(.+)' is!", text):
        token = found.group(1)
        if not token.startswith("-"):
            return tr(
                "{task}: {token!r} is not understood here. `{command}` lists its options.",
                task=task,
                token=token,
                command=command,
            )
        close = difflib.get_close_matches(token.split("=", 1)[0], options, n=1)
        hint = tr(" (did you mean {meant!r}?)", meant=close[0]) if close else ""
        return tr(
            "{task}: there is no option {option}{hint}. `{command}` lists its options.",
            task=task,
            option=token,
            hint=hint,
            command=command,
        )
    if found := re.fullmatch(r"'.+' did not receive required positional arguments: (.+)", text):
        needed = ", ".join("--" + name.replace("_", "-") for name in re.findall(r"'([^']+)'", found.group(1)))
        return tr("{task} needs {options}. `{command}` explains them.", task=task, options=needed, command=command)
    if found := re.fullmatch(r"Flag <Argument: (\w+)[^>]*> needed value and was not given one!", text):
        option = "--" + found.group(1).replace("_", "-")
        return tr("{option} needs a value after it. `{command}` explains it.", option=option, command=command)
    if found := re.fullmatch(r"invalid literal for int\(\) with base 10: (.+)", text):
        return tr(
            "{value} is not a number; write digits only. `{command}` explains the options.",
            value=found.group(1),
            command=command,
        )
    return text


def run_task(argv: list[str]) -> int:
    """Run one task with invoke, inside .venv, its help naming `python3 make.py TASK` in the editor's language."""
    import inspect

    from invoke import Collection, ParseError, Program

    # Read by path, as invoke itself finds it (only here: tasks.py needs the packages of .venv).
    spec = importlib.util.spec_from_file_location("tasks", TASKS)
    assert spec is not None and spec.loader is not None
    tasks = importlib.util.module_from_spec(spec)
    sys.modules["tasks"] = tasks
    spec.loader.exec_module(tasks)
    from ssc_forum import messages

    class _Program(Program):
        def parse_tasks(self) -> None:
            # invoke says a mistake on the command line in English (and a wrong number as a traceback).
            try:
                super().parse_tasks()
            except (ParseError, ValueError) as error:
                task = self.core.unparsed[0] if self.core.unparsed else ""
                context = self.parser.contexts.get(task)
                options = [flag for flag in (context.flags if context else {}) if flag.startswith("--")]
                raise ParseError(explain_parse_error(str(error), task, options)) from None

        def print_task_help(self, name: str) -> None:
            # invoke's own reads "Usage: inv[oke] [--core-opts] TASK" and "Docstring:", in English.
            tuples = self.parser.contexts[name].help_tuples()
            options = tr_help(" [options]") if tuples else ""
            print(tr_help("Usage: {command}", command=f"{BINARY} {name}{options}"), end="\n\n")
            print(tr_help("What it does:"))
            for line in messages.docstring(inspect.getdoc(self.collection[name])).splitlines():
                print(f"{self.leading_indent}{line}" if line.strip() else "")
            print("\n" + tr_help("Options:"))
            if tuples:
                self.print_columns(tuples)
            else:
                print(self.leading_indent + tr_help("none"), end="\n\n")

        def print_columns(self, tuples: Sequence[tuple[str, str | None]]) -> None:
            # invoke wraps with textwrap, which counts a Korean syllable as one column of the two it takes,
            # and names an option's value by its type; a Korean reader gets the word in Korean.
            words = {"STRING": tr_help("STRING"), "INT": tr_help("INT")}
            tuples = [(re.sub(r"\b(STRING|INT)\b", lambda m: words[m.group(1)], spec), text) for spec, text in tuples]
            width = messages.display_width
            name_width = max(width(spec) for spec, _ in tuples)
            indent = self.leading_indent + " " * (name_width + self.col_padding)
            room = shutil.get_terminal_size().columns - len(indent) - 1
            for spec, help_text in tuples:
                chunks = messages.wrap(help_text or "", max(room, 30)) or [""]
                padding = " " * (name_width + self.col_padding - width(spec))
                print((self.leading_indent + spec + padding + chunks[0]).rstrip())
                for chunk in chunks[1:]:
                    print(indent + chunk)
            print("")

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
        version = ".".join(map(str, MIN_PYTHON))
        try:  # the messages' file may not even load on a Python this old: then in English
            said = tr(
                "Python {version} or newer is needed; this is Python {found}.",
                version=version,
                found=".".join(map(str, sys.version_info[:3])),
            )
        except Exception:
            said = f"Python {version} or newer is needed."
        sys.exit("make.py: " + said)
    if argv and argv[0] == IN_VENV:
        return run_task(argv[1:])
    if not argv or argv[0] in HELP_OPTIONS:
        use_language(argv[1:])
        print(usage())
        return 0
    task, args = argv[0], argv[1:]
    without_lang = use_language(args)
    if "--help" in args or "-h" in args:
        args = without_lang
    names = ["test", *(name for name, _ in task_docstrings())]
    if task not in names:  # said at once, before minutes of installing
        close = difflib.get_close_matches(task, names, n=1)
        hint = tr(" (did you mean {meant!r}?)", meant=close[0]) if close else ""
        sys.exit(
            "make.py: "
            + tr(
                "there is no task {name!r}{hint}. `{command}` lists them.",
                name=task,
                hint=hint,
                command=f"{BINARY} --help",
            )
        )
    python = ensure_venv(requirements=requirements_for(task))
    install_plugins()
    if task in NEEDS_NODE_MODULES:
        ensure_node_modules()
    if task == "test":
        return call([str(python), "-m", "pytest", *pytest_args(args)])
    return call([str(python), str(ROOT / "make.py"), IN_VENV, *invoke_args(task, args)])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
