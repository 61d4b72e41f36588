"""axe-core on a page in the browser: the accessibility check of the widget and
the agent console.

axe-core is the copy bundled in the axe-playwright-python package (a dev
dependency in pyproject.toml, so `scripts/setup` installs it): nothing is
fetched at test time. Only the WCAG 2.x A and AA rules run, not axe's "best
practice" ones, so a test page's own bareness is not counted against the widget.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

from playwright.sync_api import Page

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@cache
def _axe_source() -> str:
    return files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")


def _described(violation: dict[str, Any]) -> str:
    nodes = "\n".join(
        f"    {' > '.join(map(str, node['target']))}: "
        + " ".join(str(node.get("failureSummary", "")).split())
        for node in violation["nodes"][:5]
    )
    return f"  {violation['id']} ({violation['impact']}): {violation['help']}\n{nodes}"


def assert_no_axe_violations(page: Page, label: str) -> None:
    """Fail, listing each violation and where, if axe-core finds a WCAG A/AA problem
    on `page` as it is now (open shadow roots included). `label` names the state."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(_axe_source())  # through the debugger: a page's CSP does not apply
    result = page.evaluate(
        """(tags) => axe.run(document, {
            runOnly: { type: "tag", values: tags },
            resultTypes: ["violations"],
        })""",
        WCAG_TAGS,
    )
    violations = result["violations"]
    assert not violations, f"axe-core, {label}: {len(violations)} violation(s)\n" + "\n".join(
        map(_described, violations)
    )
