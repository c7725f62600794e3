"""The one content-model matcher: children of an element against a sequence of particles.

Both XLIFF schemas (1.2 strict and 2.0 core and modules) give every element's
content as a sequence of simple particles, each a choice of names occurring
``min`` to ``max`` times, with an ``##other`` wildcard for elements of other
namespaces. :func:`match` walks the children once, greedily (the models are
deterministic), and says where each child went and what does not fit; each
family turns that into its own rules and messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

#: Wildcard name in a particle: any element from a namespace other than the parent's.
OTHER = "##other"
UNBOUNDED = 1 << 30


@dataclass(frozen=True)
class Particle:
    """One step of a sequence: any of ``names``, occurring ``min`` to ``max`` times."""

    names: frozenset[str]
    min: int = 1
    max: int = 1


def one(*names: str) -> Particle:
    """Exactly one of ``names``."""
    return Particle(frozenset(names), 1, 1)


def opt(*names: str) -> Particle:
    """Zero or one of ``names``."""
    return Particle(frozenset(names), 0, 1)


def star(*names: str) -> Particle:
    """Zero or more of ``names``."""
    return Particle(frozenset(names), 0, UNBOUNDED)


def plus(*names: str) -> Particle:
    """One or more of ``names``."""
    return Particle(frozenset(names), 1, UNBOUNDED)


class Misfit(StrEnum):
    """Why a child has no place in the sequence."""

    #: the content model names it, but not at this point
    ORDER = "order"
    #: it fits the current step, which already holds its maximum
    TOO_MANY = "too_many"
    #: the content model has no place for it at all
    NOT_ALLOWED = "not_allowed"


@dataclass
class Match:
    """Where each child went (index of its particle, None for a misfit) and what went wrong."""

    placed: list[int | None] = field(default_factory=list)
    #: (child index, why)
    misfits: list[tuple[int, Misfit]] = field(default_factory=list)
    #: (particle index, index of the child it should precede, None at the end)
    missing: list[tuple[int, int | None]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every child fits and nothing required is missing."""
        return not self.misfits and not self.missing


def mentioned(particles: Sequence[Particle]) -> frozenset[str]:
    """Every name a sequence mentions (tells 'out of order' from 'not allowed')."""
    return frozenset().union(*(p.names for p in particles)) if particles else frozenset()


def match(particles: Sequence[Particle], children: Sequence[tuple[str, bool]],
          names: frozenset[str] | None = None) -> Match:
    """Match ``children`` -- (name, is from another namespace) -- against ``particles``.

    A required particle is only reported missing when none of its names occurs
    among the children at all (otherwise the child is out of order, and that is
    the one finding). ``names`` is :func:`mentioned` of ``particles``, when the
    caller has it at hand.
    """
    result = Match()
    if names is None:
        names = mentioned(particles)
    n, i, count = len(particles), 0, 0
    sets, maxes = [p.names for p in particles], [p.max for p in particles]
    placed = result.placed
    for position, (name, foreign) in enumerate(children):
        if i < n and count < maxes[i] and (name in sets[i] or (foreign and OTHER in sets[i])):
            count += 1  # another child of the current step (a run of <unit>s): nothing skipped, nothing missing
            placed.append(i)
            continue
        j, c = min(i + 1, n), 0  # the current step cannot take it
        while j < n:
            part = sets[j]
            if c < maxes[j] and (name in part or (foreign and OTHER in part)):
                break
            j += 1
        if j == n:
            result.placed.append(None)
            fits = name in names or (foreign and OTHER in names)
            current = i < n and (name in particles[i].names or (foreign and OTHER in particles[i].names))
            why = Misfit.TOO_MANY if current else Misfit.ORDER if fits else Misfit.NOT_ALLOWED
            result.misfits.append((position, why))
            continue
        for k in range(i, j):
            if particles[k].min > (count if k == i else 0):
                result.missing.append((k, position))
        i, count = j, c + 1
        result.placed.append(j)
    for k in range(i, n):
        if particles[k].min > (count if k == i else 0):
            result.missing.append((k, None))
    if result.missing:
        present = {name for name, _ in children}
        foreign_present = any(foreign for _, foreign in children)
        result.missing = [
            (k, before) for k, before in result.missing
            if not (particles[k].names & present or (foreign_present and OTHER in particles[k].names))
        ]
    return result
