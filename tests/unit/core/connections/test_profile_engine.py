"""A profile's engine: the port a new profile gets, the engine of a fleet cluster, and a fleet
cluster's profile (core.connections.profile, core.connections.fleet_endpoints)."""

from __future__ import annotations

from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from aurora_console.core.connections.fleet_endpoints import EndpointChoice, profile_for_cluster
from aurora_console.core.connections.profile import ConnectionProfile, default_port, engine_of_cluster


def test_a_new_profile_gets_its_engines_port():
    assert ConnectionProfile(name="a", host="h").port == 5432
    assert ConnectionProfile(name="a", host="h", engine="mysql").port == 3306
    assert ConnectionProfile(name="a", host="h", engine="mysql", port=3307).port == 3307


def test_a_saved_profile_without_a_port_reads_back_with_its_engines_port():
    assert ConnectionProfile.from_dict({"name": "a", "host": "h", "engine": "mysql"}).port == 3306
    saved = ConnectionProfile(name="a", host="h", engine="mysql", port=13306).to_dict()
    assert ConnectionProfile.from_dict(saved).port == 13306


def test_rds_engines_map_to_profile_engines():
    assert [engine_of_cluster(e) for e in ("aurora-mysql", "mysql", "mariadb", "Aurora-MySQL")] == ["mysql"] * 4
    assert [engine_of_cluster(e) for e in ("aurora-postgresql", "postgres", "", None)] == ["postgres"] * 4
    assert default_port("mysql") == 3306 and default_port("postgres") == 5432 and default_port("other") == 5432


@given(st.one_of(st.none(), st.text(), st.binary(), st.integers(), st.lists(st.text())))
def test_engine_of_cluster_answers_for_any_input(value):
    assert engine_of_cluster(value) in ("mysql", "postgres")


def test_the_cluster_decides_engine_port_and_login_of_a_fleet_profile():
    ref = SimpleNamespace(profile="prod", region="eu-west-1", cluster_id="shop", engine="aurora-mysql")
    eps = [EndpointChoice("reader", "reader", "shop.cluster-ro-x.eu-west-1.rds.amazonaws.com", 3306),
           EndpointChoice("writer", "writer", "shop.cluster-x.eu-west-1.rds.amazonaws.com", 3306)]
    p = profile_for_cluster(ref, eps)
    assert (p.engine, p.port, p.database, p.user) == ("mysql", 3306, "mysql", "admin")
    assert p.host == eps[1].address and p.cluster.endpoint_kind == "writer"
    assert (p.password.kind, p.password.region, p.password.aws_profile) == ("secretsmanager", "eu-west-1", "prod")
    pg = profile_for_cluster(SimpleNamespace(profile=None, region="us-east-1", cluster_id="blog",
                                             engine="aurora-postgresql"), [])
    assert (pg.engine, pg.port, pg.user, pg.host) == ("postgres", 5432, "postgres", "")
