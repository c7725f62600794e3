"""A GitHub of our own: a bare "remote", a fake ``gh`` and a runner that plays the example workflows for real.

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
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from lxml import etree

from pxl10n.emulator.server import EmulatorServer
from pxl10n.layout import FileKey
from pxl10n.xliff.io import XLIFF20_NS, parse

from .actions import ACTION, ACTION_DIR, EXAMPLES, is_pxl10n_action, load_yaml, parse_outputs
from .cli import run
from .gh_expressions import condition, interpolate
from .project import API_KEY, content_entries, write_config
from .zygote import Zygote

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
            before_step: Callable[[str], None] | None = None, machine_env: dict[str, str] | None = None) -> JobResult:
        """Play the job; ``before_step(name)`` runs before each step (the world changing meanwhile); ``machine_env``
        is in every step's environment, as the runner machine's own (``PXL10N_CRASH_AT``: the job dies there)."""
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
            "FAKE_GH_STATE": str(self.gh_state), "FAKE_GH_REMOTE": str(self.remote), **(machine_env or {}),
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


def new_remote(root: Path, emulator: EmulatorServer) -> Path:
    """A bare repository in ``root`` whose main holds README.md and a pxl10n.toml for ``emulator`` (reset)."""
    remote = root / "remote.git"
    git(root, "init", "-q", "--bare", "-b", "main", str(remote))
    git(remote, "config", "uploadpack.allowAnySHA1InWant", "true")  # as GitHub: fetch a commit by sha
    git(remote, "config", "receive.autogc", "false")  # as GitHub: a push does not wait for a gc
    seed = root / "seed"
    git(root, "clone", "-q", str(remote), str(seed))
    git(seed, "checkout", "-q", "-b", "main")
    write_config(seed, emulator.base_url, content=content_entries(emulator.reset()))
    (seed / "README.md").write_text("app\n")
    git(seed, "add", ".")
    git(seed, "commit", "-q", "-m", "initial")
    git(seed, "push", "-q", "origin", "main")
    return remote


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


def world_in(tmp_path: Path, template: Path, emulator: EmulatorServer, zygote: Zygote, python: Path) -> World:
    remote = tmp_path / "remote.git"
    shutil.copytree(template, remote, symlinks=True)
    return World(tmp_path, remote, emulator, Runner(tmp_path / "runner", remote, zygote.client, python))


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


