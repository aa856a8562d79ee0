"""Decoded JSON data files kept between starts of the sandbox's endpoint process
(sandbox/json_cache.py): read back equal to a fresh decode, renewed when the source changes or
the entry is unreadable, owner-only, pruned when unused."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap
import time

import pytest

from aurora_console.sandbox.json_cache import UNUSED_DAYS, JsonCache

pytestmark = pytest.mark.unit


def _decoding(path):
    calls = []

    def decode():
        calls.append(path)
        return json.loads(open(path, encoding="utf-8").read())

    return decode, calls


def test_a_file_is_decoded_once_then_read_back_equal(tmp_path):
    source = tmp_path / "model.json"
    source.write_text(json.dumps({"shapes": {"A": {"type": "string"}}, "n": [1, 2.5, None, True]}))
    cache = JsonCache(tmp_path / "cache")
    decode, calls = _decoding(source)
    first = cache.load(str(source), decode)
    cache.flush()
    again = JsonCache(tmp_path / "cache").load(str(source), decode)  # the next start
    assert again == first and len(calls) == 1
    entries = list((tmp_path / "cache").iterdir())
    assert len(entries) == 1
    if sys.platform != "win32":
        assert stat.S_IMODE(entries[0].stat().st_mode) == 0o600
        assert stat.S_IMODE((tmp_path / "cache").stat().st_mode) == 0o700


def test_a_changed_source_or_an_unreadable_entry_is_decoded_again(tmp_path):
    source = tmp_path / "data.json"
    source.write_text(json.dumps({"v": 1}))
    cache = JsonCache(tmp_path / "cache")
    decode, calls = _decoding(source)
    cache.load(str(source), decode)
    cache.flush()
    source.write_text(json.dumps({"v": 22}))  # another size (a package upgrade)
    os.utime(source, ns=(time.time_ns(), time.time_ns() + 10**9))
    assert cache.load(str(source), decode) == {"v": 22} and len(calls) == 2
    cache.flush()
    entry = cache.entry(str(source))
    entry.write_bytes(b"\x00not marshal")
    assert cache.load(str(source), decode) == {"v": 22} and len(calls) == 3


def test_entries_unused_for_a_month_are_pruned(tmp_path):
    cache = JsonCache(tmp_path / "cache")
    (tmp_path / "cache").mkdir()
    old, recent = tmp_path / "cache" / ("a" * 40 + ".marshal"), tmp_path / "cache" / ("b" * 40 + ".marshal")
    for entry in (old, recent):
        entry.write_bytes(b"")
    long_ago = time.time() - (UNUSED_DAYS + 1) * 86400
    os.utime(old, (long_ago, long_ago))
    assert cache.prune() == 1 and not old.exists() and recent.exists()


def test_installed_in_a_process_its_models_equal_botocores_and_motos_own(tmp_path):
    script = textwrap.dedent(f"""
        import json, sys
        from pathlib import Path
        from aurora_console.sandbox import json_cache
        cache = json_cache.install(Path({str(tmp_path / "cache")!r}))
        from botocore.loaders import Loader
        from moto.utilities.utils import load_resource
        cached = [Loader().load_service_model("ec2", "service-2"), Loader().load_data("endpoints"),
                  load_resource("ec2/resources/instance_types.json")]
        json_cache.uninstall()
        import moto.utilities.utils as u
        plain = [Loader().load_service_model("ec2", "service-2"), Loader().load_data("endpoints"),
                 u.load_resource("ec2/resources/instance_types.json")]
        print(json.dumps({{"equal": cached == plain, "hits": cache.hits, "misses": cache.misses}}))
    """)
    runs = [json.loads(subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                                      timeout=120).stdout) for _ in range(2)]
    assert runs[0]["equal"] and runs[1]["equal"]
    assert runs[0]["misses"] >= 3 and runs[1]["hits"] >= 3 and runs[1]["misses"] == 0  # the second start reads back


def test_installed_for_botocore_only_it_leaves_moto_alone(tmp_path):
    """The console's own process while it runs a sandbox: botocore's files kept, moto not imported."""
    script = textwrap.dedent(f"""
        import json, sys
        from pathlib import Path
        from aurora_console.sandbox import json_cache
        cache = json_cache.install(Path({str(tmp_path / "cache")!r}), moto=False)
        from botocore.loaders import Loader
        cached = Loader().load_service_model("rds", "service-2")
        moto_imported = "moto" in sys.modules
        json_cache.uninstall()
        plain = Loader().load_service_model("rds", "service-2")
        print(json.dumps({{"equal": cached == plain, "hits": cache.hits, "misses": cache.misses,
                           "moto": moto_imported}}))
    """)
    runs = [json.loads(subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                                      timeout=120).stdout) for _ in range(2)]
    assert all(r["equal"] and not r["moto"] for r in runs)
    assert runs[0]["misses"] >= 1 and runs[1]["hits"] >= 1 and runs[1]["misses"] == 0
