"""How a decision acts on its subject, without `programmes` knowing the subject's app.

Each app that owns a kind of subject registers its rules here (in its AppConfig.ready): `check` refuses a decision
that breaks the subject's rules (wrong body, wrong order) with a ValidationError naming the missing step, and
`apply` carries the decision out (moves a review's stage, accepts a recommendation) in the same transaction as the
Decision itself. `programmes.services.decision_record` is the one entry point that calls them.
"""

from typing import Protocol

from django.db import models


class DecisionRules(Protocol):
    def check(self, *, decision, effect: dict | None = None) -> None: ...

    def apply(self, *, decision, actor, reason: str, effect: dict | None = None) -> None: ...


class NoRules:
    """Subjects without rules of their own (a programme, say): any decision may be recorded on them."""

    def check(self, *, decision, effect: dict | None = None) -> None:
        return None

    def apply(self, *, decision, actor, reason: str, effect: dict | None = None) -> None:
        return None


_RULES: dict[str, DecisionRules] = {}


def register_rules(model: type[models.Model], rules: DecisionRules) -> None:
    _RULES[model._meta.label_lower] = rules


def rules_for(subject: models.Model) -> DecisionRules:
    return _RULES.get(subject._meta.label_lower, NoRules())
