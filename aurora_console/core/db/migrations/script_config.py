"""Flyway's per-script configuration: ``V1__x.sql.conf`` next to ``V1__x.sql``.

Keys, as in Flyway's ``SqlScriptMetadata`` (github.com/flyway/flyway, flyway-core/.../internal/
sqlscript/SqlScriptMetadata.java): ``executeInTransaction`` (true|false), ``encoding`` (the
file's character set) and ``placeholderReplacement`` (true|false). Booleans are ``true``/``false``
in any case; anything else is an error, as are unknown keys (Flyway rejects those too).
``shouldExecute`` (a Flyway Teams feature) is refused with a clear message. The ``.conf`` file
itself is not part of the migration's checksum (Flyway checksums only the script).
"""

from __future__ import annotations

import codecs
import os
from dataclasses import dataclass

from .properties import PropertiesError, parse_flyway_conf

SUFFIX = ".conf"
KNOWN_KEYS = ("executeInTransaction", "encoding", "placeholderReplacement")


class ScriptConfigError(ValueError):
    """A ``.sql.conf`` file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class ScriptConfig:
    name: str = ""  # the .conf file's name ("V3__x.sql.conf"); empty when there is none
    execute_in_transaction: bool | None = None
    encoding: str | None = None
    placeholder_replacement: bool | None = None


NONE = ScriptConfig()


def _bool(name: str, key: str, value: str) -> bool:
    v = value.strip().lower()
    if v not in ("true", "false"):
        raise ScriptConfigError(f"{name}: invalid value for {key} (should be either true or false): {value!r}")
    return v == "true"


def parse_script_config(name: str, text: str, env: dict[str, str] | None = None) -> ScriptConfig:
    """Read a ``.sql.conf`` file's text as Flyway does (see ``properties.parse_flyway_conf``)."""
    try:
        props = parse_flyway_conf(text, dict(os.environ) if env is None else env)
    except PropertiesError as e:
        raise ScriptConfigError(f"{name}: {e}") from e
    eit = enc = rep = None
    for key, value in props.items():
        if key == "executeInTransaction":
            eit = _bool(name, key, value)
        elif key == "placeholderReplacement":
            rep = _bool(name, key, value)
        elif key == "encoding":
            enc = value.strip()
            try:
                codecs.lookup(enc)
            except LookupError as e:
                raise ScriptConfigError(f"{name}: unknown encoding {enc!r}") from e
        elif key == "shouldExecute":
            raise ScriptConfigError(f"{name}: shouldExecute (a Flyway Teams feature) is not supported")
        else:
            raise ScriptConfigError(f"{name}: unknown property {key!r}; known: {', '.join(KNOWN_KEYS)}")
    return ScriptConfig(name, eit, enc, rep)


def load_script_config(sql_path: str) -> ScriptConfig:
    """The configuration of the script at ``sql_path`` (``NONE`` when it has no ``.conf``)."""
    conf = sql_path + SUFFIX
    try:
        with open(conf, "rb") as fh:
            raw = fh.read()
    except FileNotFoundError:
        return NONE
    except OSError as e:  # a folder named like it, a permission
        raise ScriptConfigError(f"{os.path.basename(conf)}: cannot read it: {e.strerror or e}") from e
    name = os.path.basename(conf)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ScriptConfigError(f"{name}: not valid UTF-8") from e
    return parse_script_config(name, text)
