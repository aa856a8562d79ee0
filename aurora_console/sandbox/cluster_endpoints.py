"""The two RDS reads of the fleet listing that moto lacks, answered for the sandbox's seeded account.

moto 5 has no ``DescribeDBClusterEndpoints`` and no ``DescribePendingMaintenanceActions``: it
answers both with a werkzeug "500 Internal Server Error" HTML page (and logs the
``NotImplementedError`` with its traceback). The console then showed "not supported by this
endpoint" on every sandbox region, the blog's custom endpoint (``blog-analytics``, which the
bastion routes) was missing from its endpoints, and each listing paid for two failing calls in the
endpoint's process.

Once the sandbox's first seed stage has run on the endpoint (:meth:`ClusterEndpoints.serve`,
called by ``LocalAwsServer.seed_clusters``), this layer answers them as AWS does:

* ``DescribeDBClusterEndpoints``: for each cluster of the request's region (moto's own clusters,
  read from its RDS backend), its writer and reader endpoints (``EndpointType`` WRITER/READER,
  as AWS lists them), and the custom endpoints the seed named (``EndpointType`` CUSTOM, with their
  static members). ``DBClusterIdentifier`` and ``DBClusterEndpointIdentifier`` narrow the list
  (an unknown cluster is ``DBClusterNotFoundFault``); a request with ``Filters`` goes on to moto
  (unsupported there, as before; the console sends none);
* ``DescribePendingMaintenanceActions``: none (a freshly seeded account has nothing pending),
  also when filtered by cluster or instance, as the cluster details and the change timeline ask.

Before the seed (the test rig's plain moto server) and after a reset, both go on to moto
unchanged. AWS's shapes: botocore's ``rds`` service model (``DBClusterEndpointMessage``,
``PendingMaintenanceActionsMessage``).
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from aurora_console.sandbox.wsgi_body import query_params, read_body

log = logging.getLogger(__name__)

XMLNS = "http://rds.amazonaws.com/doc/2014-10-31/"
ENDPOINTS = "DescribeDBClusterEndpoints"
PENDING = "DescribePendingMaintenanceActions"
_REGION = re.compile(r"Credential=[^/,\s]+/[0-9]{8}/(?P<region>[a-z0-9-]+)/rds/aws4_request")


@dataclass(frozen=True)
class CustomEndpoint:
    """A custom cluster endpoint the seed named (moto cannot create one)."""

    region: str
    cluster_id: str
    name: str
    host: str
    members: tuple[str, ...]
    kind: str = "ANY"  # CustomEndpointType: READER or ANY


class ClusterEndpoints:
    """What the layer answers from: off until :meth:`serve`; the seed's custom endpoints."""

    def __init__(self, account_id: str = "123456789012") -> None:
        self.account_id = account_id
        self._lock = threading.Lock()
        self._serving = False
        self._custom: tuple[CustomEndpoint, ...] = ()

    @property
    def serving(self) -> bool:
        return self._serving

    def serve(self, custom: Iterable[CustomEndpoint] = ()) -> None:
        """Answer both calls from now on, with these custom endpoints."""
        with self._lock:
            self._custom = tuple(custom)
            self._serving = True

    def reset(self) -> None:
        """Back to moto's answers (the endpoint was emptied)."""
        with self._lock:
            self._custom = ()
            self._serving = False

    def custom(self, region: str) -> tuple[CustomEndpoint, ...]:
        with self._lock:
            return tuple(e for e in self._custom if e.region == region)

    def clusters(self, region: str) -> list[Any]:
        """moto's clusters of ``region`` (its RDS backend's, in creation order)."""
        from moto.rds.models import rds_backends

        return list(rds_backends[self.account_id][region].clusters.values())


def _text(value: object) -> str:
    return escape(str(value))


def _endpoint_xml(cluster_id: str, endpoint: str, kind: str, arn: str, *, name: str = "", resource: str = "",
                  custom_kind: str = "", members: tuple[str, ...] = ()) -> str:
    parts = [f"<DBClusterIdentifier>{_text(cluster_id)}</DBClusterIdentifier>",
             f"<Endpoint>{_text(endpoint)}</Endpoint>", "<Status>available</Status>",
             f"<EndpointType>{kind}</EndpointType>"]
    if name:
        parts.insert(0, f"<DBClusterEndpointIdentifier>{_text(name)}</DBClusterEndpointIdentifier>")
        parts.append(f"<DBClusterEndpointResourceIdentifier>{_text(resource)}</DBClusterEndpointResourceIdentifier>")
        parts.append(f"<CustomEndpointType>{custom_kind}</CustomEndpointType>")
        parts.append("<StaticMembers>" + "".join(f"<member>{_text(m)}</member>" for m in members) + "</StaticMembers>")
        parts.append("<ExcludedMembers></ExcludedMembers>")
        parts.append(f"<DBClusterEndpointArn>{_text(arn)}</DBClusterEndpointArn>")
    return "<DBClusterEndpointList>" + "".join(parts) + "</DBClusterEndpointList>"


def _response(action: str, body: str) -> str:
    return (f'<{action}Response xmlns="{XMLNS}"><{action}Result>{body}</{action}Result>'
            f"<ResponseMetadata><RequestId>sandbox-{action}</RequestId></ResponseMetadata></{action}Response>")


def _error(code: str, message: str) -> str:
    return (f'<ErrorResponse xmlns="{XMLNS}"><Error><Type>Sender</Type><Code>{code}</Code>'
            f"<Message>{_text(message)}</Message></Error><RequestId>sandbox-error</RequestId></ErrorResponse>")


def describe_cluster_endpoints(state: ClusterEndpoints, region: str, params: dict[str, str]) -> tuple[int, str]:
    """``DescribeDBClusterEndpoints``: (HTTP status, XML body)."""
    wanted_cluster = params.get("DBClusterIdentifier", "")
    wanted_endpoint = params.get("DBClusterEndpointIdentifier", "")
    clusters = state.clusters(region)
    if wanted_cluster:
        clusters = [c for c in clusters if c.db_cluster_identifier == wanted_cluster]
        if not clusters:
            return 404, _error("DBClusterNotFoundFault", f"DBCluster {wanted_cluster} not found.")
    custom = state.custom(region)
    items = []
    for cluster in clusters:
        cid = cluster.db_cluster_identifier
        if not wanted_endpoint:  # the writer and reader endpoints have no identifier of their own
            items.append(_endpoint_xml(cid, cluster.endpoint, "WRITER", cluster.db_cluster_arn))
            items.append(_endpoint_xml(cid, cluster.reader_endpoint, "READER", cluster.db_cluster_arn))
        for e in custom:
            if e.cluster_id != cid or (wanted_endpoint and e.name != wanted_endpoint):
                continue
            arn = f"arn:aws:rds:{region}:{state.account_id}:cluster-endpoint:{e.name}"
            items.append(_endpoint_xml(cid, e.host, "CUSTOM", arn, name=e.name, resource=f"cluster-endpoint-{e.name}",
                                       custom_kind=e.kind, members=e.members))
    return 200, _response(ENDPOINTS, "<DBClusterEndpoints>" + "".join(items) + "</DBClusterEndpoints>")


def describe_pending_maintenance(state: ClusterEndpoints, region: str, params: dict[str, str]) -> tuple[int, str]:
    """``DescribePendingMaintenanceActions``: nothing pending."""
    return 200, _response(PENDING, "<PendingMaintenanceActions></PendingMaintenanceActions>")


_HANDLERS: dict[str, Callable[[ClusterEndpoints, str, dict[str, str]], tuple[int, str]]] = {
    ENDPOINTS: describe_cluster_endpoints, PENDING: describe_pending_maintenance,
}
#: the ``Filters`` each call is answered with here (by name; nothing is pending, so any cluster or
#: instance filter leaves nothing too); a request with another filter goes on to moto
_FILTERS: dict[str, frozenset[str]] = {ENDPOINTS: frozenset(), PENDING: frozenset({"db-cluster-id", "db-instance-id"})}


def _filter_names(params: dict[str, str]) -> set[str]:
    """The names of a query request's ``Filters`` (``Filters.Filter.N.Name``)."""
    return {value for key, value in params.items() if key.startswith("Filters.") and key.endswith(".Name")}


class ClusterEndpointsWsgi:
    """WSGI layer in front of moto's app: the two calls answered here while ``state`` serves,
    everything else passed on unchanged (the request body handed on as it came)."""

    def __init__(self, app: Callable, state: ClusterEndpoints) -> None:
        self.app = app
        self.state = state

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        if not self.state.serving or environ.get("REQUEST_METHOD") != "POST":
            return self.app(environ, start_response)
        region = _REGION.search(environ.get("HTTP_AUTHORIZATION", ""))
        if region is None:
            return self.app(environ, start_response)
        params = query_params(read_body(environ))
        action = "" if params is None else params.get("Action", "")
        handler = _HANDLERS.get(action)
        if handler is None or not _filter_names(params) <= _FILTERS[action]:
            return self.app(environ, start_response)
        try:
            status, body = handler(self.state, region["region"], params)
        except Exception as exc:  # noqa: BLE001 - answered as AWS answers an internal failure
            log.exception("sandbox cluster endpoints: %s failed", params.get("Action"))
            status, body = 500, _error("InternalFailure", f"{type(exc).__name__}: {exc}")
        data = body.encode("utf-8")
        reason = {200: "OK", 404: "Not Found", 500: "Internal Server Error"}.get(status, "Error")
        start_response(f"{status} {reason}", [("Content-Type", "text/xml"), ("Content-Length", str(len(data)))])
        return [data]


__all__ = ["ClusterEndpoints", "ClusterEndpointsWsgi", "CustomEndpoint"]
