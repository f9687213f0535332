"""Every sentence of the export and the import: the README notes an export writes, the comments
inside the files it writes, why an imported directive was left out, and the one-line errors.

Why the comments are words too: they are what a person reads first in ``nginx.conf``, so a
Korean player gets them in Korean. The directives around them are syntax and stay as the tools
spell them (the writers build them from single tokens, never from sentences).

Templates use ``str.format`` with named fields; the fields are the ``params`` of a
:class:`~scaleout_tui.deploy.design.Note` or :class:`~scaleout_tui.deploy.design.Skipped`.
"""

from __future__ import annotations

from scaleout_tui import i18n

# ---- the export's README -------------------------------------------------------------------------
README_TITLE = "{level}: {format} configuration"
README_WRITTEN_BY = "Written by scaleout from the level {level} with these knob values:"
README_FILES = "Files"
README_NOTES = "What these files cannot say"
README_NO_NOTES = "Nothing: every setting of this design is in the files."
README_CHECK = "Check"

#: a note's sentence, by code (``Note.code``); the writers add theirs
NOTES: dict[str, str] = {
    "changes": "The policy changes knobs during the run ({changes}); a configuration is one state, "
               "so these files hold the values at the start.",
}

#: why an imported directive was left out, by code (``Skipped.reason``); the readers add theirs
SKIPPED: dict[str, str] = {
    "not_modelled": "the game does not model this",
}

# ---- errors --------------------------------------------------------------------------------------
UNKNOWN_FORMAT = "not a configuration scaleout reads (nginx, HAProxy, Kubernetes YAML or CloudFormation)"
NOT_UTF8 = "not UTF-8 text"

i18n.translatable(globals())
