"""What the example smoke tests look at: the sandbox's names by default, yours via environment.

    AURORA_SMOKE_CLUSTER      a cluster id in the chosen profile/region   (sandbox: blog)
    AURORA_SMOKE_DB_PROFILE   a connection profile of the console          (sandbox: sandbox-blog)
    AURORA_SMOKE_TABLE        a table the content editor opens             (sandbox: posts)
    AURORA_SMOKE_TUNNEL_PROFILE  a profile through an EC2 bastion (Instance Connect, endpoint or
                              Session Manager)                             (sandbox: sandbox-blog-eic)
    AURORA_SMOKE_MYSQL_PROFILE  a connection profile of an Aurora MySQL cluster (sandbox: sandbox-shop)

Example: AURORA_SMOKE_CLUSTER=orders-prod AURORA_SMOKE_DB_PROFILE=orders-ro \\
         pytest examples/smoke --aurora-profile prod --aurora-region eu-west-1 --junitxml=smoke.xml
"""

from __future__ import annotations

import os

CLUSTER = os.environ.get("AURORA_SMOKE_CLUSTER", "blog")
DB_PROFILE = os.environ.get("AURORA_SMOKE_DB_PROFILE", "sandbox-blog")
TABLE = os.environ.get("AURORA_SMOKE_TABLE", "posts")
TUNNEL_PROFILE = os.environ.get("AURORA_SMOKE_TUNNEL_PROFILE", "sandbox-blog-eic")
MYSQL_PROFILE = os.environ.get("AURORA_SMOKE_MYSQL_PROFILE", "sandbox-shop")
