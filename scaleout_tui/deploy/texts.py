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

# ---- the sandbox policy an import writes ------------------------------------------------------------
POLICY_HEADER = "Settings read by scaleout import for {level}, from:"
POLICY_RUN = "Play them: scaleout run {level} --policy THIS_FILE --set traffic=SCENARIO"
POLICY_MOVED = "written as {value}, the nearest choice the sandbox offers"
POLICY_LEFT_OUT = "Left out (the sandbox cannot play them):"
#: why an imported setting is not played as written, by code (``Adjusted.reason``)
ADJUSTED: dict[str, str] = {
    "nearest": "{where}: {param} = {value}: not a choice of the sandbox; playing {instead}, the nearest",
    "no_knob": "{where}: {param} = {value}: the sandbox has no knob for this",
    "no_choice": "{where}: {param} = {value}: the sandbox offers no such choice",
}

# ---- the command line ---------------------------------------------------------------------------
HELP_EXPORT = "write a design as real nginx, HAProxy, Kubernetes or AWS CloudFormation configuration"
HELP_EXPORT_SOURCE = "a level id or file (with --policy and --set values), or a recording: the knob " \
                     "values its run ended with"
HELP_EXPORT_POLICY = "a policy file of knob values (as scaleout run --policy takes)"
HELP_EXPORT_SET = "set one knob, after the policy (repeatable)"
HELP_EXPORT_TO = "the format: {formats}"
HELP_EXPORT_OUT = "the folder to write into (made if missing; files of the same names are replaced)"
HELP_IMPORT = "read nginx, HAProxy, Kubernetes or CloudFormation files as a policy for the sandbox"
HELP_IMPORT_FILES = "configuration files; each one's format is recognised from what it holds"
HELP_IMPORT_OUT = "write the policy here (default: print it)"
WROTE = "wrote {path}"
WROTE_POLICY = "wrote {path}: play it with scaleout run {level} --policy {path}"
NOTE_LINE = "note: {note}"
SKIPPED_LINE = "{where}: {directive}: left out: {reason}"
CANNOT_WRITE = "{path}: cannot write: {reason}"

# ---- errors --------------------------------------------------------------------------------------
UNKNOWN_FORMAT = "not a configuration scaleout reads (nginx, HAProxy, Kubernetes YAML or CloudFormation)"
NOT_UTF8 = "not UTF-8 text"

i18n.translatable(globals())
