"""YAML documents with the line of every key, for the readers that must say ``file:line``.

Why apart: the Kubernetes and CloudFormation readers both report a skipped field or a bad value
at its line, and PyYAML gives lines only on its node tree (``compose``), not on the Python data
(``load``). A :class:`Lines` maps each path of keys and indexes (``("spec", "ports", 0)``) to the
line its key starts on, from the same node the data was constructed from.
"""

from __future__ import annotations

from typing import Any

import yaml

from scaleout_tui.deploy import texts
from scaleout_tui.deploy.design import ConfigError, Where

Path = tuple[str | int, ...]


class Lines:
    """Where each key of one document starts: ``at(path)`` is the line of the deepest key of
    ``path`` that exists (the document's first line for none)."""

    def __init__(self, file: str, node: yaml.Node) -> None:
        self.file = file
        self.first = node.start_mark.line + 1
        self._line: dict[Path, int] = {}
        self._seen: set[int] = set()
        self._walk(node, ())

    def _walk(self, node: yaml.Node, path: Path) -> None:
        # an alias is the anchored node again: walked once, or a few nested aliases (a "billion
        # laughs" file) would make the paths exponential; a key under an alias reports the line
        # of the alias, the deepest key of its path that was walked
        if id(node) in self._seen:
            return
        self._seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    sub = (*path, key.value)
                    self._line[sub] = key.start_mark.line + 1
                    self._walk(value, sub)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                sub = (*path, i)
                self._line[sub] = item.start_mark.line + 1
                self._walk(item, sub)

    def at(self, *path: str | int) -> Where:
        for end in range(len(path), 0, -1):
            line = self._line.get(path[:end])
            if line is not None:
                return Where(self.file, line)
        return Where(self.file, self.first)


def yaml_error(file: str, error: yaml.YAMLError) -> ConfigError:
    """PyYAML's error as one line naming the file and the line of the problem."""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    line = 0 if mark is None else mark.line + 1
    problem = getattr(error, "problem", None) or str(error)
    return ConfigError(Where(file, line), texts.YAML_ERROR.format(problem=" ".join(str(problem).split())))


def documents(
    file: str,
    text: str,
    loader: type[yaml.SafeLoader] = yaml.SafeLoader,
) -> list[tuple[Any, Lines]]:
    """Every non-empty document of ``text`` with its lines, constructed by ``loader`` (a
    ``SafeLoader`` or a subclass that knows more tags). Raises :class:`ConfigError`."""
    out = []
    try:
        for node in yaml.compose_all(text, Loader=loader):
            if node is None:
                continue
            load = loader("")
            try:
                data = load.construct_document(node)
            finally:
                load.dispose()
            out.append((data, Lines(file, node)))
    except yaml.YAMLError as e:
        raise yaml_error(file, e) from None
    return out
