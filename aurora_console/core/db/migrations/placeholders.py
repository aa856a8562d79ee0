"""Flyway placeholders: ``${name}`` in migration and callback SQL, replaced before it runs.

Behaviour learnt from Flyway's ``PlaceholderReplacingReader`` and ``ParsingContext``
(github.com/flyway/flyway, flyway-core/.../internal/parser/):

* every occurrence of the prefix (default ``${``) up to the next suffix (default ``}``) is a
  placeholder, wherever it is (inside strings and comments too); names are case-insensitive;
* a name with no value is an error: "No value provided for placeholder: ${name}" (here with the
  file and line); an unterminated ``${`` runs to the end of the file and is an error the same way;
* built-ins ``${flyway:defaultSchema}``, ``${flyway:user}``, ``${flyway:database}``,
  ``${flyway:timestamp}`` (``yyyy-MM-dd HH:mm:ss``), ``${flyway:workingDirectory}``,
  ``${flyway:table}``, ``${flyway:environment}``, and per script ``${flyway:filename}``; the
  separator ``:`` is Flyway's ``placeholderSeparator``;
* ``placeholderReplacement=false`` (globally or in a script's ``.conf``) leaves the text alone.

Checksums, as Flyway computes them (``SqlMigrationResolver.getChecksumForLoadableResource``): a
versioned migration is checksummed over the file as written; a repeatable one over the text with
placeholders replaced, so changing a placeholder's value makes the repeatable run again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .errors import MigrationError

DEFAULT_PREFIX = "${"
DEFAULT_SUFFIX = "}"
DEFAULT_SEPARATOR = ":"
BUILT_INS = ("defaultSchema", "user", "database", "timestamp", "filename", "workingDirectory", "table",
             "environment")


class PlaceholderError(MigrationError):
    """A placeholder without a value (names the placeholder, the file and the line)."""

    def __init__(self, script: str, line: int, placeholder: str, *, built_in: bool,
                 unterminated: bool = False) -> None:
        self.script, self.line, self.placeholder = script, line, placeholder
        if unterminated:
            what = f"placeholder {placeholder} has no closing suffix"
            hint = "Close it, or turn placeholder replacement off for this file (placeholderReplacement=false)."
        elif built_in:
            what = f"failed to populate value for default placeholder: {placeholder}"
            hint = f"Built-in placeholders: {', '.join('flyway:' + b for b in BUILT_INS)}."
        else:
            what = f"no value provided for placeholder: {placeholder}"
            hint = ("Give it a value (flyway.placeholders.NAME in flyway.conf, [flyway.placeholders] in "
                    "flyway.toml, FLYWAY_PLACEHOLDERS_NAME, or --placeholder NAME=VALUE), or turn "
                    "placeholder replacement off.")
        self.problem_text = f"line {line}: {what}"
        super().__init__(f"{script}, line {line}: {what}", hint=hint)


@dataclass(frozen=True)
class Placeholders:
    """Values and syntax; ``enabled=False`` turns replacement off."""

    values: Mapping[str, str] = field(default_factory=dict)
    prefix: str = DEFAULT_PREFIX
    suffix: str = DEFAULT_SUFFIX
    separator: str = DEFAULT_SEPARATOR
    enabled: bool = True

    def __post_init__(self) -> None:
        if not self.prefix or not self.suffix:
            raise ValueError("the placeholder prefix and suffix must not be empty")

    def with_values(self, extra: Mapping[str, str]) -> Placeholders:
        merged = dict(self.values)
        merged.update(extra)
        return Placeholders(merged, self.prefix, self.suffix, self.separator, self.enabled)

    def built_in(self, name: str) -> str:
        return f"flyway{self.separator}{name}"

    def replace(self, text: str, script: str = "", *, filename: str | None = None) -> str:
        """``text`` with every placeholder replaced; raises :class:`PlaceholderError`."""
        if not self.enabled or self.prefix not in text:
            return text
        lookup = {k.lower(): v for k, v in self.values.items()}
        if filename is not None:
            lookup[self.built_in("filename").lower()] = filename
        out: list[str] = []
        pos = 0
        find = text.find
        while True:
            start = find(self.prefix, pos)
            if start < 0:
                out.append(text[pos:])
                return "".join(out)
            out.append(text[pos:start])
            name_start = start + len(self.prefix)
            end = find(self.suffix, name_start)
            if end < 0:
                shown = text[name_start:name_start + 40].split("\n", 1)[0]
                raise PlaceholderError(script, text.count("\n", 0, start) + 1, self.prefix + shown + "...",
                                       built_in=False, unterminated=True)
            name = text[name_start:end]
            value = lookup.get(name.lower())
            if value is None:
                raise PlaceholderError(script, text.count("\n", 0, start) + 1, self.prefix + name + self.suffix,
                                       built_in=name.startswith("flyway" + self.separator))
            out.append(value)
            pos = end + len(self.suffix)


NO_PLACEHOLDERS = Placeholders(enabled=False)
