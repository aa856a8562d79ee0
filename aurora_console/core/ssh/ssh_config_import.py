"""Import ``Host`` entries from ``~/.ssh/config`` as bastion choices (parsed with paramiko.SSHConfig)."""

from __future__ import annotations

import logging
from pathlib import Path

from aurora_console.core.ssh.config import BastionConfig, JumpHost

log = logging.getLogger(__name__)


def _is_pattern(name: str) -> bool:
    return any(c in name for c in "*?!") or name == ""


def host_aliases(text: str) -> list[str]:
    """The concrete (non-wildcard) aliases named on ``Host`` lines, in file order."""
    names: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, rest = line.replace("=", " ", 1).partition(" ")
        if keyword.lower() != "host":
            continue
        for name in rest.split():
            name = name.strip('"')
            if not _is_pattern(name) and name not in names:
                names.append(name)
    return names


def import_ssh_config(path: Path | None = None, *, default_user: str = "") -> list[BastionConfig]:
    """One :class:`BastionConfig` per concrete Host alias (wildcard blocks apply as defaults)."""
    import paramiko

    path = Path(path or Path.home() / ".ssh" / "config").expanduser()
    if not path.is_file():
        return []
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
        config = paramiko.SSHConfig.from_text(text)
    except Exception as exc:  # a broken config never breaks the dialog
        log.warning("cannot parse %s: %s", path, exc)
        return []
    result: list[BastionConfig] = []
    for alias in host_aliases(text):
        try:
            opts = config.lookup(alias)
        except Exception as exc:
            log.warning("ssh config: skipping %s: %s", alias, exc)
            continue
        identity = (opts.get("identityfile") or [""])[0]
        try:
            port = int(opts.get("port", 22))
        except ValueError:
            port = 22
        jump = None
        proxy_jump = opts.get("proxyjump", "")
        if proxy_jump and proxy_jump.lower() != "none":
            jump = _parse_jump(proxy_jump.split(",")[0], config)
        result.append(BastionConfig(
            host=opts.get("hostname", alias), user=opts.get("user", default_user), port=port,
            key_file=identity, use_agent=not identity, jump=jump, ssh_config_host=alias,
            passphrase_source="none"))
    return result


def _parse_jump(spec: str, config) -> JumpHost:
    """``[user@]host[:port]``, where host may itself be an alias in the config."""
    user, _, hostport = spec.rpartition("@")
    host, port = hostport, None
    if hostport.count(":") == 1:
        host, _, p = hostport.partition(":")
        port = int(p) if p.isdigit() else None
    opts = config.lookup(host)
    return JumpHost(host=opts.get("hostname", host), port=port or int(opts.get("port", 22)),
                    user=user or opts.get("user", ""), key_file=(opts.get("identityfile") or [""])[0])
