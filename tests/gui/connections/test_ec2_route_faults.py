"""Faults of the EC2 bastion routes in the window (issue 18, "Bad input and faults"): a stopped
instance, no Instance Connect Endpoint in the bastion's VPC, a pushed key the bastion refuses
(its 60-s window missed, pushed again once), Session Manager's plugin missing: each fails its own
profile's tunnel with a plain message (the tunnel panel's reason, the error the page object gets)
while another profile's tunnel through the same bastion instance stays up and its database keeps
answering."""

from __future__ import annotations

import pytest

from aurora_console.core.errors import user_text

pytestmark = [pytest.mark.gui, pytest.mark.integration]

REGION = "us-east-1"
WORKING = "sandbox-blog-push"


def _instance(ec2, name: str, *, subnet: str | None = None) -> str:
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    extra = {"NetworkInterfaces": [{"DeviceIndex": 0, "SubnetId": subnet, "AssociatePublicIpAddress": False}]} \
        if subnet else {}
    return ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType="t3.nano",
                             TagSpecifications=[{"ResourceType": "instance",
                                                 "Tags": [{"Key": "Name", "Value": name}]}], **extra
                             )["Instances"][0]["InstanceId"]


def _fails(conn, name: str) -> str:
    """Open ``name``'s tunnel, which must fail; the text the window shows for it (the error and the
    panel's reason must say the same)."""
    with pytest.raises(Exception) as err:
        conn.open_tunnel(name)
    shown = user_text(err.value)
    info = conn.tunnel_info(name)
    assert info["state"] == "failed" and info["reason"], info  # what the tunnel panel shows
    assert info["reason"] in shown, (info["reason"], shown)
    return shown


def _still_up(conn, port: int) -> None:
    state = conn.tunnel_state(WORKING)
    assert state == "up" and " → " in state.route, state
    assert conn.tunnel_info(WORKING)["local_port"] == port
    report = conn.test(WORKING)  # the database still answers through it
    assert report["route"].endswith(f"127.0.0.1:{port}"), report["summary"]


def test_each_route_fault_is_said_plainly_and_other_profiles_keep_working(console, monkeypatch, tmp_path):
    conn = console.connections
    ec2 = conn.controller.aws_clients()("ec2", None, REGION)
    made: list[str] = []
    conn.controller.backend_override[WORKING] = "paramiko"
    port = conn.open_tunnel(WORKING)
    try:
        _still_up(conn, port)

        # a stopped instance: said with the command that starts it, nothing pushed
        stopped = _instance(ec2, "stopped-bastion")
        ec2.stop_instances(InstanceIds=[stopped])
        made.append(conn.create_ec2_profile("blog-stopped", like=WORKING, instance="stopped-bastion", region=REGION,
                                            transport="direct", host="127.0.0.1"))
        shown = _fails(conn, "blog-stopped")
        assert stopped in shown and "stopped" in shown, shown
        assert f"aws ec2 start-instances --instance-ids {stopped}" in shown, shown
        _still_up(conn, port)

        # no Instance Connect Endpoint in the bastion's VPC: the VPC named, and how to make one
        vpc = ec2.create_vpc(CidrBlock="10.77.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.77.1.0/24")["Subnet"]["SubnetId"]
        _instance(ec2, "lonely-bastion", subnet=subnet)
        made.append(conn.create_ec2_profile("blog-no-endpoint", like=WORKING, instance="lonely-bastion",
                                            region=REGION, transport="eice", backend="paramiko"))
        shown = _fails(conn, "blog-no-endpoint")
        assert f"VPC {vpc} has no EC2 Instance Connect Endpoint" in shown, shown
        assert "create-instance-connect-endpoint" in shown, shown
        _still_up(conn, port)

        # a pushed key the bastion refuses (as when the login misses the 60-s window): pushed again
        # once, then said with what to check
        made.append(conn.create_ec2_profile("blog-wrong-user", like=WORKING, instance="sandbox-bastion",
                                            region=REGION, transport="eice", os_user="ubuntu", backend="paramiko"))
        shown = _fails(conn, "blog-wrong-user")
        assert "refused the key pushed with EC2 Instance Connect for 'ubuntu', twice" in shown, shown
        assert "OS user" in shown, shown
        _still_up(conn, port)

        # Session Manager without its plugin: said with where to get it
        from aurora_console.core.aws.bastion_route import plugin

        made.append(conn.create_ec2_profile("blog-ssm", like=WORKING, instance="sandbox-bastion", region=REGION,
                                            transport="ssm-forward", push_key=False))
        with monkeypatch.context() as m:
            m.setenv("PATH", str(tmp_path / "empty"))
            m.setattr(plugin, "usual_folders", lambda platform=None: [str(tmp_path / "nowhere")])
            shown = _fails(conn, "blog-ssm")
        assert "session-manager-plugin" in shown and plugin.INSTALL_URL in shown, shown
        _still_up(conn, port)
    finally:
        conn.close_tunnel(WORKING)
        conn.controller.backend_override.pop(WORKING, None)
        for name in made:
            conn.delete_profile(name)
