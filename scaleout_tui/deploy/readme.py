"""The README an export writes beside its files: where they came from, what is in them, and
what the design has that they cannot say (the notes), in the player's language."""

from __future__ import annotations

from scaleout_tui.deploy import texts
from scaleout_tui.deploy.design import Design, Export, Format, Note


def note_text(code: str, params: dict[str, object]) -> str:
    """A note's sentence; a code without a sentence shows as itself (a writer's bug, not a crash)."""
    template = texts.NOTES.get(code)
    return code if template is None else template.format(**params)


def readme(design: Design, fmt: Format, out: Export) -> str:
    level = design.level
    lines = [f"# {texts.README_TITLE.format(level=level.id, format=fmt.name)}", "",
             texts.README_WRITTEN_BY.format(level=level.id), ""]
    lines += [f"- `{k} = {v}`" for k, v in design.knobs.items()]
    lines += ["", f"## {texts.README_FILES}", ""]
    lines += [f"- `{name}`" for name in sorted(out.files)]
    lines += ["", f"## {texts.README_NOTES}", ""]
    notes = [*out.notes]
    if design.changes:
        changes = ", ".join(f"{k}={v} @{at:g}s" for at, k, v in design.changes)
        notes.append(Note("changes", {"changes": changes}))
    lines += [f"- {note_text(n.code, dict(n.params))}" for n in notes] or [texts.README_NO_NOTES]
    if fmt.check:
        lines += ["", f"## {texts.README_CHECK}", "", "```sh", fmt.check, *out.checks, "```"]
    return "\n".join(lines) + "\n"

