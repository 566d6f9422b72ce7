"""Example design: a small web service with a load balancer, two app servers and a replicated database.

Render it with `workbench render`; edit it and render again. Any plain `diagrams` script works here.
"""

from diagrams import Cluster, Diagram, Edge
from diagrams.aws.compute import EC2
from diagrams.aws.database import RDS
from diagrams.aws.network import ELB
from diagrams.onprem.client import Users

with Diagram("Web Service", direction="LR"):
    users = Users("users")
    lb = ELB("load balancer")
    with Cluster("app tier"):
        app = [EC2("app-1"), EC2("app-2")]
    with Cluster("database"):
        primary = RDS("db primary")
        replica = RDS("db replica")
        primary - Edge(label="replication", style="dashed") - replica

    users >> lb >> app >> primary
