"""moto as the sandbox's endpoint patches it for its start-up path (sandbox/moto_speedups.py): an
EC2 backend's default images loaded on first read, moto's package folder listed once, one loader
for moto's service models. Each gives the answers moto's own code gives."""

from __future__ import annotations

import threading

import boto3
import pytest

from aurora_console.sandbox import moto_ec2_data, moto_speedups
from aurora_console.sandbox.aws_server import SANDBOX_ACCOUNT_ID, sandbox_credentials

pytestmark = pytest.mark.integration


@pytest.fixture
def speedups():
    was = moto_speedups.installed()
    moto_speedups.install()
    try:
        yield
    finally:
        if not was:
            moto_speedups.uninstall()


def _images(backend) -> tuple[set, set, int]:
    amis = backend.amis
    return ({(a.name, a.owner_id, a.architecture) for a in amis.values()},
            {s.from_ami for s in backend.snapshots.values()}, len(backend.volumes))


def _backend(region: str):
    from moto.ec2.models import EC2Backend

    return EC2Backend(region, SANDBOX_ACCOUNT_ID)


def test_the_default_images_load_on_first_read_and_match_motos(speedups):
    lazy = _backend("eu-west-2")
    assert lazy.__dict__[moto_ec2_data.AMIS_PENDING]  # not loaded when the backend was made
    group = lazy.create_security_group("made-first", "a group before any image was read", vpc_id=lazy.default_vpc.id)
    assert group.id and lazy.__dict__[moto_ec2_data.AMIS_PENDING]  # the first seed stage's kind of call
    lazy_images = _images(lazy)
    assert not lazy.__dict__[moto_ec2_data.AMIS_PENDING]
    moto_speedups.uninstall()
    try:
        eager = _backend("eu-west-2")
        assert moto_ec2_data.AMIS_PENDING not in eager.__dict__
        eager_images = _images(eager)
    finally:
        moto_speedups.install()
    assert lazy_images[0] == eager_images[0] and len(lazy_images[0]) > 1000
    assert lazy_images[1] == {a for a in lazy.amis} and eager_images[1] == {a for a in eager.amis}  # a snapshot each
    assert lazy_images[2] == eager_images[2] == 0  # the images' volumes are made and deleted


def test_readers_of_a_loading_backend_see_every_image(speedups):
    backend = _backend("eu-west-3")
    counts: list[int] = []
    start = threading.Barrier(4)

    def read() -> None:
        start.wait()
        counts.append(len(backend.amis))

    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(counts) == 4 and len(set(counts)) == 1 and counts[0] > 1000


def test_uninstall_leaves_no_backend_without_its_images(speedups):
    backend = _backend("ap-south-1")
    assert backend.__dict__[moto_ec2_data.AMIS_PENDING]
    moto_speedups.uninstall()
    try:
        assert len(backend.__dict__["amis"]) > 1000  # loaded by uninstall, read without the descriptor
    finally:
        moto_speedups.install()


def test_the_bastions_image_is_found_through_the_endpoint(speedups, moto_endpoint):
    ec2 = boto3.client("ec2", endpoint_url=moto_endpoint, **sandbox_credentials().client_kwargs())
    assert ec2.describe_security_groups()["SecurityGroups"]  # the backend exists, its images not read yet
    from aurora_console.sandbox.aws_seed import BASTION_IMAGE_NAME

    found = ec2.describe_images(Owners=["amazon"], Filters=[{"Name": "name", "Values": [BASTION_IMAGE_NAME]}])
    assert found["Images"]
    snapshots = ec2.describe_snapshots(OwnerIds=["amazon"])["Snapshots"]
    assert any(s["SnapshotId"] == found["Images"][0]["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"] for s in snapshots)


def test_motos_folder_is_listed_once_with_the_same_answer(speedups):
    import moto.backends

    listed = moto.backends.list_of_moto_modules()
    assert listed is moto.backends.list_of_moto_modules()  # kept
    assert list(listed) == list(moto_speedups.PATCHES.original("list_of_moto_modules")())
    assert {"rds", "ec2", "ssm", "cloudwatch"} <= set(listed)


def test_one_loader_serves_motos_models_with_motos_extras(speedups):
    import moto.core.utils
    from moto.core.loaders import Loader, moto_root

    from aurora_console.sandbox import shared_loader

    shared_loader.install()
    boto3.Session(**sandbox_credentials().client_kwargs())  # the shared botocore loader exists
    loader = moto.core.utils.create_loader()
    assert loader is moto.core.utils.create_loader() and isinstance(loader, Loader)
    own = Loader(extra_search_paths=[moto_root])
    for service, kind in (("ec2", "service-2"), ("rds", "service-2"), ("rds", "paginators-1")):
        assert loader.load_service_model(service, kind) == own.load_service_model(service, kind), (service, kind)
    ec2 = loader.load_service_model("ec2", "service-2")
    assert "AuthFailure" in ec2["shapes"]  # moto's extras merged
    # botocore's file decoded once: moto's model shares it, and botocore's model has none of moto's extras
    botocore_ec2 = shared_loader.default_loader().load_service_model("ec2", "service-2")
    assert "AuthFailure" not in botocore_ec2["shapes"]
    assert ec2["shapes"]["Vpc"] is botocore_ec2["shapes"]["Vpc"]
    rds = loader.load_service_model("rds", "service-2")  # moto's rds model: no botocore sdk-extras
    assert "SourceRegion" not in rds["shapes"]["CreateDBClusterMessage"]["members"]


def _offerings_as_moto_decodes_them() -> dict:
    import os
    import pathlib

    import moto
    from moto.utilities.utils import load_resource

    folder = pathlib.Path(moto.__file__).parent / "ec2" / "resources" / "instance_type_offerings"
    out: dict = {}
    for location_type in os.listdir(folder):
        out[location_type] = {}
        for name in os.listdir(folder / location_type):
            decoded = load_resource(f"ec2/resources/instance_type_offerings/{location_type}/{name}")
            for offering in decoded:
                offering["LocationType"] = location_type
            out[location_type][name.split(".")[0]] = decoded
    return out


def test_instance_type_offerings_are_decoded_on_first_read_as_moto_decodes_them():
    """In a fresh interpreter: the sandbox's install imports moto's EC2 models itself."""
    import json
    import subprocess
    import sys

    script = (
        "import json, sys\n"
        "from aurora_console.sandbox import moto_speedups\n"
        "moto_speedups.install()\n"
        "from moto.ec2.models.instance_types import INSTANCE_TYPE_OFFERINGS as o\n"
        "from moto.ec2.models import amis, instance_types\n"
        "import moto.utilities.utils as u\n"
        "print(json.dumps({'lazy': type(o['region']).__name__,"
        " 'undecoded': sum(type(v).__name__ == '_NotDecoded' for d in o.values() for v in dict.values(d)),"
        " 'own_loader': amis.load_resource is u.load_resource and instance_types.load_resource is u.load_resource,"
        " 'us_east_1': len(o['region']['us-east-1']),"
        " 'after_one_read': sum(type(v).__name__ == '_NotDecoded' for d in o.values() for v in dict.values(d))}))\n"
    )
    out = json.loads(subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                                    timeout=120).stdout)
    assert out["lazy"] == "_OfferingsByRegion" and out["undecoded"] > 80 and out["own_loader"]
    assert out["us_east_1"] > 0 and out["after_one_read"] == out["undecoded"] - 1


def test_lazily_decoded_offerings_hold_what_moto_decodes(speedups):
    from moto.ec2.models.instance_types import INSTANCE_TYPE_OFFERINGS

    expected = _offerings_as_moto_decodes_them()
    assert set(INSTANCE_TYPE_OFFERINGS) == set(expected)
    for location_type, regions in expected.items():
        lazy = INSTANCE_TYPE_OFFERINGS[location_type]
        assert lazy.get("eu-west-1") == regions["eu-west-1"]  # one region, then all of them
        assert lazy.get("no-such-region", []) == []
        assert dict(lazy.items()) == regions


def test_instance_type_offerings_answer_through_the_endpoint(speedups, moto_endpoint):
    ec2 = boto3.client("ec2", endpoint_url=moto_endpoint, **sandbox_credentials("eu-west-1").client_kwargs())
    offered = ec2.describe_instance_type_offerings(LocationType="availability-zone",
                                                   Filters=[{"Name": "instance-type", "Values": ["t3.nano"]}])
    zones = {o["Location"] for o in offered["InstanceTypeOfferings"]}
    assert zones and all(z.startswith("eu-west-1") for z in zones)
    assert {o["LocationType"] for o in offered["InstanceTypeOfferings"]} == {"availability-zone"}
