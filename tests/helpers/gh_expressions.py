"""A small evaluator for the subset of GitHub's ``${{ }}`` expression language the workflows use.

It raises on anything outside that subset, so a workflow cannot silently step
outside what the static checks (``test_workflows``) and the runner
(``test_github_flow``) understand.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any


class ExprError(ValueError):
    """An expression outside the subset the tests understand."""


_TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<num>-?\d+(?:\.\d+)?)|(?P<op>==|!=|<=|>=|&&|\|\||[!<>().,\[\]*])"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_-]*))"
)
_STATUS_FUNCTIONS = ("success", "failure", "always", "cancelled")
_FUNCTIONS = {*_STATUS_FUNCTIONS, "contains", "startsWith", "endsWith", "format", "toJSON", "fromJSON"}
_LITERALS = {"true": True, "false": False, "null": None}


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ExprError(f"cannot read {text[pos:]!r} in {text!r}")
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


def _children(node: Any) -> list[Any]:
    """The sub-expressions of a parsed node."""
    if node[0] == "call":
        return list(node[2])
    if node[0] in ("or", "and"):
        return [node[1], node[2]]
    if node[0] == "cmp":
        return [node[2], node[3]]
    if node[0] == "not":
        return [node[1]]
    return []


class Expr:
    """A parsed ``${{ }}`` expression: the context paths it reads, and evaluation."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._toks = _tokens(text)
        self._i = 0
        self.tree = self._or()
        if self._i != len(self._toks):
            raise ExprError(f"unexpected {self._toks[self._i][1]!r} in {text!r}")

    # parsing -> nested tuples
    def _peek(self) -> str | None:
        return self._toks[self._i][1] if self._i < len(self._toks) else None

    def _take(self, value: str | None = None) -> tuple[str, str]:
        if self._i >= len(self._toks):
            raise ExprError(f"unexpected end of {self.text!r}")
        tok = self._toks[self._i]
        if value is not None and tok[1] != value:
            raise ExprError(f"expected {value!r}, got {tok[1]!r} in {self.text!r}")
        self._i += 1
        return tok

    def _or(self) -> Any:
        node = self._and()
        while self._peek() == "||":
            self._take()
            node = ("or", node, self._and())
        return node

    def _and(self) -> Any:
        node = self._cmp()
        while self._peek() == "&&":
            self._take()
            node = ("and", node, self._cmp())
        return node

    def _cmp(self) -> Any:
        node = self._unary()
        if self._peek() in ("==", "!=", "<", ">", "<=", ">="):
            op = self._take()[1]
            node = ("cmp", op, node, self._unary())
        return node

    def _unary(self) -> Any:
        if self._peek() == "!":
            self._take()
            return ("not", self._unary())
        return self._primary()

    def _primary(self) -> Any:
        kind, value = self._take()
        if value == "(":
            node = self._or()
            self._take(")")
            return node
        if kind == "str":
            return ("lit", value[1:-1].replace("''", "'"))
        if kind == "num":
            return ("lit", float(value) if "." in value else int(value))
        if kind != "name":
            raise ExprError(f"unexpected {value!r} in {self.text!r}")
        if value in _LITERALS:
            return ("lit", _LITERALS[value])
        if self._peek() == "(":
            return self._call(value)
        return self._path(value)

    def _call(self, name: str) -> Any:
        if name not in _FUNCTIONS:
            raise ExprError(f"unknown function {name}() in {self.text!r}")
        self._take("(")
        args = []
        while self._peek() != ")":
            args.append(self._or())
            if self._peek() == ",":
                self._take(",")
        self._take(")")
        return ("call", name, args)

    def _path(self, first: str) -> Any:
        path = [first]
        while self._peek() in (".", "["):
            if self._take()[1] == ".":
                kind, name = self._take()
                if kind != "name":
                    raise ExprError(f"bad property {name!r} in {self.text!r}")
                path.append(name)
            else:
                kind, key = self._take()
                if kind != "str":
                    raise ExprError(f"only literal [''] keys are supported in {self.text!r}")
                path.append(key[1:-1])
                self._take("]")
        return ("path", tuple(path))

    # analysis
    def paths(self) -> list[tuple[str, ...]]:
        """Every context path the expression reads (``steps.x.outputs.y`` as a tuple)."""
        found: list[tuple[str, ...]] = []

        def walk(node: Any) -> None:
            if node[0] == "path":
                found.append(node[1])
            for child in _children(node):
                walk(child)

        walk(self.tree)
        return found

    def uses_status_function(self) -> bool:
        def walk(node: Any) -> bool:
            if node[0] == "call" and node[1] in _STATUS_FUNCTIONS:
                return True
            return any(walk(child) for child in _children(node))

        return walk(self.tree)

    # evaluation, with GitHub's semantics for the operators used
    def evaluate(self, ctx: dict[str, Any], status: str = "success") -> Any:
        return _eval(self.tree, ctx, status)


def truthy(value: Any) -> bool:
    """GitHub's truthiness: null, false, 0 and '' are false."""
    return value not in (None, False, 0, "", 0.0)


def _coerce(value: Any) -> Any:
    if isinstance(value, str):
        return value.lower()
    return value


def _compare(op: str, left: Any, right: Any) -> bool:
    if isinstance(left, str) != isinstance(right, str) and None not in (left, right):
        left, right = str(left), str(right)  # good enough: the workflows compare strings
    left = _coerce("" if left is None else left)
    right = _coerce("" if right is None else right)
    return {"==": left == right, "!=": left != right, "<": left < right, ">": left > right,
            "<=": left <= right, ">=": left >= right}[op]


def _contains(args: list[Any]) -> bool:
    if isinstance(args[0], str):
        return bool(_coerce(str(args[1])) in _coerce(str(args[0])))
    return args[1] in (args[0] or [])


def _format(args: list[Any]) -> str:
    return re.sub(r"\{(\d+)\}", lambda m: str(args[1 + int(m.group(1))]), args[0])


_CALLS: dict[str, Callable[[list[Any], str], Any]] = {
    "success": lambda args, status: status == "success",
    "failure": lambda args, status: status == "failure",
    "always": lambda args, status: True,
    "cancelled": lambda args, status: False,
    "contains": lambda args, status: _contains(args),
    "startsWith": lambda args, status: _coerce(str(args[0])).startswith(_coerce(str(args[1]))),
    "endsWith": lambda args, status: _coerce(str(args[0])).endswith(_coerce(str(args[1]))),
    "format": lambda args, status: _format(args),
    "toJSON": lambda args, status: json.dumps(args[0]),
    "fromJSON": lambda args, status: json.loads(args[0]),
}


def _lookup(path: tuple[str, ...], ctx: dict[str, Any]) -> Any:
    value: Any = ctx
    for part in path:
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _eval(node: Any, ctx: dict[str, Any], status: str) -> Any:
    kind = node[0]
    if kind == "lit":
        return node[1]
    if kind == "path":
        return _lookup(node[1], ctx)
    if kind in ("or", "and"):
        left = _eval(node[1], ctx, status)
        if truthy(left) == (kind == "or"):
            return left
        return _eval(node[2], ctx, status)
    if kind == "not":
        return not truthy(_eval(node[1], ctx, status))
    if kind == "cmp":
        return _compare(node[1], _eval(node[2], ctx, status), _eval(node[3], ctx, status))
    if kind == "call" and node[1] in _CALLS:
        return _CALLS[node[1]]([_eval(a, ctx, status) for a in node[2]], status)
    raise ExprError(f"cannot evaluate {node!r}")


_EMBEDDED = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)


def expressions_in(text: str) -> list[Expr]:
    """Every ``${{ }}`` expression embedded in ``text``, parsed."""
    return [Expr(m.group(1)) for m in _EMBEDDED.finditer(text)]


def _as_text(value: Any) -> str:
    """A value as the runner writes it into a string: null empty, booleans lower case."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def interpolate(value: Any, ctx: dict[str, Any]) -> str:
    """A YAML value with ``${{ }}`` parts replaced, as the runner does."""
    if not isinstance(value, str):
        return _as_text(value)
    return _EMBEDDED.sub(lambda m: _as_text(Expr(m.group(1)).evaluate(ctx)), value)


def condition(text: Any, ctx: dict[str, Any], status: str) -> bool:
    """A step's ``if:``, with the implicit ``success() &&`` when no status function is used."""
    if text is None:
        return status == "success"
    if isinstance(text, bool):
        return text and status == "success"
    body = text.strip()
    m = re.fullmatch(r"\$\{\{(.*)\}\}", body, re.DOTALL)
    expr = Expr(m.group(1) if m else body)
    if not expr.uses_status_function() and status != "success":
        return False
    return truthy(expr.evaluate(ctx, status))
