"""Regression profiles: named applicants whose verdicts advisers expect, checked against the
rules before and after a change. Pure functions over the engine's results (no Django)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from visas import rules
from visas.rules import Verdict


@dataclass(frozen=True)
class Difference:
    """One program whose verdict is not the one expected (``None``: no expectation or no
    such program)."""

    slug: str
    name: str
    expected: Verdict | None
    actual: Verdict | None

    @property
    def unexpected(self) -> bool:
        """A verdict that differs from an expectation (a new program without one is not)."""
        return self.expected is not None


def expected_verdicts(results: Sequence[rules.ProgramResult]) -> dict[str, str]:
    """What a profile expects, taken from results an adviser agrees with."""
    return {result.program.slug: result.verdict.value for result in results}


def differences(
    expected: Mapping[str, str], results: Sequence[rules.ProgramResult]
) -> list[Difference]:
    """Each program whose verdict is not the expected one, in the results' order; then the
    expected programs that are gone."""
    found = []
    for result in results:
        wanted = _verdict(expected.get(result.program.slug))
        if wanted is not result.verdict:
            found.append(
                Difference(result.program.slug, result.program.name, wanted, result.verdict)
            )
    evaluated = {result.program.slug for result in results}
    for slug, verdict in expected.items():
        if slug not in evaluated:
            found.append(Difference(slug, slug, _verdict(verdict), None))
    return found


def _verdict(value: object) -> Verdict | None:
    try:
        return Verdict(str(value)) if value is not None else None
    except ValueError:
        return None
