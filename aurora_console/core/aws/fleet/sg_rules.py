"""VPC security group inbound rules, and whether one opens the database port to the world."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

WORLD = ("0.0.0.0/0", "::/0")


@dataclass(frozen=True)
class SgRule:
    protocol: str  # "tcp", "udp", "icmp", "all"
    from_port: int | None
    to_port: int | None
    source: str  # CIDR, ::/0, sg-..., pl-...
    description: str = ""

    @property
    def ports_text(self) -> str:
        if self.protocol == "all" or self.from_port is None:
            return "all"
        if self.from_port == self.to_port:
            return str(self.from_port)
        return f"{self.from_port}-{self.to_port}"

    def covers_port(self, port: int) -> bool:
        if self.protocol == "all":
            return True
        if self.protocol != "tcp":
            return False
        if self.from_port is None or self.to_port is None:
            return True
        if self.from_port == -1:
            return True
        return self.from_port <= port <= self.to_port

    @property
    def is_world(self) -> bool:
        return self.source in WORLD


@dataclass(frozen=True)
class SecurityGroupInfo:
    id: str
    name: str = ""
    vpc_id: str = ""
    rules: tuple[SgRule, ...] = ()

    def open_rules(self, port: int | None) -> tuple[SgRule, ...]:
        """Inbound rules that let anyone (0.0.0.0/0 or ::/0) reach ``port``."""
        if port is None:
            return ()
        return tuple(r for r in self.rules if r.is_world and r.covers_port(port))


def _protocol(raw: Any) -> str:
    p = str(raw if raw is not None else "-1").lower()
    return {"-1": "all", "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}.get(p, p)


def rules_from_permissions(perms: Sequence[Mapping[str, Any]]) -> tuple[SgRule, ...]:
    """One SgRule per (permission, source) from EC2's ``IpPermissions``."""
    out: list[SgRule] = []
    for p in perms:
        proto = _protocol(p.get("IpProtocol"))
        lo, hi = p.get("FromPort"), p.get("ToPort")
        if proto == "all":
            lo = hi = None

        def add(source: str, desc: Any, proto: str = proto, lo: Any = lo, hi: Any = hi) -> None:
            out.append(SgRule(proto, lo, hi, source, str(desc or "")))

        for r in p.get("IpRanges", []) or []:
            add(r.get("CidrIp", ""), r.get("Description"))
        for r in p.get("Ipv6Ranges", []) or []:
            add(r.get("CidrIpv6", ""), r.get("Description"))
        for r in p.get("UserIdGroupPairs", []) or []:
            add(r.get("GroupId", "") or r.get("GroupName", ""), r.get("Description"))
        for r in p.get("PrefixListIds", []) or []:
            add(r.get("PrefixListId", ""), r.get("Description"))
    return tuple(out)


def group_from_raw(raw: Mapping[str, Any]) -> SecurityGroupInfo:
    return SecurityGroupInfo(
        id=raw.get("GroupId", ""),
        name=raw.get("GroupName", ""),
        vpc_id=raw.get("VpcId", "") or "",
        rules=rules_from_permissions(raw.get("IpPermissions", []) or []),
    )


def world_open_warnings(groups: Sequence[SecurityGroupInfo], port: int | None) -> tuple[str, ...]:
    """One sentence per group/rule that opens the DB port to 0.0.0.0/0 or ::/0."""
    out = []
    for g in groups:
        for r in g.open_rules(port):
            out.append(
                f"Security group {g.id} ({g.name}) opens the database port {port} to {r.source} "
                f"({r.protocol} {r.ports_text}): anyone on the internet can reach it if the instances are public."
            )
    return tuple(out)
