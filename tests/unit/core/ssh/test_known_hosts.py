"""The known_hosts parser and matcher against OpenSSH's rules (sshd(8) SSH_KNOWN_HOSTS FILE FORMAT;
openssh-portable hostfile.c / match.c), with ssh-keygen as the reference where it can answer."""

from __future__ import annotations

import base64
import io
import logging
import os
import struct
import subprocess

import paramiko
import pytest
from hypothesis import given
from hypothesis import strategies as st

from aurora_console.core.ssh.errors import (
    HostCertificateUnsupported,
    HostKeyChanged,
    HostKeyRevoked,
    HostKeyUnknown,
)
from aurora_console.core.ssh.hostkeys import HostKeyStore
from aurora_console.core.ssh.known_hosts import (
    MalformedLine,
    hash_name,
    host_entry,
    match_pattern_list,
    parse_line,
    parse_text,
)

pytestmark = pytest.mark.unit


def _ed25519():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519

    raw = ed25519.Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, serialization.NoEncryption()).decode()
    return paramiko.Ed25519Key.from_private_key(io.StringIO(raw))


@pytest.fixture(scope="module")
def keys():
    return _ed25519(), _ed25519(), _ed25519()


def _line(hosts: str, key, marker: str = "") -> str:
    return f"{marker + ' ' if marker else ''}{hosts} {key.get_name()} {key.get_base64()}"


# --- parsing ----------------------------------------------------------------------------------

def test_markers_and_fields(keys):
    key = keys[0]
    plain = parse_line(_line("bastion.example.com,10.0.0.5", key) + " a comment", "/kh", 7)
    assert (plain.marker, plain.hosts, plain.key_type, plain.where) == (
        None, "bastion.example.com,10.0.0.5", "ssh-ed25519", "/kh:7")
    assert plain.fingerprint == key.fingerprint
    assert parse_line(_line("*", key, "@revoked")).marker == "revoked"
    assert parse_line("\t" + _line("*.corp", key, "@cert-authority")).marker == "cert-authority"
    assert parse_line("") is None and parse_line("   # comment") is None


@pytest.mark.parametrize("text,why", [
    ("@bogus host ssh-ed25519 AAAA", "unknown marker"),
    ("@revoked @cert-authority host ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA==", "more than one marker"),
    ("hostonly", "key type is missing"),
    ("host ssh-ed25519", "key is missing"),
    ("host ssh-ed25519 # comment", "key is missing"),
    ("host ssh-foo AAAA", "unknown key type"),
    ("host 2048 35 1234567", "protocol 1"),
    ("host ssh-ed25519 not*base64", "not valid base64"),
    ("host ssh-ed25519 " + base64.b64encode(struct.pack(">I", 7) + b"ssh-rsa").decode(), "not 'ssh-ed25519'"),
    ("|1|abcd|AAAA ssh-ed25519 AAAA", "wrong length"),
    ("|2|x|y ssh-ed25519 AAAA", "hashed host name"),
])
def test_malformed_lines_say_why(text, why):
    with pytest.raises(MalformedLine, match=why):
        parse_line(text)


def test_bad_lines_are_skipped_with_file_and_line(keys, tmp_path, caplog):
    key, other, _ = keys
    path = tmp_path / "known_hosts"
    path.write_text("\n".join([
        "# mine",
        _line("other.example.com", other, "@cert-authority"),
        _line("other.example.com", other, "@revoked"),
        "other.example.com ssh-ed25519 %%%not-base64%%%",
        "other.example.com ssh-unknown AAAA",
        "truncated.example.com",
        _line("[bastion]:2222", key),
    ]) + "\n")
    store = HostKeyStore(tmp_path / "console", user_files=[path])
    with caplog.at_level(logging.WARNING):
        assert store.verify("bastion", 2222, key) == "key"
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    for lineno in (4, 5, 6):
        assert any(f"{path}:{lineno}: skipped" in w for w in warned), warned
    assert len(warned) == 3
    assert len(store.warnings()) == 3
    caplog.clear()
    store.verify("bastion", 2222, key)  # an unchanged file is not re-read: no second warning
    assert not caplog.records


# --- matching ---------------------------------------------------------------------------------

@pytest.mark.parametrize("patterns,name,expected", [
    ("bastion", "bastion", 1),
    ("BASTION", "bastion", 1),  # case-insensitive
    ("*.example.com", "db.example.com", 1),
    ("*.example.com", "example.com", 0),
    ("10.0.0.?", "10.0.0.7", 1),
    ("10.0.0.?", "10.0.0.17", 0),
    ("*,!bastion", "bastion", -1),  # a negated match wins over any positive one
    ("!bastion,*", "bastion", -1),
    ("!bastion", "other", 0),  # a negation alone never makes a line apply
    ("[127.0.0.1]:2222", "[127.0.0.1]:2222", 1),  # brackets are literal, not a character class
    ("[127.0.0.1]:2222", "1", 0),
    ("[127.0.0.1]:*", "[127.0.0.1]:2222", 1),
    ("127.0.0.1", "[127.0.0.1]:2222", 0),  # another port is another host
])
def test_pattern_lists(patterns, name, expected):
    assert match_pattern_list(name, patterns) == expected


def test_port_22_is_written_bare():
    assert host_entry("h", 22) == "h" and host_entry("h", 2222) == "[h]:2222"


def test_hashed_names_match_what_ssh_keygen_finds(keys, tmp_path):
    """ssh-keygen -H hashes a file; our matcher must find each name ssh-keygen -F finds."""
    key = keys[0]
    path = tmp_path / "kh"
    path.write_text(_line("[127.0.0.1]:2222", key) + "\n" + _line("bastion.example.com", key) + "\n")
    subprocess.run(["ssh-keygen", "-H", "-f", str(path)], check=True, capture_output=True)
    entries = parse_text(path.read_text(), str(path)).entries
    assert len(entries) == 2 and all(e.hashed for e in entries)
    for name in ("[127.0.0.1]:2222", "bastion.example.com"):
        found = subprocess.run(["ssh-keygen", "-F", name, "-f", str(path)], capture_output=True, text=True)
        assert found.returncode == 0
        assert sum(e.applies_to(name) for e in entries) == 1
    assert not any(e.applies_to("127.0.0.1") for e in entries)


names = st.from_regex(r"[a-z0-9][a-z0-9.-]{0,30}", fullmatch=True)


@given(name=names, salt=st.binary(min_size=20, max_size=20), other=names)
def test_hashed_name_matches_only_itself(name, salt, other):
    entry = parse_line(f"{hash_name(name, salt)} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA==")
    assert entry.applies_to(name)
    assert entry.applies_to(other) == (other == name)


@given(name=names, port=st.integers(min_value=1, max_value=65535))
def test_literal_names_and_negation(name, port):
    entry_name = host_entry(name, port)
    assert match_pattern_list(entry_name, entry_name) == 1
    assert match_pattern_list(entry_name, f"*,!{entry_name}") == -1
    assert match_pattern_list(entry_name, entry_name.upper()) == 1


@given(st.text(max_size=400))
def test_parser_never_raises_on_any_text(text):
    parsed = parse_text(text, "/kh")
    lines = text.split("\n")
    for entry in parsed.entries:
        assert 1 <= entry.lineno <= len(lines)
        assert entry.key_type in lines[entry.lineno - 1]
    for warning in parsed.warnings:
        assert warning.startswith("/kh:")


# --- verification -----------------------------------------------------------------------------

def _store(tmp_path, *lines):
    user = tmp_path / "user_kh"
    user.write_text("".join(line + "\n" for line in lines))
    return HostKeyStore(tmp_path / "console_kh", user_files=[user]), user


def test_revoked_key_is_refused_and_named(tmp_path, keys):
    key = keys[0]
    store, user = _store(tmp_path, _line("[bastion]:2222", key), _line("*", key, "@revoked"))
    with pytest.raises(HostKeyRevoked) as info:
        store.verify("bastion", 2222, key)
    assert f"{user}:2" in info.value.message and key.fingerprint in info.value.message
    assert "ssh-ed25519" in info.value.message and info.value.offending == (f"{user}:2",)


def test_revoked_line_for_another_host_or_key_does_not_matter(tmp_path, keys):
    key, other, _ = keys
    store, _ = _store(tmp_path, _line("elsewhere", key, "@revoked"), _line("*", other, "@revoked"),
                      _line("[bastion]:2222", key))
    assert store.verify("bastion", 2222, key) == "key"


def test_changed_key_names_new_fingerprint_and_line(tmp_path, keys):
    key, old, _ = keys
    store, user = _store(tmp_path, "# header", _line("[bastion]:2222", old))
    with pytest.raises(HostKeyChanged) as info:
        store.verify("bastion", 2222, key)
    text = info.value.user_text()
    assert key.fingerprint in text and old.fingerprint in text
    assert f"Offending ED25519 key in {user}:2" in text
    assert f"line 2 of {user}" in text and info.value.offending == (f"{user}:2",)


def test_certificate_authority_for_this_host(tmp_path, keys):
    key, ca, _ = keys
    store, user = _store(tmp_path, _line("[bastion]:*", ca, "@cert-authority"))
    with pytest.raises(HostCertificateUnsupported) as info:
        store.verify("bastion", 2222, key)
    assert "cannot verify host certificates" in info.value.message and f"{user}:1" in info.value.message
    assert "native" in info.value.hint
    assert store.verify("bastion", 2222, key, certificates=True) == "certificate"


def test_certificate_authority_for_another_host_does_not_matter(tmp_path, keys):
    key, ca, _ = keys
    store, _ = _store(tmp_path, _line("*.corp.example.com", ca, "@cert-authority"),
                      _line("*,![bastion]:2222", ca, "@cert-authority"))
    with pytest.raises(HostKeyUnknown):
        store.verify("bastion", 2222, key)
    store.trust("bastion", 2222, key.get_name(), key.get_base64(), always=False)
    assert store.verify("bastion", 2222, key) == "key"


def test_negated_line_does_not_apply(tmp_path, keys):
    key, other, _ = keys
    # the "other" key is on record for every host except ours: not a changed key, an unknown one
    store, _ = _store(tmp_path, _line("*,![bastion]:2222", other))
    with pytest.raises(HostKeyUnknown):
        store.verify("bastion", 2222, key)
    store2, _ = _store(tmp_path, _line("[bastion]:22?2,!other", key))
    assert store2.verify("bastion", 2222, key) == "key"


def test_console_file_is_owner_only_readable_by_our_parser(tmp_path, keys):
    key = keys[0]
    store = HostKeyStore(tmp_path / "console_kh", user_files=[])
    store.trust("bastion", 22, key.get_name(), key.get_base64(), always=True)
    assert (tmp_path / "console_kh").read_text() == f"bastion ssh-ed25519 {key.get_base64()}\n"
    assert HostKeyStore(tmp_path / "console_kh", user_files=[]).verify("bastion", 22, key) == "key"
    assert os.path.exists(tmp_path / "console_kh")
