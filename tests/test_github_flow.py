"""The example workflows, run for real against the emulator, a bare "remote" and a fake ``gh``.

A small runner plays a workflow job the way GitHub's runner does, step by step,
from the YAML itself (so an edit to a workflow is what gets tested): ``if:``
conditions with the implicit ``success()``, ``continue-on-error``, ``env`` at
workflow, job and step level, ``${{ }}`` expressions, the composite action's
steps and outputs, and per-step ``GITHUB_OUTPUT`` / ``GITHUB_STEP_SUMMARY`` /
``GITHUB_PATH`` files. Shell steps run in ``bash -eo pipefail`` as on a runner,
with no git identity and without pxl10n on PATH until the action puts it there.

Stand-ins, and only these:
- ``actions/checkout``: a fetch of the ref from the bare remote, shallow unless
  ``fetch-depth: 0``, as the real action does; for a pull request the ref is
  ``refs/pull/7/merge``, the head merged into main as GitHub makes it;
- ``actions/setup-python``: a virtualenv of this interpreter with nothing installed;
- the action's install step finds pxl10n already installed in ``$RUNNER_TEMP``
  (the path it takes on its second use in a job): a link to this virtualenv's
  console script in ``test_action_outputs_come_from_pxl10n``, elsewhere to the test
  zygote's client (tests/helpers/zygote.py: each run a real process of its own, forked
  from an interpreter that imported pxl10n once; tests/test_zygote.py proves it answers
  as a fresh one does). The shell steps, git and gh stay real processes;
- ``gh``: a script that keeps pull requests in a JSON file, refuses arguments it
  does not know, and refuses a second pull request for a branch as GitHub does.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import Result
from lxml import etree

from pxl10n.emulator.server import EmulatorServer
from pxl10n.layout import FileKey
from pxl10n.xliff.io import XLIFF20_NS, parse

from .helpers.actions import ACTION, ACTION_DIR, EXAMPLES, is_pxl10n_action, load_yaml, parse_outputs, runner_python
from .helpers.cli import run
from .helpers.gh_expressions import condition, interpolate
from .helpers.project import API_KEY, content_entries, write_config
from .helpers.zygote import Zygote

BOT_TOKEN = "ghp_bot-token-for-tests"
DEFAULT_TOKEN = "ghs_default-token-for-tests"
REPOSITORY = "acme/app"
SYNC_BRANCH = "l10n/px-sync"

FAKE_GH = r'''#!{python} -S
"""A stand-in for the gh CLI: pull requests in a JSON file; exit 2 on anything unknown."""
import json, os, subprocess, sys

path = os.environ["FAKE_GH_STATE"]
state = json.load(open(path)) if os.path.exists(path) else {"prs": [], "calls": []}
args = sys.argv[1:]
state["calls"].append({"args": args, "token": os.environ.get("GH_TOKEN"), "repo": os.environ.get("GH_REPO")})


def done(code, out=""):
    with open(path, "w") as f:
        json.dump(state, f, indent=1)
    if out:
        print(out)
    sys.exit(code)


def options(rest, allowed, positional=0):
    found, pos = {}, []
    i = 0
    while i < len(rest):
        if rest[i] in allowed:
            found[rest[i]] = rest[i + 1]
            i += 2
        elif not rest[i].startswith("-") and len(pos) < positional:
            pos.append(rest[i])
            i += 1
        else:
            sys.stderr.write(f"fake gh: unknown argument {rest[i]!r}\n")
            done(2)
    return found, pos


if not os.environ.get("GH_TOKEN") or os.environ.get("GH_REPO") != "{repo}":
    sys.stderr.write("fake gh: GH_TOKEN and GH_REPO must be set\n")
    done(4)
url = lambda n: f"https://github.com/{repo}/pull/{n}"
if args[:2] == ["pr", "list"]:
    o, _ = options(args[2:], {"--head", "--base", "--state", "--json", "--jq"})
    if o.get("--json") != "number,url" or o.get("--jq") != '.[] | "\\(.number) \\(.url)"':
        sys.stderr.write("fake gh: unsupported --json/--jq\n")
        done(2)
    lines = [f"{p['number']} {url(p['number'])}" for p in state["prs"]
             if p["head"] == o["--head"] and p["base"] == o.get("--base", p["base"]) and p["state"] == o.get("--state", "open")]
    done(0, "\n".join(lines))
if args[:2] == ["pr", "create"]:
    o, _ = options(args[2:], {"--head", "--base", "--title", "--body-file"})
    remote = os.environ["FAKE_GH_REMOTE"]
    if subprocess.run(["git", "ls-remote", "--exit-code", "--heads", remote, o["--head"]], capture_output=True).returncode:
        sys.stderr.write("pull request create failed: head branch does not exist\n")
        done(1)
    if any(p["head"] == o["--head"] and p["state"] == "open" for p in state["prs"]):
        sys.stderr.write(f"a pull request for branch {o['--head']!r} already exists\n")
        done(1)
    number = len(state["prs"]) + 1
    state["prs"].append({"number": number, "head": o["--head"], "base": o["--base"], "title": o["--title"],
                         "body": open(o["--body-file"]).read(), "state": "open", "edits": 0})
    done(0, url(number))
if args[:2] == ["pr", "edit"]:
    o, pos = options(args[2:], {"--title", "--body-file"}, positional=1)
    pr = next((p for p in state["prs"] if str(p["number"]) == pos[0] and p["state"] == "open"), None)
    if pr is None:
        done(1)
    pr.update(title=o.get("--title", pr["title"]), body=open(o["--body-file"]).read() if "--body-file" in o else pr["body"])
    pr["edits"] += 1
    done(0, url(pr["number"]))
sys.stderr.write(f"fake gh: unsupported command {args!r}\n")
done(2)
'''


# --------------------------------------------------------------------------- git helpers


#: The test's own git (people, checkout's stand-in, queries) never starts automatic gc or maintenance:
#: on repositories this small they find nothing to do, at a process or two each time.
_NO_AUTO_GC = {"GIT_CONFIG_COUNT": "2", "GIT_CONFIG_KEY_0": "gc.auto", "GIT_CONFIG_VALUE_0": "0",
               "GIT_CONFIG_KEY_1": "maintenance.auto", "GIT_CONFIG_VALUE_1": "false"}


def git(cwd: Path, *args: str, check: bool = True) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Human", "GIT_AUTHOR_EMAIL": "human@example.com",
           "GIT_COMMITTER_NAME": "Human", "GIT_COMMITTER_EMAIL": "human@example.com", **_NO_AUTO_GC}
    proc = subprocess.run(["git", *args], check=False, cwd=cwd, env=env, capture_output=True, text=True, timeout=60)
    if check and proc.returncode:
        raise AssertionError(f"git {' '.join(args)}: {proc.stderr}")
    return proc.stdout.strip()


def remote_ref(remote: Path, branch: str) -> str | None:
    out = git(remote, "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}", check=False)
    return out or None


# --------------------------------------------------------------------------- the runner


@dataclass
class StepResult:
    name: str
    outcome: str  # success | failure | skipped
    outputs: dict[str, str] = field(default_factory=dict)
    log: str = ""


@dataclass
class JobResult:
    conclusion: str
    steps: list[StepResult]
    outputs: dict[str, str]
    summary: str
    workspace: Path

    def step(self, name: str) -> StepResult:
        return next(s for s in self.steps if s.name == name)

    @property
    def log(self) -> str:
        return "\n".join(s.log for s in self.steps)


class Runner:
    """Plays one job of a workflow file; see the module docstring."""

    def __init__(self, root: Path, remote: Path, pxl10n: Path, python: Path) -> None:
        self.root, self.remote = root, remote
        self.pxl10n = pxl10n  # what the action finds installed: the console script, or the zygote's client
        self.python = python  # what actions/setup-python provides: a Python with nothing installed
        self.runs = 0
        self.bin = root / "fakebin"
        self.bin.mkdir(parents=True, exist_ok=True)
        gh = self.bin / "gh"
        gh.write_text(FAKE_GH.replace("{python}", sys.executable).replace("{repo}", REPOSITORY))
        gh.chmod(0o755)
        self.gh_state = root / "gh-state.json"
        self.home = root / "home"
        self.home.mkdir(exist_ok=True)
        venv_bin = str(Path(sys.executable).parent)
        # A runner's PATH: no pxl10n until the action adds it.
        self.path = os.pathsep.join([str(self.bin)] + [p for p in os.environ["PATH"].split(os.pathsep) if p and Path(p) != Path(venv_bin)])
        assert not shutil.which("pxl10n", path=self.path), "pxl10n must not be on the runner's PATH before the action"

    # ---- GitHub's pull requests, as the fake gh keeps them
    def gh(self) -> dict[str, Any]:
        return json.loads(self.gh_state.read_text()) if self.gh_state.exists() else {"prs": [], "calls": []}

    def merge_pr(self, number: int) -> None:
        state = self.gh()
        pr = next(p for p in state["prs"] if p["number"] == number)
        pr["state"] = "merged"
        self.gh_state.write_text(json.dumps(state))

    # ---- running
    def run(self, workflow_name: str, job_id: str, *, event: str, ref: str = "main", pr_head: str | None = None,
            before_step: Callable[[str], None] | None = None) -> JobResult:
        """Play the job; ``before_step(name)`` runs before each step (the world changing meanwhile)."""
        self.runs += 1
        workflow = load_yaml(EXAMPLES / workflow_name)
        job = workflow["jobs"][job_id]
        run_dir = self.root / f"run{self.runs}"
        workspace, temp = run_dir / "workspace", run_dir / "temp"
        workspace.mkdir(parents=True)
        temp.mkdir()
        venv = temp / "pxl10n-venv" / "bin"
        venv.mkdir(parents=True)
        (venv / "pxl10n").symlink_to(self.pxl10n)
        main_sha = remote_ref(self.remote, "main") or ""
        github: dict[str, Any] = {
            "repository": REPOSITORY, "server_url": "https://github.com", "run_id": str(self.runs), "token": DEFAULT_TOKEN,
            "event_name": event, "workspace": str(workspace), "ref": f"refs/heads/{ref}", "ref_name": ref, "sha": main_sha, "event": {},
        }
        if event == "pull_request":
            github |= {"ref": "refs/pull/7/merge", "ref_name": "7/merge", "sha": self._merge_ref(pr_head or ""),
                       "event": {"pull_request": {"number": 7, "base": {"sha": main_sha, "ref": "main"}, "head": {"ref": pr_head}}}}
        ctx: dict[str, Any] = {"github": github, "secrets": {"PX_API_KEY": API_KEY, "PXL10N_BOT_TOKEN": BOT_TOKEN},
                               "runner": {"temp": str(temp), "os": "Linux"}, "vars": {}, "steps": {}, "env": {}, "inputs": {}}
        base_env = {
            "PATH": self.path, "HOME": str(self.home), "LANG": "C.UTF-8", "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": str(self.home / "gitconfig"), "CI": "true", "GITHUB_ACTIONS": "true",
            "GITHUB_REPOSITORY": REPOSITORY, "GITHUB_SERVER_URL": "https://github.com", "GITHUB_RUN_ID": str(self.runs),
            "GITHUB_SHA": github["sha"], "GITHUB_REF": github["ref"], "GITHUB_REF_NAME": github["ref_name"],
            "GITHUB_WORKSPACE": str(workspace), "RUNNER_TEMP": str(temp), "GITHUB_EVENT_NAME": event,
            "FAKE_GH_STATE": str(self.gh_state), "FAKE_GH_REMOTE": str(self.remote),
        }
        env: dict[str, str] = {}
        for scope in (workflow.get("env") or {}, job.get("env") or {}):
            for k, v in scope.items():
                ctx["env"] = env
                env[k] = interpolate(v, ctx)
        ctx["env"] = env
        state = {"status": "success", "path_prefix": []}
        results: list[StepResult] = []
        summary_parts: list[str] = []
        for i, step in enumerate(job["steps"]):
            name = step.get("id") or step.get("name") or step.get("uses") or f"step{i}"
            if not condition(step.get("if"), ctx, state["status"]):
                results.append(StepResult(name, "skipped"))
                if step.get("id"):
                    ctx["steps"][step["id"]] = {"outputs": {}, "outcome": "skipped", "conclusion": "skipped"}
                continue
            if before_step is not None:
                before_step(name)
            step_env = env | {k: interpolate(v, ctx) for k, v in (step.get("env") or {}).items()}
            uses = step.get("uses")
            if uses and uses.startswith("actions/checkout@"):
                with_ = {k: interpolate(v, ctx) for k, v in (step.get("with") or {}).items()}
                result = self._checkout(workspace, with_, github, pr_head, name)
            elif is_pxl10n_action(uses):
                with_ = {k: interpolate(v, ctx) for k, v in (step.get("with") or {}).items()}
                result = self._composite(name, with_, ctx, base_env, step_env, state, workspace, temp, summary_parts)
            elif "run" in step:
                result = self._shell(name, step["run"], base_env, step_env, state, workspace, temp, summary_parts)
            else:
                raise AssertionError(f"the runner does not know step {step}")
            results.append(result)
            conclusion = result.outcome
            if result.outcome == "failure" and step.get("continue-on-error"):
                conclusion = "success"
            if step.get("id"):
                ctx["steps"][step["id"]] = {"outputs": result.outputs, "outcome": result.outcome, "conclusion": conclusion}
            if conclusion == "failure":
                state["status"] = "failure"
        outputs = {k: interpolate(v, ctx) for k, v in (job.get("outputs") or {}).items()}
        job_result = JobResult(state["status"], results, outputs, "".join(summary_parts), workspace)
        for secret in (API_KEY, BOT_TOKEN, DEFAULT_TOKEN):
            assert secret not in job_result.log and secret not in job_result.summary, "a secret reached the log"
        return job_result

    def _checkout(self, workspace: Path, with_: dict[str, str], github: dict[str, Any], pr_head: str | None, name: str) -> StepResult:
        assert with_.get("token", BOT_TOKEN) in (BOT_TOKEN, DEFAULT_TOKEN)
        url = f"file://{self.remote}"
        git(workspace, "init", "-q")
        git(workspace, "remote", "add", "origin", url)
        depth = [] if with_.get("fetch-depth") == "0" else [f"--depth={with_.get('fetch-depth') or 1}"]
        if pr_head:  # refs/pull/N/merge, made by _merge_ref as GitHub makes it
            git(workspace, "fetch", "-q", *depth, "origin", "+refs/pull/7/merge:refs/remotes/pull/7/merge")
            git(workspace, "checkout", "-q", "--detach", "refs/remotes/pull/7/merge")
        else:
            ref = with_.get("ref") or github["ref"]
            branch = ref.removeprefix("refs/heads/")
            git(workspace, "fetch", "-q", *depth, "origin", f"+refs/heads/{branch}:refs/remotes/origin/{branch}")
            git(workspace, "checkout", "-q", "-B", branch, f"refs/remotes/origin/{branch}")
        return StepResult(name, "success")

    def _merge_ref(self, pr_head: str) -> str:
        """GitHub's ``refs/pull/7/merge``: the pull request's head merged into main (a merge commit, never a fast-forward),
        in the remote; its sha. GitHub runs no pull_request workflow for a pull request that conflicts: nor does this."""
        work = self.root / "merge-ref"
        if work.exists():
            shutil.rmtree(work)
        git(self.root, "clone", "-q", "--branch", "main", str(self.remote), str(work))
        merged = subprocess.run(["git", "merge", "-q", "--no-ff", "--no-edit", f"origin/{pr_head}"], cwd=work, capture_output=True,
                                text=True, timeout=60, env={**os.environ, "GIT_AUTHOR_NAME": "GitHub", "GIT_AUTHOR_EMAIL": "noreply@github.com",
                                                            "GIT_COMMITTER_NAME": "GitHub", "GIT_COMMITTER_EMAIL": "noreply@github.com", **_NO_AUTO_GC})
        assert merged.returncode == 0, f"pull request {pr_head} conflicts with main: GitHub would run no check on it\n{merged.stdout}{merged.stderr}"
        git(work, "push", "-q", "--force", "origin", "HEAD:refs/pull/7/merge")
        return git(work, "rev-parse", "HEAD")

    def _shell(self, name: str, script: str, base_env: dict[str, str], step_env: dict[str, str], state: dict[str, Any],
               workspace: Path, temp: Path, summary_parts: list[str]) -> StepResult:
        n = len(list(temp.glob("step-*"))) + 1
        files = {kind: temp / f"step-{n}-{kind}" for kind in ("output", "summary", "path", "env", "script")}
        for path in files.values():
            path.write_text("")
        files["script"].write_text(script)
        full_env = base_env | step_env | {
            "PATH": os.pathsep.join([*state["path_prefix"], base_env["PATH"]]),
            "GITHUB_OUTPUT": str(files["output"]), "GITHUB_STEP_SUMMARY": str(files["summary"]),
            "GITHUB_PATH": str(files["path"]), "GITHUB_ENV": str(files["env"]),
        }
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(files["script"])], check=False, cwd=workspace,
                              env=full_env, capture_output=True, text=True, timeout=300)
        state["path_prefix"] = [p for p in reversed(files["path"].read_text().splitlines()) if p] + state["path_prefix"]
        summary_parts.append(files["summary"].read_text())
        log = f"--- {name} (exit {proc.returncode})\n{proc.stdout}{proc.stderr}"
        return StepResult(name, "success" if proc.returncode == 0 else "failure", parse_outputs(files["output"]), log)

    def _composite(self, name: str, with_: dict[str, str], ctx: dict[str, Any], base_env: dict[str, str], step_env: dict[str, str],
                   state: dict[str, Any], workspace: Path, temp: Path, summary_parts: list[str]) -> StepResult:
        action = load_yaml(ACTION)
        unknown = set(with_) - set(action["inputs"])
        assert not unknown, f"{name}: not inputs of the action: {unknown}"
        inputs = {k: str(spec.get("default", "")) for k, spec in action["inputs"].items()} | with_
        actx = {"inputs": inputs, "github": ctx["github"] | {"action_path": str(ACTION_DIR)}, "runner": ctx["runner"], "steps": {}, "env": step_env}
        status, logs = "success", []
        for step in action["runs"]["steps"]:
            sid = step["id"]
            if not condition(step.get("if"), actx, status):
                actx["steps"][sid] = {"outputs": {}, "outcome": "skipped"}
                continue
            if step.get("uses", "").startswith("actions/setup-python@"):
                actx["steps"][sid] = {"outputs": {"python-path": str(self.python)}, "outcome": "success"}
                continue
            env = step_env | {k: interpolate(v, actx) for k, v in (step.get("env") or {}).items()}
            result = self._shell(f"{name}/{sid}", step["run"], base_env, env, state, workspace, temp, summary_parts)
            logs.append(result.log)
            actx["steps"][sid] = {"outputs": result.outputs, "outcome": result.outcome}
            if result.outcome == "failure":
                status = "failure"
                break
        outputs = {k: interpolate(spec["value"], actx) for k, spec in action["outputs"].items()}
        return StepResult(name, status, outputs, "\n".join(logs))


# --------------------------------------------------------------------------- the world


@dataclass
class World:
    root: Path
    remote: Path
    emulator: EmulatorServer
    runner: Runner

    def clone(self, name: str, branch: str = "main") -> Path:
        """A person's clone of the remote."""
        return clone(self.root, self.remote, name, branch)

    def pull_to_main(self) -> None:
        """Someone ran `pxl10n pull` on main and pushed it (what a merged sync pull request does)."""
        pull_to_main(self.root, self.remote)


def clone(root: Path, remote: Path, name: str, branch: str = "main") -> Path:
    """A person's clone of ``remote`` in ``root/name``."""
    path = root / name
    if path.exists():
        shutil.rmtree(path)
    git(root, "clone", "-q", "--branch", branch, str(remote), str(path))
    return path


def pull_to_main(root: Path, remote: Path) -> None:
    """A maintainer's clone in ``root`` runs `pxl10n pull` on main and pushes it to ``remote``."""
    work = clone(root, remote, "maintainer")
    result = pxl10n_in(work, "pull", GIT_AUTHOR_NAME="M", GIT_AUTHOR_EMAIL="m@example.com",
                       GIT_COMMITTER_NAME="M", GIT_COMMITTER_EMAIL="m@example.com")
    assert result.exit_code == 0, result.output
    git(work, "push", "-q", "origin", "main")


def pxl10n_in(cwd: Path, *args: str, **env: str) -> Result:
    """A person's own pxl10n run in ``cwd`` (in-process: only the workflow's steps need real processes)."""
    with pytest.MonkeyPatch.context() as mp:
        for name, value in {"PX_API_KEY": API_KEY, **env}.items():
            mp.setenv(name, value)
        mp.chdir(cwd)
        return run(*args)


CONSOLE_SCRIPT = Path(sys.executable).parent / "pxl10n"


@pytest.fixture(scope="session")
def remote_template(tmp_path_factory: pytest.TempPathFactory, emulator_server: EmulatorServer) -> Path:
    """The "GitHub" repository every test starts from: main holds README.md and a pxl10n.toml for the session's emulator.

    Made once per session (per xdist worker); each test gets a copy (``world``).
    """
    root = tmp_path_factory.mktemp("remote-template")
    remote = root / "remote.git"
    git(root, "init", "-q", "--bare", "-b", "main", str(remote))
    git(remote, "config", "uploadpack.allowAnySHA1InWant", "true")  # as GitHub: fetch a commit by sha
    git(remote, "config", "receive.autogc", "false")  # as GitHub: a push does not wait for a gc
    seed = root / "seed"
    git(root, "clone", "-q", str(remote), str(seed))
    git(seed, "checkout", "-q", "-b", "main")
    write_config(seed, emulator_server.base_url, content=content_entries(emulator_server.reset()))
    (seed / "README.md").write_text("app\n")
    git(seed, "add", ".")
    git(seed, "commit", "-q", "-m", "initial")
    git(seed, "push", "-q", "origin", "main")
    return remote


@pytest.fixture(scope="session")
def pulled_remote_template(tmp_path_factory: pytest.TempPathFactory, emulator_server: EmulatorServer, remote_template: Path) -> Path:
    """``remote_template`` after ``pull_to_main`` from the emulator as every test finds it (reset): made once per session.

    A pull of the reset emulator is the same pull in every test (the emulator serves the
    same items; conftest's ``pulled_template`` rests on this too), so the tests that start
    from one begin with a copy of it (``pulled_world``) instead of running it again.
    """
    root = tmp_path_factory.mktemp("pulled-remote-template")
    remote = root / "remote.git"
    shutil.copytree(remote_template, remote, symlinks=True)
    emulator_server.reset()
    pull_to_main(root, remote)
    emulator_server.reset()
    return remote


@pytest.fixture(scope="session")
def setup_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What the stand-in for actions/setup-python hands the action (tests/helpers/actions.py)."""
    return runner_python(tmp_path_factory.mktemp("setup-python") / "venv")


def _world(tmp_path: Path, template: Path, emulator: EmulatorServer, zygote: Zygote, python: Path) -> World:
    remote = tmp_path / "remote.git"
    shutil.copytree(template, remote, symlinks=True)
    return World(tmp_path, remote, emulator, Runner(tmp_path / "runner", remote, zygote.client, python))


@pytest.fixture
def world(tmp_path: Path, emulator: EmulatorServer, zygote: Zygote, remote_template: Path, setup_python: Path) -> World:
    """A remote whose main holds README.md and pxl10n.toml, the reset emulator, a runner."""
    return _world(tmp_path, remote_template, emulator, zygote, setup_python)


@pytest.fixture
def pulled_world(tmp_path: Path, emulator: EmulatorServer, zygote: Zygote, pulled_remote_template: Path, setup_python: Path) -> World:
    """``world`` after ``world.pull_to_main()``: main also holds the first pull of the emulator, pushed by the maintainer."""
    return _world(tmp_path, pulled_remote_template, emulator, zygote, setup_python)


def translate(root: Path, key: FileKey, *, empty_first: bool = False) -> int:
    """Give every unit of a pulled XLIFF 2.0 file a target (keeping placeholders); the unit count."""
    path = key.path(root / "l10n")
    tree = parse(path.read_bytes())
    units = 0
    for segment in tree.getroot().iter(f"{{{XLIFF20_NS}}}segment"):
        source = segment.find(f"{{{XLIFF20_NS}}}source")
        target = segment.find(f"{{{XLIFF20_NS}}}target")
        if target is None:
            target = etree.SubElement(segment, f"{{{XLIFF20_NS}}}target")
        for child in list(target):
            target.remove(child)
        target.text = source.text
        for child in source:  # inline codes and placeholders, as in the source
            target.append(etree.fromstring(etree.tostring(child)))
        core = (target.text or "").strip()
        lead = (target.text or "")[: len(target.text or "") - len((target.text or "").lstrip())]
        target.text = f"{lead}[{key.locale}] {core}" + (target.text or "")[len(lead) + len(core):] if core else f"[{key.locale}] " + (target.text or "")
        if empty_first and units == 0:
            target.text = None
            for child in list(target):
                target.remove(child)
        units += 1
    path.write_bytes(etree.tostring(tree, xml_declaration=True, encoding="UTF-8"))
    return units


def keys(emulator: EmulatorServer, kind: str, locale: str) -> list[FileKey]:
    return [FileKey(kind, item.id, locale) for item in emulator.store.items(kind) if item.localizable]


def calls(runner: Runner, since: int) -> list[list[str]]:
    return [c["args"][:2] for c in runner.gh()["calls"][since:]]


# =========================================================================== tests


def test_sync_opens_one_pr_stays_quiet_without_change_and_updates_it(world: World) -> None:
    runner, remote = world.runner, world.remote
    main_before = remote_ref(remote, "main")

    first = runner.run("sync-from-px.yml", "sync", event="schedule")
    assert first.conclusion == "success", first.log
    branch = remote_ref(remote, SYNC_BRANCH)
    assert branch, first.log
    assert git(remote, "rev-list", "--count", f"main..{SYNC_BRANCH}") == "1"
    assert git(remote, "rev-parse", f"{SYNC_BRANCH}^") == main_before == remote_ref(remote, "main")
    assert git(remote, "log", "-1", "--format=%s", SYNC_BRANCH).startswith("pxl10n pull: ")
    assert git(remote, "log", "-1", "--format=%an", SYNC_BRANCH) == "github-actions[bot]"
    assert calls(runner, 0) == [["pr", "list"], ["pr", "create"]]
    (pr,) = runner.gh()["prs"]
    assert all(c["token"] == BOT_TOKEN for c in runner.gh()["calls"]), "the PR must be made with the bot token"
    assert pr["head"] == SYNC_BRANCH and pr["base"] == "main"
    assert pr["title"] == git(remote, "log", "-1", "--format=%s", SYNC_BRANCH)
    assert "## What changed" in pr["body"] and "## Translation status" in pr["body"] and "fr-FR" in pr["body"]
    assert "- fr-FR/article/" in pr["body"]
    assert first.outputs == {"pull-request-url": f"https://github.com/{REPOSITORY}/pull/1", "pull-request-number": "1"}
    assert "Pull request: https://github.com/" in first.summary and "fr-FR" in first.summary
    assert first.step("publish").outputs["pushed"] == "true"

    # Nothing new in PX: no push, no new or edited pull request, no error.
    n = len(runner.gh()["calls"])
    second = runner.run("sync-from-px.yml", "sync", event="schedule")
    assert second.conclusion == "success", second.log
    assert remote_ref(remote, SYNC_BRANCH) == branch
    assert second.step("publish").outputs["pushed"] == "false"
    assert calls(runner, n) == [["pr", "list"]]
    assert second.outputs["pull-request-number"] == "1"
    assert len(runner.gh()["prs"]) == 1 and runner.gh()["prs"][0]["edits"] == 0

    # PX changes: the branch is rebuilt (still one commit on main) and the same PR updated.
    article = world.emulator.store.items("article")[0]
    article.units[next(iter(article.units))] = "A brand new sentence."
    n = len(runner.gh()["calls"])
    third = runner.run("sync-from-px.yml", "sync", event="schedule")
    assert third.conclusion == "success", third.log
    assert remote_ref(remote, SYNC_BRANCH) not in (None, branch)
    assert git(remote, "rev-list", "--count", f"main..{SYNC_BRANCH}") == "1"
    assert calls(runner, n) == [["pr", "list"], ["pr", "edit"]]
    (pr,) = runner.gh()["prs"]
    assert pr["edits"] == 1 and third.outputs["pull-request-number"] == "1"

    # The pull request is merged: PX and main agree, so the next run does nothing at all.
    work = world.clone("maintainer")
    git(work, "fetch", "-q", "origin", SYNC_BRANCH)
    git(work, "merge", "-q", "--ff-only", "FETCH_HEAD")
    git(work, "push", "-q", "origin", "main")
    runner.merge_pr(1)
    synced = remote_ref(remote, SYNC_BRANCH)
    n = len(runner.gh()["calls"])
    fourth = runner.run("sync-from-px.yml", "sync", event="schedule")
    assert fourth.conclusion == "success", fourth.log
    assert fourth.step("pull").outputs["commit"] == "" and fourth.step("publish").outcome == "skipped"
    assert remote_ref(remote, SYNC_BRANCH) == synced
    assert calls(runner, n) == []
    assert fourth.outputs == {"pull-request-url": "", "pull-request-number": ""}

    # And new PX content after the merge: a fresh branch on the new main, a new pull request.
    article.units[next(iter(article.units))] = "Another sentence."
    fifth = runner.run("sync-from-px.yml", "sync", event="schedule")
    assert fifth.conclusion == "success", fifth.log
    assert git(remote, "rev-parse", f"{SYNC_BRANCH}^") == remote_ref(remote, "main")
    assert [p["state"] for p in runner.gh()["prs"]] == ["merged", "open"]
    assert fifth.outputs["pull-request-number"] == "2"


@pytest.mark.parametrize("px_changes", [False, True], ids=["PX unchanged", "PX changed too"])
def test_sync_never_overwrites_a_persons_commit_on_its_branch(world: World, px_changes: bool) -> None:
    """A reviewer fixes a translation in the sync's pull request (a commit pushed to its branch, or GitHub's web
    editor). The next run rebuilt the branch from main and force-pushed it, lease and all (the lease was the tip it
    had just fetched): the reviewer's commit left the pull request without a word. Now the run pushes nothing and
    says why, naming the commit; the branch keeps it."""
    runner, remote = world.runner, world.remote
    first = runner.run("sync-from-px.yml", "sync", event="schedule")
    assert first.conclusion == "success", first.log
    work = world.clone("reviewer", SYNC_BRANCH)
    key = keys(world.emulator, "article", "fr-FR")[0]
    translate(work, key)
    git(work, "commit", "-q", "-am", "fr-FR: fix in the PR")  # by "Human" (git's identity in these tests)
    git(work, "push", "-q", "origin", SYNC_BRANCH)
    reviewed = remote_ref(remote, SYNC_BRANCH)
    if px_changes:
        article = world.emulator.store.items("article")[1]
        article.units[next(iter(article.units))] = "A brand new sentence."
    n = len(runner.gh()["calls"])

    second = runner.run("sync-from-px.yml", "sync", event="schedule")
    assert second.conclusion == "failure", second.log
    assert remote_ref(remote, SYNC_BRANCH) == reviewed
    log = second.step("publish").log
    assert f"::error title=pxl10n sync::{SYNC_BRANCH} holds a commit that is not this workflow's" in log, log
    assert "Human: fr-FR: fix in the PR" in log and "nothing was pushed" in log
    assert calls(runner, n) == []  # no pull request edited


@dataclass
class FailedSync:
    world: World
    result: JobResult
    bad: str  # the article PX answers 500 for


@pytest.fixture(scope="module")
def failed_sync(tmp_path_factory: pytest.TempPathFactory, emulator_server: EmulatorServer, zygote: Zygote, remote_template: Path,
                setup_python: Path) -> FailedSync:
    """One sync-from-px run (workflow_dispatch) while PX answers 500 for one article; the two tests after this read it.

    The run, the remote and the pull requests it leaves are only read by them, so they are
    checked on one run as they would be on two alike.
    """
    emulator = emulator_server.reset()
    world = _world(tmp_path_factory.mktemp("failed-sync"), remote_template, emulator, zygote, setup_python)
    bad = emulator.store.items("article")[0].id
    emulator.faults.item(bad, 500)
    try:
        return FailedSync(world, world.runner.run("sync-from-px.yml", "sync", event="workflow_dispatch"), bad)
    finally:
        emulator_server.reset()  # no fault left for whatever runs next


def test_sync_reports_a_failed_item_after_proposing_the_rest(failed_sync: FailedSync) -> None:
    world, result = failed_sync.world, failed_sync.result
    assert result.conclusion == "failure"
    assert result.step("pull").outcome == "failure" and result.step("pr").outcome == "success"
    assert remote_ref(world.remote, SYNC_BRANCH) and len(world.runner.gh()["prs"]) == 1
    assert "::error title=pxl10n pull::" in result.log


def test_pull_failure_is_an_annotation_naming_the_item_and_the_job_summary_lists_it(failed_sync: FailedSync) -> None:
    result, bad = failed_sync.result, failed_sync.bad
    log = result.step("pull").log
    path = f"l10n/{FileKey('article', bad, 'fr-FR').relpath()}"
    assert f"::error file={path},title=pxl10n pull%3A article {bad} [fr-FR]::" in log, log
    assert "### pxl10n pull" in result.summary and f"article {bad}" in result.summary and "#### Not pulled" in result.summary


def test_check_translations_annotates_changed_files_and_summarizes(pulled_world: World) -> None:
    good, bad = keys(pulled_world.emulator, "article", "fr-FR")[:2]
    work = pulled_world.clone("translator")
    git(work, "checkout", "-q", "-b", "translate/fr-FR")
    translate(work, good)
    git(work, "commit", "-q", "-am", "fr-FR: one article")
    git(work, "push", "-q", "origin", "translate/fr-FR")

    clean = pulled_world.runner.run("check-translations.yml", "check", event="pull_request", pr_head="translate/fr-FR")
    assert clean.conclusion == "success", clean.log
    assert "::error" not in clean.step("validate").log
    assert f"validate --format github l10n/{good.relpath()}\n" in clean.step("validate").log  # only the changed file
    assert "fr-FR" in clean.summary and "|" in clean.summary  # the status table

    translate(work, bad, empty_first=True)
    git(work, "commit", "-q", "-am", "fr-FR: another article")
    git(work, "push", "-q", "origin", "translate/fr-FR")
    broken = pulled_world.runner.run("check-translations.yml", "check", event="pull_request", pr_head="translate/fr-FR")
    assert broken.conclusion == "failure"
    log = broken.step("validate").log
    assert f"::error file=l10n/{bad.relpath()},line=" in log, log
    assert f"file=l10n/{good.relpath()}" not in log.replace(f"::group::pxl10n validate --format github l10n/{good.relpath()}", "")
    assert broken.step("validate").outputs["exit-code"] == "1"
    assert broken.step("status").outcome == "success"
    assert "fr-FR" in broken.summary and "|" in broken.summary


def test_action_outputs_come_from_pxl10n(pulled_world: World) -> None:
    """What the action declares per mode is really written to GITHUB_OUTPUT by pxl10n (the real console script, fresh interpreters)."""
    pulled_world.runner.pxl10n = CONSOLE_SCRIPT
    bad = keys(pulled_world.emulator, "article", "fr-FR")[0]
    work = pulled_world.clone("translator")
    git(work, "checkout", "-q", "-b", "t")
    translate(work, bad, empty_first=True)
    git(work, "commit", "-q", "-am", "t")
    git(work, "push", "-q", "origin", "t")
    check = pulled_world.runner.run("check-translations.yml", "check", event="pull_request", pr_head="t")
    validate = check.step("validate").outputs
    assert validate["exit-code"] == "1" and Path(validate["report"]).read_text().startswith("::error")
    assert int(validate["errors"]) >= 1 and int(validate["warnings"]) >= 0, "pxl10n validate must write errors= and warnings= to GITHUB_OUTPUT"
    sync = pulled_world.runner.run("sync-from-px.yml", "sync", event="schedule")
    pull = sync.step("pull").outputs
    assert pull["files-changed"] == "0" and pull["commit"] == "" and pull["failed"] == "0" and pull["exit-code"] == "0"
    status = sync.step("status")
    assert status.outcome == "skipped"


def test_push_to_px_sends_each_translated_file_once_and_commits_the_state(pulled_world: World) -> None:
    chosen = [keys(pulled_world.emulator, "article", "fr-FR")[0], keys(pulled_world.emulator, "kcbot", "de-DE")[0], keys(pulled_world.emulator, "engagement", "fr-FR")[0]]
    work = pulled_world.clone("translator")
    for key in chosen:
        translate(work, key)
    git(work, "commit", "-q", "-am", "translations")
    git(work, "push", "-q", "origin", "main")  # the merge of the translators' pull request
    merged = remote_ref(pulled_world.remote, "main")
    imports_before = len(pulled_world.emulator.store.imports())

    first = pulled_world.runner.run("push-to-px.yml", "push", event="push")
    assert first.conclusion == "success", first.log
    sent = Counter((r.kind, r.id, r.locale) for r in pulled_world.emulator.store.imports()[imports_before:])
    assert sent == Counter((k.kind, k.item_id, k.locale) for k in chosen), first.log
    assert first.step("push").outputs["pushed"] == "3"
    assert git(pulled_world.remote, "rev-parse", "main^") == merged, "one state commit on top of the merge"
    assert git(pulled_world.remote, "log", "-1", "--format=%s", "main").startswith("pxl10n push: 3 file(s) to PX")
    assert "l10n/pxl10n-state.json" in git(pulled_world.remote, "show", "--name-only", "--format=", "main").splitlines()

    # A second run (the state commit's own push event, or a re-run) sends nothing.
    state_commit = remote_ref(pulled_world.remote, "main")
    imports_mid = len(pulled_world.emulator.store.imports())
    second = pulled_world.runner.run("push-to-px.yml", "push", event="push")
    assert second.conclusion == "success", second.log
    assert len(pulled_world.emulator.store.imports()) == imports_mid
    assert second.step("push").outputs["pushed"] == "0"
    assert remote_ref(pulled_world.remote, "main") == state_commit


def test_push_to_px_commit_back_survives_a_sync_merged_meanwhile(pulled_world: World) -> None:
    """A sync pull request touching the same state entries lands on main while push-to-px runs."""
    ordered = sorted(keys(pulled_world.emulator, "article", "fr-FR"), key=FileKey.relpath)
    chosen, other = [ordered[0], ordered[2]], ordered[1]  # the sync touches the entry between the pushed ones
    work = pulled_world.clone("translator")
    for key in chosen:
        translate(work, key)
    git(work, "commit", "-q", "-am", "translations")
    git(work, "push", "-q", "origin", "main")
    before = len(pulled_world.emulator.store.imports())

    def sync_merged_meanwhile(step: str) -> None:
        if step != "commit-back":
            return
        item = pulled_world.emulator.store.get("article", other.item_id)
        unit = sorted(item.units)[0]
        pulled_world.emulator.store.apply_import("article", other.item_id, "fr-FR", {unit: f"[fr] {item.units[unit]}"})
        pulled_world.pull_to_main()  # re-pulls the pushed files too: their entries change on main as well

    first = pulled_world.runner.run("push-to-px.yml", "push", event="push", before_step=sync_merged_meanwhile)
    assert first.conclusion == "success", first.log
    sent = Counter((r.kind, r.id, r.locale) for r in pulled_world.emulator.store.imports()[before:])
    assert sent == Counter((k.kind, k.item_id, k.locale) for k in chosen), first.log
    check = pulled_world.clone("checker")
    text = (check / "l10n" / "pxl10n-state.json").read_text()
    assert "<<<<<<<" not in text
    files = json.loads(text)["files"]
    assert all(files[k.relpath()]["pushed"] for k in chosen)
    assert "[fr] " in (check / "l10n" / other.relpath()).read_text()
    assert git(check, "log", "-1", "--format=%s").startswith("pxl10n push: 2 file(s) to PX")

    again = pulled_world.runner.run("push-to-px.yml", "push", event="push")
    assert again.conclusion == "success", again.log
    assert len(pulled_world.emulator.store.imports()) == before + 2
    dry = pxl10n_in(check, "pull", "--dry-run", "--format", "json")
    assert dry.exit_code == 0 and json.loads(dry.stdout)["changed"] == []


def test_push_to_px_skips_a_broken_file_but_records_the_rest(pulled_world: World) -> None:
    good, bad = keys(pulled_world.emulator, "article", "fr-FR")[:2]
    work = pulled_world.clone("translator")
    translate(work, good)
    translate(work, bad, empty_first=True)
    git(work, "commit", "-q", "-am", "translations")
    git(work, "push", "-q", "origin", "main")
    merged = remote_ref(pulled_world.remote, "main")
    before = len(pulled_world.emulator.store.imports())

    result = pulled_world.runner.run("push-to-px.yml", "push", event="push")
    assert result.conclusion == "failure"
    assert [(r.id, r.locale) for r in pulled_world.emulator.store.imports()[before:]] == [(good.item_id, "fr-FR")]
    assert f"::error file=l10n/{bad.relpath()}" in result.step("validate").log
    # pxl10n push itself names the file it did not send, and the job summary lists it.
    push_log = result.step("push").log
    assert f"::error file=l10n/{bad.relpath()},title=pxl10n push%3A article {bad.item_id} [fr-FR]::blocked" in push_log, push_log
    assert "### pxl10n push" in result.summary and "#### Not pushed" in result.summary and bad.relpath() in result.summary
    assert git(pulled_world.remote, "rev-parse", "main^") == merged, "what landed is recorded even though the run failed"

    again = pulled_world.runner.run("push-to-px.yml", "push", event="push")
    assert [(r.id, r.locale) for r in pulled_world.emulator.store.imports()[before:]] == [(good.item_id, "fr-FR")]
    assert again.conclusion == "failure"  # the broken file is still there, and still not sent


def test_runner_notices_a_broken_workflow(pulled_world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The runner is strict enough to fail: an unknown action input and a failing step both show."""
    workflow = load_yaml(EXAMPLES / "check-translations.yml")
    workflow["jobs"]["check"]["steps"][2]["with"]["colour"] = "blue"
    broken = tmp_path / "examples"
    broken.mkdir()
    (broken / "check-translations.yml").write_text(yaml.safe_dump(workflow))
    monkeypatch.setattr(sys.modules[__name__], "EXAMPLES", broken)
    work = pulled_world.clone("translator")
    git(work, "checkout", "-q", "-b", "t")
    translate(work, keys(pulled_world.emulator, "article", "fr-FR")[0])
    git(work, "commit", "-q", "-am", "t")
    git(work, "push", "-q", "origin", "t")
    with pytest.raises(AssertionError, match="colour"):
        pulled_world.runner.run("check-translations.yml", "check", event="pull_request", pr_head="t")


def test_check_translations_reports_success_on_a_pull_request_without_l10n_changes(pulled_world: World) -> None:
    """The required check must report on every pull request, not only on those touching l10n/."""
    work = pulled_world.clone("developer")
    git(work, "checkout", "-q", "-b", "docs")
    (work / "README.md").write_text("app, documented\n")
    git(work, "commit", "-q", "-am", "docs only")
    git(work, "push", "-q", "origin", "docs")
    result = pulled_world.runner.run("check-translations.yml", "check", event="pull_request", pr_head="docs")
    assert result.conclusion == "success", result.log
    assert result.step("validate").outcome == "skipped" and result.step("status").outcome == "skipped"
    assert "nothing to check" in result.summary


def test_check_translations_fails_a_pull_request_whose_target_translates_a_source_px_changed_since(pulled_world: World) -> None:
    """A vendor's branch, then a sync on main took PX's new source: GitHub's merge of the two puts the old text's
    translation beside the new text (no conflict: a line lies between). The push check finds it on that merge, offline
    and without a key, before a squash merge could hide it; merging main in and translating again clears it."""
    emulator = pulled_world.emulator
    item = next(i for i in emulator.store.items("engagement") if "\n" in i.units.get("dialog.body", ""))
    key = FileKey("engagement", item.id, "fr-FR")
    work = pulled_world.clone("vendor")
    git(work, "checkout", "-q", "-b", "translate/fr-FR")
    translate(work, key)
    git(work, "commit", "-q", "-am", "fr-FR: the welcome dialog")
    git(work, "push", "-q", "origin", "translate/fr-FR")
    first, rest = item.units["dialog.body"].split("\n", 1)
    item.units["dialog.body"] = f"{first.replace('Hello', 'Hi there')}\n{rest}"
    pulled_world.pull_to_main()

    stale = pulled_world.runner.run("check-translations.yml", "check", event="pull_request", pr_head="translate/fr-FR")
    assert stale.conclusion == "failure", stale.log
    assert stale.step("validate").outcome == "success"
    log = stale.step("push-check").log
    assert f"::error file=l10n/{key.relpath()}" in log and "translates a source PX has changed since: dialog.body" in log, log
    assert stale.step("status").outcome == "success"

    git(work, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main")
    path = key.path(work / "l10n")
    path.write_text(path.read_text(encoding="utf-8").replace("[fr-FR] &lt;p&gt;Hello", "[fr-FR] &lt;p&gt;Salut"), encoding="utf-8")
    git(work, "commit", "-q", "-am", "fr-FR: the dialog's new text")
    git(work, "push", "-q", "origin", "translate/fr-FR")
    clean = pulled_world.runner.run("check-translations.yml", "check", event="pull_request", pr_head="translate/fr-FR")
    assert clean.conclusion == "success", clean.log
    assert "would-send" in clean.step("push-check").log


REBASE_BRANCH = "l10n/px-rebase"


def test_push_to_px_proposes_a_rebase_of_a_conflict_and_never_overwrites_its_review(pulled_world: World) -> None:
    """A translation merged to main, while someone translated the same unit in PX's editor: push calls it a conflict and
    sends nothing, and the run used to end there, with a person to run `pxl10n rebase` by hand. Now the run proposes it
    as one pull request: PX's copy with the edits put back, the unit PX changed too kept for review. A re-run leaves the
    branch and pull request alone; a reviewer's commit on the branch is never overwritten; once merged, push sends it."""
    world, runner, remote = pulled_world, pulled_world.runner, pulled_world.remote
    key = keys(world.emulator, "article", "fr-FR")[0]
    item = world.emulator.store.get("article", key.item_id)
    contested, *untouched = sorted(item.units)
    work = world.clone("translator")
    translate(work, key)
    git(work, "commit", "-q", "-am", "fr-FR: an article")
    git(work, "push", "-q", "origin", "main")
    world.emulator.store.apply_import("article", key.item_id, "fr-FR", {contested: "Traduit dans PX"})
    before = len(world.emulator.store.imports())

    first = runner.run("push-to-px.yml", "push", event="push")
    assert first.conclusion == "failure", first.log  # the file is still not in PX
    assert first.step("push").outputs["conflicts"] == "1"
    assert len(world.emulator.store.imports()) == before, "nothing sent over PX's change"
    rebase = first.step("rebase")
    assert rebase.outcome == "success", rebase.log
    (pr,) = runner.gh()["prs"]
    assert pr["head"] == REBASE_BRANCH and pr["base"] == "main" and pr["state"] == "open"
    assert pr["title"].startswith("pxl10n rebase: edits of 1 file(s) put on PX's copy"), pr["title"]
    assert contested in pr["body"] and "Traduit dans PX" in pr["body"] and "marked not translated yet" in pr["body"]
    assert rebase.outputs["url"].endswith(f"/pull/{pr['number']}") and rebase.outputs["url"] in first.summary
    proposed = remote_ref(remote, REBASE_BRANCH)
    git(remote, "merge-base", "--is-ancestor", "main", REBASE_BRANCH)  # built on main as pushed, state commit and all
    review = world.clone("reviewer", REBASE_BRANCH)
    segments = {u.get("id"): u.find(f"{{{XLIFF20_NS}}}segment")
                for u in parse(key.path(review / "l10n").read_bytes()).getroot().iter(f"{{{XLIFF20_NS}}}unit")}
    assert segments[contested].get("state") == "initial", "the unit PX changed too waits for review"
    assert all(segments[u].get("state") != "initial" and "[fr-FR]" in segments[u].findtext(f"{{{XLIFF20_NS}}}target")
               for u in untouched), "the units PX left alone keep the edit as it is"

    unreviewed = runner.run("check-translations.yml", "check", event="pull_request", pr_head=REBASE_BRANCH)
    assert unreviewed.conclusion == "failure", unreviewed.log  # merged now, the file would be held back
    assert contested in unreviewed.step("push-check").log, unreviewed.step("push-check").log
    n = len(runner.gh()["calls"])
    again = runner.run("push-to-px.yml", "push", event="push")
    assert again.step("rebase").outcome == "success", again.step("rebase").log
    assert remote_ref(remote, REBASE_BRANCH) == proposed and "nothing to push" in again.step("rebase").log
    assert [c for c in calls(runner, n) if c != ["pr", "list"]] == [] and len(runner.gh()["prs"]) == 1

    path = key.path(review / "l10n")
    path.write_text(path.read_text(encoding="utf-8").replace('state="initial"', 'state="translated"'), encoding="utf-8")
    git(review, "commit", "-q", "-am", "fr-FR: checked against PX's text")  # by "Human"
    git(review, "push", "-q", "origin", REBASE_BRANCH)
    reviewed = remote_ref(remote, REBASE_BRANCH)
    checked = runner.run("check-translations.yml", "check", event="pull_request", pr_head=REBASE_BRANCH)
    assert checked.conclusion == "success", checked.log  # reviewed: what push would send once merged
    n = len(runner.gh()["calls"])
    third = runner.run("push-to-px.yml", "push", event="push")
    log = third.step("rebase").log
    assert remote_ref(remote, REBASE_BRANCH) == reviewed, "the review is not overwritten"
    assert f"::warning title=pxl10n rebase::{REBASE_BRANCH} holds a review under way" in log, log
    assert "Human: fr-FR: checked against PX's text" in log
    assert calls(runner, n) == []

    merger = world.clone("merger")
    git(merger, "merge", "-q", "--no-ff", "--no-edit", f"origin/{REBASE_BRANCH}")
    git(merger, "push", "-q", "origin", "main")
    runner.merge_pr(pr["number"])
    done = runner.run("push-to-px.yml", "push", event="push")
    assert done.conclusion == "success", done.log
    assert done.step("push").outputs["pushed"] == "1" and done.step("rebase").outcome == "skipped"
    sent = world.emulator.store.get("article", key.item_id).translations["fr-FR"]
    assert sent[contested].startswith("[fr-FR]") and all(sent[u].startswith("[fr-FR]") for u in untouched), sent
