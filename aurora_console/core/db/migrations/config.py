"""A Flyway project's configuration: ``flyway.conf``, ``flyway.toml`` and ``FLYWAY_*`` variables.

Where the console looks (never in the user's home folder, unlike Flyway's CLI, so a stray
``~/flyway.conf`` cannot change a run): the *project folder*, which is the migrations folder if it
holds a configuration file, else its parent if that does; in it, in this order (later wins):
``conf/flyway.conf``, ``flyway.conf``, ``flyway.toml``, ``flyway.user.toml``. ``--config FILE``
names files explicitly instead (the project folder is then the file's folder, or the parent of a
``conf/`` folder).

Precedence, as Flyway's command line merges them (github.com/flyway/flyway, flyway-commandline/
.../configuration/LegacyConfigurationManager.java and ModernConfigurationManager.java: files, then
environment variables, then command-line arguments): options over environment over files over
defaults.

* ``flyway.conf`` is read as Flyway reads it (``properties.parse_flyway_conf``: backslashes are
  literal except a line-ending one, ``${VAR}`` expands an environment variable); keys are
  ``flyway.<setting>`` and ``flyway.placeholders.<name>``.
* ``flyway.toml`` (Flyway 10): settings in ``[flyway]``, placeholders in
  ``[flyway.placeholders]``, connection and ``schemas`` in ``[environments.<name>]`` (the one named
  by ``flyway.environment``, default ``default``). ``${env.VAR}`` expands an environment variable.
* Environment: ``FLYWAY_LOCATIONS``, ``FLYWAY_TABLE``, ``FLYWAY_SCHEMAS``, ... (Flyway's names,
  ``ConfigUtils.convertKey``), ``FLYWAY_PLACEHOLDERS_<NAME>`` (the name in lower case, as Flyway
  does; placeholder names are case-insensitive anyway).

Locations: ``filesystem:<path>`` or a bare path, relative to the project folder; ``classpath:``
locations need a JVM and are refused with a clear error. Not implemented (and refused when set to
something other than the default, so a run never silently differs from Flyway's): ``clean``
(``cleanDisabled`` is accepted; the console has no clean command), other file-name prefixes and
suffixes than ``V``/``R``/``__``/``.sql``, and encodings other than UTF-8 at project level
(``encoding`` in a script's ``.sql.conf`` works).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from .errors import MigrationError
from .properties import PropertiesError, parse_flyway_conf

FLYWAY_TABLE = "flyway_schema_history"
CONF_NAMES = ("conf/flyway.conf", "flyway.conf", "flyway.toml", "flyway.user.toml")

# FLYWAY_* environment variable -> setting (Flyway's ConfigUtils.convertKey, the ones we read).
ENV_KEYS = {
    "FLYWAY_LOCATIONS": "locations",
    "FLYWAY_TABLE": "table",
    "FLYWAY_SCHEMAS": "schemas",
    "FLYWAY_DEFAULT_SCHEMA": "defaultSchema",
    "FLYWAY_CREATE_SCHEMAS": "createSchemas",
    "FLYWAY_BASELINE_VERSION": "baselineVersion",
    "FLYWAY_BASELINE_DESCRIPTION": "baselineDescription",
    "FLYWAY_BASELINE_ON_MIGRATE": "baselineOnMigrate",
    "FLYWAY_OUT_OF_ORDER": "outOfOrder",
    "FLYWAY_VALIDATE_ON_MIGRATE": "validateOnMigrate",
    "FLYWAY_CLEAN_DISABLED": "cleanDisabled",
    "FLYWAY_MIXED": "mixed",
    "FLYWAY_EXECUTE_IN_TRANSACTION": "executeInTransaction",
    "FLYWAY_PLACEHOLDER_REPLACEMENT": "placeholderReplacement",
    "FLYWAY_PLACEHOLDER_PREFIX": "placeholderPrefix",
    "FLYWAY_PLACEHOLDER_SUFFIX": "placeholderSuffix",
    "FLYWAY_PLACEHOLDER_SEPARATOR": "placeholderSeparator",
    "FLYWAY_SQL_MIGRATION_PREFIX": "sqlMigrationPrefix",
    "FLYWAY_REPEATABLE_SQL_MIGRATION_PREFIX": "repeatableSqlMigrationPrefix",
    "FLYWAY_SQL_MIGRATION_SEPARATOR": "sqlMigrationSeparator",
    "FLYWAY_SQL_MIGRATION_SUFFIXES": "sqlMigrationSuffixes",
    "FLYWAY_IGNORE_MIGRATION_PATTERNS": "ignoreMigrationPatterns",
    "FLYWAY_VALIDATE_MIGRATION_NAMING": "validateMigrationNaming",
    "FLYWAY_INSTALLED_BY": "installedBy",
    "FLYWAY_ENCODING": "encoding",
    "FLYWAY_CALLBACK_LOCATIONS": "callbackLocations",
    "FLYWAY_URL": "url",
    "FLYWAY_USER": "user",
    "FLYWAY_PASSWORD": "password",
}
KNOWN = set(ENV_KEYS.values()) | {"environment", "placeholders"}
# Settings of other Flyway features that do not change what a SQL migration run does here.
IGNORED = {"driver", "connectRetries", "connectRetriesInterval", "lockRetryCount", "group", "detectEncoding",
           "reportFilename", "workingDirectory", "jarDirs", "licenseKey", "loggers", "outputType",
           "skipDefaultCallbacks", "skipDefaultResolvers", "failOnMissingLocations", "color"}
_PLACEHOLDER_PREFIX_ENV = "FLYWAY_PLACEHOLDERS_"
_TOML_ENV = re.compile(r"\$\{env\.([A-Za-z0-9_]+)}")
_PATTERN = re.compile(r"(?:\*|repeatable|versioned)(?::(?:\*|missing|pending|ignored|future))", re.I)
_VERSION = re.compile(r"[0-9]+(?:[._][0-9]+)*")  # ASCII digits only (\d is any Unicode digit)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_$]{0,62}")


class ConfigError(MigrationError):
    """A configuration file or variable the console cannot use; names the source and the setting."""


@dataclass(frozen=True)
class FlywayConfig:
    """Typed settings with Flyway's defaults; ``set`` lists the settings that were given."""

    locations: tuple[Path, ...] = ()
    table: str | None = None
    schemas: tuple[str, ...] = ()
    default_schema: str | None = None
    create_schemas: bool = True
    placeholders: Mapping[str, str] = field(default_factory=dict)
    placeholder_replacement: bool = True
    placeholder_prefix: str = "${"
    placeholder_suffix: str = "}"
    placeholder_separator: str = ":"
    baseline_version: str = "1"
    baseline_description: str = "<< Flyway Baseline >>"
    baseline_on_migrate: bool = False
    out_of_order: bool = False
    validate_on_migrate: bool = True
    clean_disabled: bool = True
    mixed: bool = False
    execute_in_transaction: bool = True
    ignore_migration_patterns: tuple[str, ...] = ("*:future",)
    validate_migration_naming: bool = False
    installed_by: str | None = None
    environment: str = "default"
    callback_locations: tuple[Path, ...] = ()
    url: str | None = None
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    project_dir: Path | None = None
    sources: tuple[str, ...] = ()  # files and "environment" the settings came from
    set: frozenset[str] = frozenset()

    @property
    def history_schema(self) -> str | None:
        """Where the history table lives: defaultSchema, else the first of schemas (Flyway's rule)."""
        return self.default_schema or (self.schemas[0] if self.schemas else None)

    @property
    def found(self) -> bool:
        """Settings came from a file or from ``FLYWAY_*`` variables."""
        return bool(self.sources)

    @property
    def from_files(self) -> bool:
        """A Flyway configuration file was read (the folder is a Flyway project)."""
        return any(s != "environment" for s in self.sources)

    def runner_settings(self) -> dict[str, Any]:
        """``MigrationRunner`` keyword arguments these settings imply (callers may override them).

        The history table: the configured one, else Flyway's ``flyway_schema_history`` in a Flyway
        project (a configuration file was read), else the console's own table."""
        from .history import DEFAULT_SCHEMA, DEFAULT_TABLE

        return {
            "schema": self.history_schema or DEFAULT_SCHEMA,
            "table": self.table or (FLYWAY_TABLE if self.from_files else DEFAULT_TABLE),
            "out_of_order": self.out_of_order,
            "ignore_migration_patterns": (list(self.ignore_migration_patterns)
                                          if "ignoreMigrationPatterns" in self.set else None),
            "validate_migration_naming": self.validate_migration_naming,
        }


def find_config_files(folder: Path) -> tuple[Path | None, list[Path]]:
    """(project folder, configuration files in load order) for a migrations folder."""
    for candidate in (folder, folder.parent):
        files = [candidate / n for n in CONF_NAMES if (candidate / n).is_file()]
        if files:
            return candidate, files
    return None, []


def _project_of(path: Path) -> Path:
    parent = path.parent
    return parent.parent if parent.name == "conf" else parent


def read_conf_file(path: Path, env: Mapping[str, str]) -> dict[str, Any]:
    """Flat settings (``"table"``, ``"placeholders.x"``) from a ``.conf`` or ``.toml`` file."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as e:
        raise ConfigError(f"Cannot read the configuration file {path}: {e.strerror or e}") from e
    except UnicodeDecodeError as e:
        raise ConfigError(f"The configuration file {path} is not valid UTF-8") from e
    if path.suffix == ".toml":
        return _flatten_toml(path, text, env)
    try:
        props = parse_flyway_conf(text, dict(env))
    except PropertiesError as e:
        raise ConfigError(f"{path}: {e}") from e
    flat: dict[str, Any] = {}
    for key, value in props.items():
        if not key.startswith("flyway."):
            raise ConfigError(f"{path}: unknown setting {key!r} (settings start with 'flyway.')")
        flat[key[len("flyway."):]] = value
    return flat


def _flatten_toml(path: Path, text: str, env: Mapping[str, str]) -> dict[str, Any]:
    text = _TOML_ENV.sub(lambda m: env.get(m.group(1), ""), text)
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML: {e}") from e
    flyway = doc.get("flyway", {})
    if not isinstance(flyway, dict):
        raise ConfigError(f"{path}: [flyway] must be a table")
    flat: dict[str, Any] = {}
    for key, value in flyway.items():
        if key == "placeholders":
            if not isinstance(value, dict):
                raise ConfigError(f"{path}: [flyway.placeholders] must be a table")
            for name, v in value.items():
                flat[f"placeholders.{name}"] = v
        elif isinstance(value, dict):
            continue  # database-specific tables ([flyway.postgresql]...) and Teams features
        else:
            flat[key] = value
    envs = doc.get("environments", {})
    name = str(env.get("flyway_environment") or flat.get("environment") or "default")
    chosen = envs.get(name) if isinstance(envs, dict) else None
    if chosen is None and name != "default" and envs:
        raise ConfigError(f"{path}: no [environments.{name}] table (environments: {', '.join(sorted(envs))})")
    for key in ("url", "user", "password", "schemas"):
        if isinstance(chosen, dict) and key in chosen:
            flat[key] = chosen[key]
    flat["environment"] = name
    return flat


def read_environment(env: Mapping[str, str]) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in env.items():
        if key in ENV_KEYS:
            flat[ENV_KEYS[key]] = value
        elif key.startswith(_PLACEHOLDER_PREFIX_ENV) and len(key) > len(_PLACEHOLDER_PREFIX_ENV):
            flat["placeholders." + key[len(_PLACEHOLDER_PREFIX_ENV):].lower()] = value
    if env.get("flyway_environment"):
        flat["environment"] = env["flyway_environment"]
    return flat


def load_config(
    folder: Path | str | None = None,
    *,
    config_files: list[Path] | tuple[Path, ...] = (),
    env: Mapping[str, str] | None = None,
) -> FlywayConfig:
    """Settings for a migrations folder (or explicit files), with ``FLYWAY_*`` from ``env`` on top."""
    env = os.environ if env is None else env
    project: Path | None
    if config_files:
        files = [Path(f) for f in config_files]
        for f in files:
            if not f.is_file():
                raise ConfigError(f"The configuration file {f} does not exist")
        project = _project_of(files[0].resolve())
    else:
        project, files = find_config_files(Path(folder)) if folder is not None else (None, [])
    flat: dict[str, Any] = {}
    sources: list[str] = []
    origin: dict[str, str] = {}
    for f in files:
        values = read_conf_file(f, env)
        flat.update(values)
        origin.update(dict.fromkeys(values, str(f)))
        sources.append(str(f))
    from_env = read_environment(env)
    if from_env:
        flat.update(from_env)
        origin.update(dict.fromkeys(from_env, "environment"))
        sources.append("environment")
    base = project or (Path(folder) if folder is not None else Path.cwd())
    return build_config(flat, origin, base=base, project=project, sources=tuple(sources))


def build_config(flat: Mapping[str, Any], origin: Mapping[str, str] | None = None, *, base: Path,
                 project: Path | None = None, sources: tuple[str, ...] = ()) -> FlywayConfig:
    """Validate flat settings into a :class:`FlywayConfig`; raise :class:`ConfigError` naming the source."""
    origin = origin or {}
    kw: dict[str, Any] = {}
    placeholders: dict[str, str] = {}

    def where(key: str) -> str:
        return origin.get(key, "configuration")

    def fail(key: str, why: str) -> ConfigError:
        return ConfigError(f"{where(key)}: {key}: {why}")

    for key, value in flat.items():
        if key.startswith("placeholders."):
            placeholders[key[len("placeholders."):]] = _text(value)
            continue
        if key in IGNORED:
            continue
        if key not in KNOWN:
            raise fail(key, "unknown or unsupported setting")
        if key in ("locations", "callbackLocations"):
            kw["locations" if key == "locations" else "callback_locations"] = tuple(
                _location(item, base, lambda why, k=key: fail(k, why)) for item in _list(value))
        elif key in ("schemas",):
            names = tuple(_list(value))
            for n in names:
                if not _NAME.fullmatch(n):
                    raise fail(key, f"{n!r} is not a plain identifier")
            kw["schemas"] = names
        elif key in ("table", "defaultSchema"):
            text = _text(value)
            if not _NAME.fullmatch(text):
                raise fail(key, f"{text!r} is not a plain identifier (letters, digits, _; up to 63 characters)")
            kw["table" if key == "table" else "default_schema"] = text
        elif key in _BOOLS:
            kw[_BOOLS[key]] = _bool(value, lambda why, k=key: fail(k, why))
        elif key == "baselineVersion":
            text = _text(value).strip()
            if not _VERSION.fullmatch(text):
                raise fail(key, f"{text!r} is not a version (digits separated by . or _)")
            kw["baseline_version"] = text
        elif key == "baselineDescription":
            kw["baseline_description"] = _text(value)
        elif key == "ignoreMigrationPatterns":
            pats = tuple(p.strip() for p in _list(value) if p.strip())
            for p in pats:
                if not _PATTERN.fullmatch(p):
                    raise fail(key, f"{p!r} is not a pattern like '*:missing' or 'repeatable:pending'")
            kw["ignore_migration_patterns"] = pats
        elif key in ("placeholderPrefix", "placeholderSuffix", "placeholderSeparator"):
            text = _text(value)
            if not text:
                raise fail(key, "must not be empty")
            kw[{"placeholderPrefix": "placeholder_prefix", "placeholderSuffix": "placeholder_suffix",
                "placeholderSeparator": "placeholder_separator"}[key]] = text
        elif key in _NAMING_DEFAULTS:
            given = tuple(_list(value)) if key == "sqlMigrationSuffixes" else _text(value)
            if given != _NAMING_DEFAULTS[key]:
                raise fail(key, f"{given!r} is not supported; the console reads V<version>__<desc>.sql and "
                                "R__<desc>.sql only")
        elif key == "encoding":
            if _text(value).strip().replace("-", "").lower() != "utf8":
                raise fail(key, "only UTF-8 is supported at project level (a script's .sql.conf may set another)")
        elif key in ("installedBy", "url", "user", "password", "environment"):
            kw[{"installedBy": "installed_by"}.get(key, key)] = _text(value)
        elif key == "placeholders":
            if isinstance(value, Mapping):
                placeholders.update({k: _text(v) for k, v in value.items()})
    if placeholders:
        kw["placeholders"] = placeholders
    if kw.get("url") is not None and not kw["url"].startswith("jdbc:postgresql:"):
        raise fail("url", "only jdbc:postgresql: URLs can be used")
    return FlywayConfig(**kw, project_dir=project, sources=sources, set=frozenset(flat))


_BOOLS = {
    "createSchemas": "create_schemas",
    "baselineOnMigrate": "baseline_on_migrate",
    "outOfOrder": "out_of_order",
    "validateOnMigrate": "validate_on_migrate",
    "cleanDisabled": "clean_disabled",
    "mixed": "mixed",
    "executeInTransaction": "execute_in_transaction",
    "placeholderReplacement": "placeholder_replacement",
    "validateMigrationNaming": "validate_migration_naming",
}
_NAMING_DEFAULTS: dict[str, Any] = {
    "sqlMigrationPrefix": "V",
    "repeatableSqlMigrationPrefix": "R",
    "sqlMigrationSeparator": "__",
    "sqlMigrationSuffixes": (".sql",),
}


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(_text(v) for v in value)
    return str(value)


def _list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [_text(v).strip() for v in value if _text(v).strip()]
    return [p.strip() for p in _text(value).split(",") if p.strip()]


def _bool(value: Any, fail) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).strip().lower()
    if text not in ("true", "false"):
        raise fail(f"{value!r} is not true or false")
    return text == "true"


def _location(item: str, base: Path, fail) -> Path:
    if item.lower().startswith("classpath:"):
        raise fail(f"{item!r}: classpath locations need Flyway's Java runtime; use filesystem:<folder>")
    if item.lower().startswith("filesystem:"):
        item = item[len("filesystem:"):]
    elif re.match(r"[a-z][a-z0-9+.-]*:(?![\\/])", item, re.I) and not re.match(r"[A-Za-z]:[\\/]", item):
        raise fail(f"{item!r}: only filesystem: locations are supported")
    if not item:
        raise fail("an empty location")
    path = Path(item).expanduser()
    return path if path.is_absolute() else base / path


def jdbc_to_conninfo(url: str) -> dict[str, str]:
    """``jdbc:postgresql://host:port/db?sslmode=require`` as libpq keywords (host, port, dbname...)."""
    m = re.fullmatch(r"jdbc:postgresql://(?P<hosts>[^/?]*)(?:/(?P<db>[^?]*))?(?:\?(?P<q>.*))?", url)
    if m is None:
        if re.match(r"jdbc:(mysql|mariadb|aws-wrapper:mysql)(:aws)?://", url):
            raise ConfigError(f"the url {url!r} is a MySQL one: the console connects to MySQL through a "
                              "connection profile (engine mysql); run with --profile NAME")
        raise ConfigError(f"the url {url!r} is not a jdbc:postgresql://host[:port]/database URL")
    out: dict[str, str] = {}
    hosts, ports = [], []
    for hp in filter(None, m.group("hosts").split(",")):
        h, _, p = hp.rpartition(":") if hp.count(":") == 1 else (hp, "", "")
        hosts.append(h)
        ports.append(p)
    if hosts:
        out["host"] = ",".join(hosts)
    if any(ports):
        out["port"] = ",".join(p or "5432" for p in ports)
    if m.group("db"):
        out["dbname"] = m.group("db")
    for pair in filter(None, (m.group("q") or "").split("&")):
        k, _, v = pair.partition("=")
        if k in ("sslmode", "user", "password", "options", "application_name", "connect_timeout",
                 "sslrootcert", "sslcert", "sslkey", "target_session_attrs"):
            out[{"ApplicationName": "application_name"}.get(k, k)] = v
        elif k == "currentSchema":
            out["options"] = f"-c search_path={v}"
    return out
