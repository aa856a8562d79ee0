"""A Flyway project's configuration: flyway.conf (as Flyway reads it), flyway.toml, FLYWAY_* variables.

Flyway's reading of .conf files: ``ConfigUtils.loadConfigurationFromString`` (github.com/flyway/flyway,
flyway-core/src/main/java/org/flywaydb/core/internal/configuration/ConfigUtils.java): lines trimmed,
backslashes doubled (literal) except a line-ending one that continues the value, ``${VAR}`` from the
environment, then ``java.util.Properties.load``. Environment names: ``ConfigUtils.convertKey``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aurora_console.core.db.migrations.config import (
    ConfigError,
    FlywayConfig,
    find_config_files,
    jdbc_to_conninfo,
    load_config,
)
from aurora_console.core.db.migrations.properties import (
    escape_properties,
    parse_flyway_conf,
    parse_properties,
)
from aurora_console.core.db.migrations.script_config import (
    ScriptConfigError,
    load_script_config,
    parse_script_config,
)

# --- java.util.Properties ---------------------------------------------------------------------


def test_properties_syntax():
    text = (
        "# comment\n! also a comment\n  key1 = value one  \nkey2:value2\nkey3 value3\n"
        "long = a,\\\n    b,\\\n    c\nesc\\ key = tab\\there \\u00e9\nempty=\n"
    )
    assert parse_properties(text) == {
        "key1": "value one  ", "key2": "value2", "key3": "value3", "long": "a,b,c",
        "esc key": "tab\there é", "empty": "",
    }


_KEYS = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12)
_VALUES = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20)


@given(st.dictionaries(_KEYS, _VALUES, max_size=6))
def test_properties_round_trip(pairs):
    """Property: any keys and values written escaped read back exactly (CR, LF, =, :, #, \\ included)."""
    text = "\n".join(escape_properties(k, v) for k, v in pairs.items())
    assert parse_properties(text) == pairs


# --- flyway.conf as Flyway reads it -------------------------------------------------------------


def test_flyway_conf_backslashes_are_literal_except_continuations():
    text = (
        "flyway.locations=filesystem:C:\\migrations\\sql,\\\n"
        "  filesystem:more\n"
        "flyway.table=t\\\n"
        "flyway.schemas=a\n"
        "flyway.placeholders.user=${DB_USER}\n"
    )
    props = parse_flyway_conf(text, {"DB_USER": "alice"})
    assert props == {
        "flyway.locations": "filesystem:C:\\migrations\\sql,filesystem:more",
        "flyway.table": "t\\",  # the next line starts a property: the backslash stays
        "flyway.schemas": "a",
        "flyway.placeholders.user": "alice",
    }
    assert parse_flyway_conf("flyway.user=${NOPE}\n", {})["flyway.user"] == ""


@given(st.lists(st.text(alphabet="abc/\\:. _-", min_size=1, max_size=10), min_size=1, max_size=4))
def test_flyway_conf_values_with_backslashes_read_back(parts):
    """Property: a value (backslashes and all) split over continuation lines reads back joined."""
    parts = [p.strip() or "x" for p in parts]
    parts = [p if not p.endswith("\\") else p + "x" for p in parts]
    text = "flyway.locations=" + ",\\\n    ".join(parts) + "\n"
    assert parse_flyway_conf(text, {})["flyway.locations"] == ",".join(parts)


# --- load_config ----------------------------------------------------------------------------------


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_conf_project_layout_and_defaults(tmp_path):
    project = tmp_path / "project"
    write(project / "conf" / "flyway.conf", (
        "flyway.locations=filesystem:sql,filesystem:extra\n"
        "flyway.schemas=app,audit\nflyway.placeholders.owner=app_owner\nflyway.outOfOrder=TRUE\n"
        "flyway.baselineVersion=04.1\nflyway.cleanDisabled=false\nflyway.url=jdbc:postgresql://h:5433/db\n"
    ))
    (project / "sql").mkdir()
    root, files = find_config_files(project / "sql")
    assert root == project and files == [project / "conf" / "flyway.conf"]
    cfg = load_config(project / "sql", env={})
    assert cfg.locations == (project / "sql", project / "extra")
    assert cfg.schemas == ("app", "audit") and cfg.history_schema == "app"
    assert cfg.placeholders == {"owner": "app_owner"}
    assert cfg.out_of_order and cfg.baseline_version == "04.1" and not cfg.clean_disabled
    assert cfg.validate_on_migrate and cfg.ignore_migration_patterns == ("*:future",)
    assert cfg.table is None and cfg.found and cfg.sources == (str(project / "conf" / "flyway.conf"),)


def test_toml_environments_and_placeholders(tmp_path):
    write(tmp_path / "flyway.toml", (
        '[environments.default]\nurl = "jdbc:postgresql://db:5432/app"\nuser = "${env.APP_USER}"\n'
        'schemas = ["app"]\n[environments.prod]\nurl = "jdbc:postgresql://prod/app"\n'
        '[flyway]\nlocations = ["filesystem:migrations"]\nmixed = true\ntable = "history"\n'
        'validateMigrationNaming = true\n[flyway.placeholders]\nOwner = "x"\n'
    ))
    write(tmp_path / "flyway.user.toml", '[flyway]\noutOfOrder = true\n')
    cfg = load_config(tmp_path, env={"APP_USER": "bob"})
    assert cfg.url == "jdbc:postgresql://db:5432/app" and cfg.user == "bob" and cfg.schemas == ("app",)
    assert cfg.locations == (tmp_path / "migrations",) and cfg.mixed and cfg.table == "history"
    assert cfg.out_of_order and cfg.validate_migration_naming and cfg.placeholders == {"Owner": "x"}
    prod = load_config(tmp_path, env={"flyway_environment": "prod"})
    assert prod.url == "jdbc:postgresql://prod/app" and prod.environment == "prod"
    with pytest.raises(ConfigError, match=r"no \[environments.nope\]"):
        load_config(tmp_path, env={"flyway_environment": "nope"})


def test_environment_wins_over_files(tmp_path):
    write(tmp_path / "flyway.conf", "flyway.table=from_file\nflyway.placeholders.a=file\n")
    env = {"FLYWAY_TABLE": "from_env", "FLYWAY_PLACEHOLDERS_MY_NAME": "v", "FLYWAY_PLACEHOLDERS_A": "env",
           "FLYWAY_VALIDATE_ON_MIGRATE": "false", "FLYWAY_IGNORE_MIGRATION_PATTERNS": "*:missing,repeatable:pending",
           "FLYWAY_MIXED": "true", "FLYWAY_DEFAULT_SCHEMA": "s1", "UNRELATED": "x"}
    cfg = load_config(tmp_path, env=env)
    assert cfg.table == "from_env" and cfg.placeholders == {"a": "env", "my_name": "v"}
    assert not cfg.validate_on_migrate and cfg.mixed and cfg.history_schema == "s1"
    assert cfg.ignore_migration_patterns == ("*:missing", "repeatable:pending")
    assert cfg.sources[-1] == "environment"


def test_no_configuration_found(tmp_path):
    cfg = load_config(tmp_path, env={})
    assert cfg == FlywayConfig(project_dir=None) and not cfg.found


@pytest.mark.parametrize("line, message", [
    ("flyway.locations=classpath:db/migration", "classpath locations need Flyway's Java runtime"),
    ("flyway.locations=s3:bucket/x", "only filesystem: locations"),
    ("flyway.table=bad-name", "not a plain identifier"),
    ("flyway.schemas=ok,x y", "not a plain identifier"),
    ("flyway.outOfOrder=yes", "is not true or false"),
    ("flyway.baselineVersion=1.a", "is not a version"),
    ("flyway.baselineVersion=\u0661", "is not a version"),  # Arabic-Indic 1: only 0-9, as Flyway
    ("flyway.ignoreMigrationPatterns=*:gone", "is not a pattern"),
    ("flyway.sqlMigrationPrefix=M", "is not supported"),
    ("flyway.encoding=ISO-8859-1", "only UTF-8"),
    ("flyway.tabel=x", "unknown or unsupported setting"),
    ("notflyway.table=x", "settings start with 'flyway.'"),
    ("flyway.url=jdbc:mysql://h/db", "only jdbc:postgresql"),
])
def test_bad_settings_are_named(tmp_path, line, message):
    conf = write(tmp_path / "flyway.conf", line + "\n")
    with pytest.raises(ConfigError, match=message) as e:
        load_config(tmp_path, env={})
    assert str(conf) in e.value.message


def test_bad_environment_value_names_the_environment(tmp_path):
    with pytest.raises(ConfigError, match=r"^environment: outOfOrder"):
        load_config(tmp_path, env={"FLYWAY_OUT_OF_ORDER": "maybe"})


def test_explicit_config_files(tmp_path):
    conf = write(tmp_path / "elsewhere" / "conf" / "flyway.conf", "flyway.locations=filesystem:db\n")
    cfg = load_config(config_files=[conf], env={})
    assert cfg.locations == (tmp_path / "elsewhere" / "db",)
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(config_files=[tmp_path / "missing.conf"], env={})


def test_jdbc_url_to_libpq():
    assert jdbc_to_conninfo("jdbc:postgresql://db.example:5433/app?sslmode=require&currentSchema=s") == {
        "host": "db.example", "port": "5433", "dbname": "app", "sslmode": "require", "options": "-c search_path=s"}
    assert jdbc_to_conninfo("jdbc:postgresql://h/db") == {"host": "h", "dbname": "db"}
    with pytest.raises(ConfigError):
        jdbc_to_conninfo("jdbc:postgresql:db")


def test_a_mysql_jdbc_url_points_at_a_profile():
    for url in ("jdbc:mysql://shop.cluster-x.eu-west-1.rds.amazonaws.com:3306/shop", "jdbc:mariadb://h/db"):
        with pytest.raises(ConfigError, match="is a MySQL one.*--profile NAME"):
            jdbc_to_conninfo(url)


# --- V1__x.sql.conf -----------------------------------------------------------------------------


def test_script_config(tmp_path):
    sql = write(tmp_path / "V1__x.sql", "VACUUM;")
    assert load_script_config(str(sql)).execute_in_transaction is None
    write(tmp_path / "V1__x.sql.conf", "executeInTransaction=FALSE\nencoding=ISO-8859-1\nplaceholderReplacement=false\n")
    conf = load_script_config(str(sql))
    assert conf.name == "V1__x.sql.conf" and conf.execute_in_transaction is False
    assert conf.encoding == "ISO-8859-1" and conf.placeholder_replacement is False


@pytest.mark.parametrize("text, message", [
    ("executeInTransaction=no", "should be either true or false"),
    ("encoding=klingon", "unknown encoding"),
    ("shouldExecute=true", "Flyway Teams"),
    ("execute=false", "unknown property"),
])
def test_bad_script_config(text, message):
    with pytest.raises(ScriptConfigError, match=message):
        parse_script_config("V1__x.sql.conf", text, env={})
