"""Turn the OpenSSH client's stderr into specific tunnel errors."""

from __future__ import annotations

from aurora_console.core.ssh.config import TunnelSpec
from aurora_console.core.ssh.errors import (
    AuthenticationRejected,
    BastionUnreachable,
    ForwardingRefused,
    HostKeyChanged,
    HostKeyError,
    TargetUnreachable,
    TunnelError,
    UnsupportedKeyFormat,
    WrongPassphrase,
)

UNREACHABLE = ("connection refused", "connection timed out", "operation timed out", "no route to host",
               "network is unreachable", "could not resolve hostname", "name or service not known",
               "connection closed by", "connection reset", "server not responding", "kex_exchange_identification", "banner exchange")


def is_bind_race(text: str) -> bool:
    low = text.lower()
    return "address already in use" in low or "could not request local forwarding" in low


def channel_failure(text: str, spec: TunnelSpec) -> TunnelError | None:
    low = text.lower()
    t = spec.target
    if "open failed: administratively prohibited" in low:
        return ForwardingRefused(
            f"The bastion {spec.bastion.host} refuses TCP forwarding (AllowTcpForwarding no, or a permitopen "
            f"restriction for {t.label}).",
            hint="Ask the bastion's administrator to allow forwarding to the database endpoint.")
    if "open failed: connect failed" in low:
        reason = text.lower().split("open failed: connect failed:", 1)[-1].strip().splitlines()[0] if (
            "connect failed:" in low) else "connect failed"
        return TargetUnreachable(
            f"The bastion {spec.bastion.host} cannot reach {t.label} ({reason}).",
            hint="Check the endpoint, port and the database's security group (it must allow the bastion).")
    return None


#: how the console's own ProxyCommand helpers (an EC2 bastion's carrier) start the line that says why
#: they could not carry ssh (eice_proxy.ERROR_PREFIX, ssm_proxy); ssh passes their stderr on
HELPER_PREFIXES = ("aurora-console eice-proxy: ", "aurora-console ssm-proxy: ")
HELPER_LINE_START = "Session Manager: "


def helper_failure(text: str) -> TunnelError | None:
    """The reason a ProxyCommand helper gave (an expired or refused endpoint URL, OpenTunnel or
    StartSession denied, the relay gone), instead of ssh's own "Connection closed by UNKNOWN
    port 65535" that follows it."""
    for line in text.splitlines():
        line = line.strip()
        for prefix in HELPER_PREFIXES:
            if line.startswith(prefix) and line[len(prefix):].strip():
                return TunnelError(line[len(prefix):].strip())
        if line.startswith(HELPER_LINE_START) and line[len(HELPER_LINE_START):].strip():
            return TunnelError(line)
    return None


def classify_exit(text: str, spec: TunnelSpec, returncode: int | None) -> TunnelError:
    low = text.lower()
    where = spec.bastion.label
    found = channel_failure(text, spec) or helper_failure(text)
    if found:
        return found
    if "host key verification failed" in low and "host key is known for" in low:
        # a hop trusted through @cert-authority whose server offered a plain key, no certificate
        return HostKeyError(
            f"ssh refused {where}: it offered no host certificate signed by the @cert-authority in your "
            f"known_hosts, and its key is not on record.",
            host=spec.bastion.host, port=spec.bastion.port, key_type="", fingerprint="", key_base64="",
            hint="Ask the bastion's administrator for its host certificate (sshd HostCertificate), or check the "
                 "key's fingerprint and trust it.")
    if "host key verification failed" in low and ("certificate" in low or "revoked" in low):
        # a hop trusted through @cert-authority: OpenSSH checked the certificate and refused it
        why = [line.strip() for line in text.splitlines()
               if line.strip() and ("certificate" in line.lower() or "revoked" in line.lower())]
        return HostKeyError(
            f"ssh refused the host certificate of {where}: {'; '.join(why[:3]) or 'verification failed'}.",
            host=spec.bastion.host, port=spec.bastion.port, key_type="", fingerprint="", key_base64="",
            hint="The certificate must be signed by a @cert-authority key in your known_hosts and name the host "
                 "you connect to. Check with the bastion's administrator.")
    if "host key verification failed" in low or "remote host identification has changed" in low:
        return HostKeyChanged(
            f"ssh refused the host key of {where}; it no longer matches the verified key.",
            host=spec.bastion.host, port=spec.bastion.port, key_type="", fingerprint="", key_base64="",
            hint="Someone could be intercepting the connection. Check with the bastion's administrator.")
    if "incorrect passphrase" in low or "bad passphrase" in low:
        return WrongPassphrase(f"Wrong passphrase for the key {spec.bastion.key_file}.")
    if "invalid format" in low or "error in libcrypto" in low:
        return UnsupportedKeyFormat(f"ssh cannot read the key {spec.bastion.key_file} ({text.strip()[:200]}).")
    if "permission denied" in low or "too many authentication failures" in low:
        return AuthenticationRejected(
            f"{where} refused user {spec.bastion.user!r} with the given key: wrong user name, or the public key is "
            f"not in that user's authorized_keys.",
            hint="Check the SSH user (ec2-user, ubuntu, ...) and that the key's .pub is authorised on the bastion.")
    if any(marker in low for marker in UNREACHABLE):
        first = text.strip().splitlines()[-1] if text.strip() else ""
        return BastionUnreachable(f"Cannot reach the bastion {where}: {first}",
                                  hint="Check the host, port, security group and VPN.")
    detail = text.strip()[-300:] or f"exit status {returncode}"
    return TunnelError(f"The ssh client stopped: {detail}")
