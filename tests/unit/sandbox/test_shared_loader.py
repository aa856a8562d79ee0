"""One botocore data loader for every default session (the sandbox's process decoded botocore's
JSON again for each session moto, the seed and the console made)."""

from __future__ import annotations

import os

import boto3
import pytest

from aurora_console.sandbox import shared_loader

pytestmark = pytest.mark.unit

KEYS = {"aws_access_key_id": "AKIASANDBOX000000000", "aws_secret_access_key": "x", "region_name": "us-east-1"}


@pytest.fixture
def shared():
    was = shared_loader.installed()
    shared_loader.install()
    try:
        yield
    finally:
        if not was:
            shared_loader.uninstall()


def _loader(session: boto3.Session):
    return session._session.get_component("data_loader")


def test_default_sessions_share_one_loader_and_each_model_is_decoded_once(shared):
    first, second = boto3.Session(**KEYS), boto3.Session(**KEYS)
    assert _loader(first) is _loader(second)
    model = _loader(first).load_service_model("rds", "service-2")
    assert _loader(second).load_service_model("rds", "service-2") is model
    # clients of either session work from it
    for session in (first, second):
        client = session.client("rds", endpoint_url="http://127.0.0.1:9")
        assert client.meta.service_model.operation_model("DescribeDBClusters").name == "DescribeDBClusters"
    boto3_data = os.path.join(os.path.dirname(boto3.__file__), "data")
    assert _loader(first).search_paths.count(boto3_data) == 1  # not once per session


def test_a_session_with_its_own_data_path_keeps_its_own_loader(shared, tmp_path):
    own = boto3.Session(**KEYS)
    own._session.set_config_variable("data_path", str(tmp_path))
    own._session._register_data_loader()  # as a session made with AWS_DATA_PATH set
    assert _loader(own) is not _loader(boto3.Session(**KEYS))
    assert str(tmp_path) in _loader(own).search_paths


def test_motos_own_loader_is_not_shared(shared):
    from moto.core.loaders import create_loader as moto_loader

    assert moto_loader() is not _loader(boto3.Session(**KEYS))


def test_uninstalled_sessions_get_loaders_of_their_own():
    was = shared_loader.installed()
    shared_loader.uninstall()
    try:
        assert _loader(boto3.Session(**KEYS)) is not _loader(boto3.Session(**KEYS))
    finally:
        if was:
            shared_loader.install()


def test_the_shared_loaders_models_are_botocores_and_the_decoded_files_stay_as_on_disk(shared):
    from botocore.loaders import Loader

    loader = _loader(boto3.Session(**KEYS))
    own = Loader()
    for service, kind in (("rds", "service-2"), ("rds", "paginators-1"), ("ec2", "service-2"), ("sts", "service-2")):
        assert loader.load_service_model(service, kind) == own.load_service_model(service, kind), (service, kind)
    # rds' sdk-extras add SourceRegion to CreateDBClusterMessage: in the model, not in the decoded file
    model = loader.load_service_model("rds", "service-2")
    raw = loader.load_data(f"rds/{loader.determine_latest_version('rds', 'service-2')}/service-2")
    assert "SourceRegion" in model["shapes"]["CreateDBClusterMessage"]["members"]
    assert "SourceRegion" not in raw["shapes"]["CreateDBClusterMessage"]["members"]
    assert model["shapes"]["DBCluster"] is raw["shapes"]["DBCluster"]  # what no extras touch is shared


def test_a_merged_copy_is_deep_merges_result_and_leaves_its_base_alone():
    from botocore.utils import deep_merge

    base = {"a": {"b": {"c": 1}, "keep": {"x": 1}}, "list": [1], "top": 1}
    extra = {"a": {"b": {"d": 2}, "new": 3}, "list": [2], "top": {"now": "a dict"}}
    expected = {"a": {"b": {"c": 1}, "keep": {"x": 1}}, "list": [1], "top": 1}
    deep_merge(expected, extra)
    merged = shared_loader.merged_copy(base, extra)
    assert merged == expected
    assert base == {"a": {"b": {"c": 1}, "keep": {"x": 1}}, "list": [1], "top": 1}
    assert merged["a"]["keep"] is base["a"]["keep"]
