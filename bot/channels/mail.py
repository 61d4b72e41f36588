"""The assistant's answers as the plain text of an e-mail.

A mail program shows plain text as it is: Markdown marks would be noise, but
paragraphs, list items and whole links stay. Agents' replies are not shaped:
they go out as the agent wrote them.
"""

from __future__ import annotations

from bot.channels.plain import markdown_lines, plain_line


def mail_text(text: str) -> str:
    """`text` without Markdown: one line per line, a blank line between paragraphs."""
    lines = markdown_lines(text, _link)
    shaped: list[str] = []
    for line in lines:
        if line.kind == "blank":
            if shaped and shaped[-1]:
                shaped.append("")
            continue
        shaped.append(plain_line(line))
    return "\n".join(shaped).strip()


def _link(label: str, url: str) -> str:
    if label in (url, url.split("://", 1)[-1]):
        return url
    return f"{label} ({url})"
