"""HTML pages from Jinja2 templates shipped as package data: one environment, two families.

Every HTML page xinyong writes is rendered here (issue 11: no HTML assembled in Python):

- ``publish/…`` — the public 一公开 site (:mod:`xinyong.publish.site`), templates in
  ``src/xinyong/publish/templates/`` on the layout ``publish/base.html``;
- ``reports/…`` — the internal pages (model validation, tier monitoring, estimates), templates in
  ``src/xinyong/reports/templates/`` on the layout ``reports/base.html``, which carries the
  "内部资料 INTERNAL" banner;
- ``rounds/…`` — the documents of a round printed on paper: the 检查告知书 each firm is given
  (:mod:`xinyong.rounds.notice`, rendered to PDF), templates in ``src/xinyong/rounds/templates/``.

Autoescaping is on for every ``.html`` template, so a firm name with ``&``, quotes or angle brackets is text, never
markup; the one deliberate exception is the SVG that matplotlib draws (:func:`xinyong.reports.plot.svg`
marks it as :class:`markupsafe.Markup`).  A variable a template uses but the caller did not pass is an
error (``StrictUndefined``), not an empty string.  The Python side computes the values — numbers already
formatted, rows as dataclasses or plain lists — and the templates hold the markup and the page texts.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from jinja2 import Environment, PackageLoader, PrefixLoader, StrictUndefined, select_autoescape

FAMILIES = {  # template prefix → package
    "publish": "xinyong.publish",
    "reports": "xinyong.reports",
    "rounds": "xinyong.rounds",
}


@cache
def environment() -> Environment:
    """The one Jinja2 environment: ``publish/NAME`` and ``reports/NAME`` from the packages' ``templates/``."""
    return Environment(
        loader=PrefixLoader({prefix: PackageLoader(package, "templates") for prefix, package in FAMILIES.items()}),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(template: str, **context: object) -> str:
    """The page ``template`` (e.g. ``"reports/tiers.html"``) rendered with ``context``."""
    return environment().get_template(template).render(context)


@dataclass(frozen=True)
class IntervalText:
    """An estimate and its interval, formatted for a page (``reports/macros.html``'s ``interval``)."""

    value: str
    low: str
    high: str

    @classmethod
    def of(cls, value: float, low: float, high: float, digits: int = 3) -> IntervalText:
        return cls(f"{value:.{digits}f}", f"{low:.{digits}f}", f"{high:.{digits}f}")


@dataclass(frozen=True)
class PsiRow:
    """One line of a PSI table: the indicator's label, its PSI, whether it alarms, and its bins if shown."""

    label: str
    value: str
    alert: bool
    bins: str | None = None
