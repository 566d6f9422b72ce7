"""Redundancy evidence for one node: label stems, locations, replica counts and the managed-HA tables (spec §3)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from workbench.analysis.roles import (
    CONTAINER_TASKS,
    MANAGED_K8S,
    OBJECT_STORE_PRODUCTS,
    SNOWFLAKE_VENDOR,
    VIRTUAL_MACHINES,
    security_group,
    edge_vendor_cluster,
    words,
)
from workbench.design.capacity import CapacityError, parse_count

# -- values -------------------------------------------------------------------------------------------------------

_TRUE = frozenset({"true", "yes", "1", "on", "y"})
_FALSE = frozenset({"false", "no", "0", "off", "n"})


def flag(value: str | None) -> bool | None:
    """A boolean analysis key ("true"/"false", "yes"/"no", ...); None when absent or unreadable."""
    if value is None:
        return None
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None


def number(value: str | None) -> float | None:
    """A non-negative number such as "2000", "2,000", "2k", "1.5M", "2B" or "80%" (as 0.8); None if unreadable.

    Counts are read by the design sheet's parser (capacity.parse_count), so node keywords and the capacity
    sheet accept the same spellings.
    """
    if value is None:
        return None
    text = str(value).strip()
    scale = 1.0
    if text.endswith("%"):
        text, scale = text[:-1], 0.01
    try:
        return parse_count(text) * scale
    except CapacityError:
        return None


def fraction(value: str | None) -> float | None:
    """A share in [0, 1] written as "0.8" or "80%"; None if unreadable.

    A bare number above 1 ("80") is unreadable rather than silently read as a percentage (ATTR001 reports it).
    """
    if value is None:
        return None
    text = str(value).strip()
    result = number(text)
    if result is None:
        return None
    if not text.endswith("%") and result > 1:
        return None
    return result if 0.0 <= result <= 1.0 else None


def multiplier(value: str | None) -> float | None:
    """An edge `fraction=`: a multiplier ≥ 0 on the caller's load; None if unreadable.

    "0.1" is a tenth of the caller's requests, "2%" is 0.02, and values above 1 amplify: "120" (or "120x")
    means each request causes 120 calls (fan-out). Negative numbers and text are unreadable.
    """
    if value is None:
        return None
    text = str(value).strip().lower()
    if text.endswith(("x", "×")):
        text = text[:-1].strip()
    if not text or text[-1].isalpha():  # "2k" is a rate, not a multiplier
        return None
    return number(text)


def capacity_figures(value: str | None) -> tuple[float, float | None] | None:
    """A `capacity_qps=`: "5000" → (5000, None); "50000:5000" (reads:writes) → (50000, 5000); None if unreadable.

    Every figure must be positive: a capacity of zero would make any load infinite utilisation.
    """
    if value is None:
        return None
    text = str(value).strip()
    if text.count(":") == 1:
        reads, _, writes = text.partition(":")
        r, w = number(reads), number(writes)
        if r is None or w is None or r <= 0 or w <= 0 or reads.strip().endswith("%") or writes.strip().endswith("%"):
            return None
        return r, w
    if text.endswith("%"):
        return None
    n = number(text)
    return (n, None) if n is not None and n > 0 else None


def read_fraction(value: str | None) -> float | None:
    """The read fraction ρ of a `read_ratio`: "10:1" (reads:writes) gives 10/11; "0.9" or "90%" are shares.

    A bare number above 1 ("10") is unreadable: it is neither a share nor a ratio (ATTR001 reports it).
    """
    if value is None:
        return None
    text = str(value).strip()
    if ":" in text:
        reads, _, writes = text.partition(":")
        r, w = number(reads), number(writes)
        if r is None or w is None or r + w == 0:
            return None
        return r / (r + w)
    return fraction(text)


def slo_percent(value: str | None) -> float | None:
    """An availability target as a percentage: "99.99", "99.99%" and "0.9999" all give 99.99."""
    if value is None:
        return None
    text = str(value).strip().rstrip("%")
    try:
        result = float(text)
    except ValueError:
        return None
    if 0 < result <= 1:
        result *= 100.0
    return result if 0 < result <= 100 else None


def replica_count(value: str | None) -> int | None:
    """A `replicas=` value: a whole number ≥ 1; None if absent or unreadable."""
    result = number(value)
    if result is None or result < 1 or result != int(result):
        return None
    return int(result)


# -- label stems (§3.2 step 2) -------------------------------------------------------------------------------------

# Region and zone codes. The spec's `[a-z]{2}-[a-z]+-\d[a-z]?` also matches ordinary names such as
# "my-service-1", so the middle word must be a compass direction, as in every AWS and GCP location code.
_DIR = r"(?:north|south|east|west|central)(?:east|west)?"
_AWS_REGION = rf"[a-z]{{2}}(?:-gov)?-{_DIR}-\d"
_GCP_REGION = rf"[a-z]+-{_DIR}\d+"
_ZONE_CODE = re.compile(rf"\b(?:{_AWS_REGION}[a-z]|{_GCP_REGION}-[a-z])\b")
_REGION_CODE = re.compile(rf"\b(?:{_AWS_REGION}|{_GCP_REGION})\b")
# Region names without a number ("us-west", "eu-central", "europe-west"): only with a geographic prefix, so that
# "ui-west" or "api-east" stay service names [H].
_GEO = r"(?:us|eu|ap|sa|ca|me|af|il|mx|cn|uk|europe|asia|australia|northamerica|southamerica|africa)"
_LOOSE_REGION = re.compile(rf"\b{_GEO}(?:-gov)?-{_DIR}\b(?!-\d)")
# The word after "zone" / "az" / "dc": a short code ("a", "1", "1b", "b2") or a compass direction ("West").
_ZONE_SUFFIX = rf"(?:\d{{1,2}}[a-z]?|[a-z]\d{{0,2}}|{_DIR})"
_ZONE_WORD = re.compile(
    rf"\b(?:az|zone|availability[\s_-]?zone)[\s_-]?{_ZONE_SUFFIX}\b"
    rf"|\b{_DIR}[\s_-]?zone\b"
    rf"|\b(?:dc|datacenter|data[\s_-]?center)[\s_-]?(?:\d+[a-z]?|{_DIR})\b")
_REGION_WORD = re.compile(r"\bregion\b")
# A label that spans zones ("AZ1–AZ3", "AZ1/AZ2", "3 AZs", "multi-AZ", "zones a-c"): no one zone [issue 13].
# The second zone must be named as one: "AZ 1 - 10.0.1.0/24", "AZ1 - 2 web servers" and "Zone B - 2 servers" are
# one zone and a note.
_ZONE_SPAN = re.compile(rf"\b(?:az|zone)[\s_-]?{_ZONE_SUFFIX}\s*(?:[-–—/&,+]|to|and)\s*(?:az|zone)[\s_-]?"
                        rf"{_ZONE_SUFFIX}\b|\b(?:\d+|two|three|multiple)\s+(?:azs|zones|availability zones)\b|"
                        rf"\bmulti[\s_-]?(?:az|zone)s?\b|\b(?:zones|azs)\s+[a-z0-9]\s*[-–—]\s*[a-z0-9]\b")
# A cluster label that is just a location keyword and one word ("zone Alpha", "datacenter Frankfurt") names a
# location, unless the word makes it a service ("zone service", "zone records") [H].
_LOCATION_LABEL = re.compile(r"(?:zone|az|availability[\s_-]?zone|dc|datacenter|data[\s_-]?center)[\s_-]+([a-z0-9]+)")
_NOT_A_PLACE = frozenset({
    "service", "services", "svc", "manager", "management", "records", "record", "file", "files", "api", "apis",
    "server", "servers", "db", "database", "cache", "store", "transfer", "config", "configuration", "controller",
    "lookup", "editor", "admin", "app", "apps", "proxy", "gateway", "router", "resolver", "registry", "sync",
    "data", "info", "list", "map", "engine", "worker", "workers", "tool", "tools", "migration", "monitor",
})
_ROLE_WORDS = re.compile(
    r"\b(?:primary|replica|read|write|ro|rw|secondary|standby|master|slave|reader|writer|follower|leader|node|"
    r"instance|active|passive|dr|"
    r"blue|green)\b")  # the two slots of a blue/green deployment ("Task(s)\nBLUE", "Task(s)\nGREEN") are copies
# An IPv4 address or CIDR block in a label ("Worker Node AZ1\n10.1.11.0/24"): where an instance sits, not which
# service it is [issue 13].
_ADDRESS = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}(?:/\d{1,2})?\b")
_NAME_INDEX = re.compile(r"^([a-z]{2,})\d+(?= [a-z])")
# A host numbered at the head of its name ("1.paper.example.com", "2.paper.example.com"): instances of one kind.
_FQDN_INDEX = re.compile(r"^\d{1,3}\.(?=[a-z][a-z0-9-]*\.[a-z])")
# "web 2", "web-b", and ordinals: "ETCD 3rd", "broker second".
_TRAILING_INDEX = re.compile(r"(?:\s*\d+(?:st|nd|rd|th)?|(?:^|\s)[a-z]|\s(?:first|second|third|fourth|fifth))$")
_SHARD = re.compile(r"shard|partition|part-\d")
# After the shard word: the shard's index, then a numbered member ("shard-0-jvb-2", "shard 1 / node 3").
_SHARD_MEMBER = re.compile(r"[\s_#-]*\d+[\s_#/-]+[a-z][a-z_-]*?[\s_#-]*\d+\s*$")

WRITER_WORDS = frozenset({"primary", "master", "writer", "leader", "rw"})
READER_WORDS = frozenset({"replica", "ro", "reader", "secondary", "slave", "follower", "read"})
STANDBY_WORDS = frozenset({"standby", "passive", "dr"})  # "OLTP DR": the disaster-recovery copy
_WORD = re.compile(r"[a-z0-9]+")


def label_stem(label: str) -> str:
    """Label with role words, location codes, addresses and one trailing index removed: "web-1" and
    "web-us-east-1b" → "web"; so is the index heading a host name ("1.paper.example.com").

    Separators are normalised to single spaces so that "web-1" and "web 2" compare equal. Unlike the spec's
    `[-_ #]*(\\d+|[a-z])`, a trailing single letter is removed only when it stands alone ("web-a", "b"), never
    when it ends a word ("web" stays "web", not "we").
    """
    text = label.lower()
    if "." in text:
        text = _FQDN_INDEX.sub("", _ADDRESS.sub(" ", text))
    text = _ZONE_CODE.sub(" ", text)
    text = _REGION_CODE.sub(" ", text)
    text = _LOOSE_REGION.sub(" ", text)
    text = _ZONE_WORD.sub(" ", text)
    text = _ROLE_WORDS.sub(" ", text)
    name, newline, notes = text.partition("\n")
    if newline and (notes := " ".join(_WORD.findall(notes))):
        # A name and notes ("ECS task 1\n256 CPU / 512 MB"): the index that ends the name's line goes too.
        name = " ".join(_WORD.findall(name))
        text = f"{_TRAILING_INDEX.sub('', name).strip() or name} {notes}"
    text = " ".join(_WORD.findall(text))
    # ... also when the notes follow on the same line, glued to a one-word name ("VM01 No Public IP").
    text = _NAME_INDEX.sub(r"\1", text)
    return _TRAILING_INDEX.sub("", text).strip()


def cloud_region(name: str) -> bool:
    """True when a location is a cloud region by its code or geographic name ("us-east-1", "eu-west"), not just a
    cluster that says "region" ("Dev region", "Blue region")."""
    return bool(_REGION_CODE.fullmatch(name) or _LOOSE_REGION.fullmatch(name))


def is_shard(label: str) -> bool:
    """Shards ("orders shard 1", "partition-2") are never merged by the sibling heuristic. A numbered member of
    one shard ("shard-0-jvb-2", the third videobridge of shard 0) is no shard of its own [issue 13]."""
    text = label.lower()
    m = _SHARD.search(text)
    return bool(m) and not _SHARD_MEMBER.match(text, m.end())


# Most nodes have no mark: they share one empty set rather than each holding its own (one per drawn node).
_NO_MARKS: frozenset[str] = frozenset()


def role_marks(label: str, cls: str) -> frozenset[str]:
    """"writer", "reader" and/or "standby" marks from label words and DigitalOcean's Dbaas* classes."""
    words = set(_WORD.findall(label.lower()))
    marks = set()
    if words & WRITER_WORDS or cls == "DbaasPrimary":
        marks.add("writer")
    if words & READER_WORDS or cls == "DbaasReadOnly":
        marks.add("reader")
    if words & STANDBY_WORDS or cls == "DbaasStandby":
        marks.add("standby")
    return frozenset(marks) if marks else _NO_MARKS


# -- locations ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Location:
    zone: str | None = None
    region: str | None = None

    @property
    def known(self) -> bool:
        return self.zone is not None or self.region is not None


# Subnets are per-zone network placement (an AWS or Azure subnet lives in one zone), not a tier: the one-instance-
# per-AZ layout draws each sibling in its own subnet box, and those boxes must not keep the siblings apart [H].
_SUBNET = re.compile(r"\bsubnets?(?:\b|[\s_-]?\d)")


def is_placement_cluster(label: str) -> bool:
    """A cluster that places nodes on the network (a subnet) without making them a different service."""
    return bool(_SUBNET.search(label.strip().lower()))


def region_of_zone(zone: str) -> str | None:
    """"us-east-1a" → "us-east-1", "europe-west1-b" → "europe-west1"; None for names such as "AZ a"."""
    text = zone.strip().lower()
    match = _ZONE_CODE.fullmatch(text)
    if not match:
        return None
    return text[:-2] if text[-2] == "-" else text[:-1]


def cluster_location(label: str, analysis: Mapping[str, str]) -> Location:
    """Zone or region a cluster stands for: `wb_zone`/`wb_region`, else a location-like label (§3.1)."""
    zone, region = analysis.get("wb_zone"), analysis.get("wb_region")
    if zone or region:
        return Location(zone or None, region or (region_of_zone(zone) if zone else None))
    text = label.strip().lower()
    if _ZONE_SPAN.search(text):
        return Location()
    found = _ZONE_CODE.search(text)
    if found:
        return Location(found.group(0), region_of_zone(found.group(0)))
    found = _REGION_CODE.search(text) or _LOOSE_REGION.search(text)
    if found:
        return Location(None, found.group(0))
    words = " ".join(_WORD.findall(text))
    if _ZONE_WORD.search(text):
        return Location(words, None)
    whole = _LOCATION_LABEL.fullmatch(words)
    if whole and whole.group(1) not in _NOT_A_PLACE:
        return Location(words, None)
    if _REGION_WORD.search(text):
        return Location(None, words)
    return Location()


# -- replica counts -------------------------------------------------------------------------------------------------

# Scaling groups stand for an unknown number ≥ 1 of instances; n = 2 is assumed and REP010 asks for replicas= (§3.1).
SCALING_GROUP_CLASSES = frozenset({
    # `diagrams.aws.compute.AutoScaling` is an alias: the class drawn is ApplicationAutoScaling.
    "EC2AutoScaling", "AutoScaling", "ApplicationAutoScaling", "VMScaleSet", "VMScaleSets", "InstancePools",
    "Autoscale", "K8SNodePool",
})
ASSUMED_SCALING_REPLICAS = 2


# -- managed HA (§3.3) ----------------------------------------------------------------------------------------------

# Providers whose nodes the user runs: nothing about them is redundant unless drawn or declared.
# Provider None covers diagrams.generic, bare Node and C4 nodes.
SELF_HOSTED_PROVIDERS = frozenset({None, "onprem", "generic", "k8s", "programming", "custom", "openstack", "elastic",
                                   "gis"})

# Roles that name a provider's distributed edge or network fabric rather than an instance you size [H].
# The spec's worked example A05 requires that CloudFront is not a SPOF, so the CDN role sits here rather than in
# the provisional list; DNS, network and edge-security services of a cloud are anycast/regional fabrics too.
FABRIC_ROLES = frozenset({"cdn", "dns", "network", "edge_security"})


@dataclass(frozen=True)
class HA:
    """How a node survives the loss of an instance, independent of how many instances are drawn.

    status: "managed" (redundant by design), "provisional" (believed redundant, uncited: findings become info)
    or "single" (redundant only through drawn or declared replicas).
    elastic: a managed service without per-node capacity (only quotas apply, §6.8).
    zone_confined: why a managed service still lives in one zone (ZONE002), else None.
    auto_failover: writes fail over without an operator (REP002 stays silent).
    basis: one line saying which table row decided, for rule messages and docs.
    guessed: "single" rests on reading the drawing (a label naming self-hosted software on a managed icon, a
    vendor's edge icon among one's own containers, a server on a Secret icon), so findings on it say so.
    """

    status: str
    elastic: bool = False
    zone_confined: str | None = None
    auto_failover: bool = False
    basis: str = ""
    guessed: bool = False


def _prefixed(cls: str, *prefixes: str) -> bool:
    return cls.startswith(prefixes)


RDS_CLASSES = frozenset({
    "RDS", "RDSInstance", "RDSMariadbInstance", "RDSMysqlInstance", "RDSOracleInstance", "RDSPostgresqlInstance",
    "RDSSqlServerInstance", "RDSOnVmware",
})
AURORA_CLASSES = frozenset({"Aurora", "AuroraInstance"})
ELASTICACHE_CLASSES = frozenset({"Elasticache", "ElasticacheForRedis", "ElasticacheForMemcached"})
ELB_CLASSES = frozenset({"ElasticLoadBalancing", "ElbApplicationLoadBalancer", "ElbNetworkLoadBalancer",
                         "ElbClassicLoadBalancer"})
ZONAL_ELB_CLASSES = frozenset({"ElbNetworkLoadBalancer", "ElbClassicLoadBalancer"})
AZURE_STORAGE_CLASSES = frozenset({"BlobStorage", "QueuesStorage", "TableStorage"})
AZURE_REDIS_CLASSES = frozenset({"CacheForRedis", "CacheRedis"})
# Azure Database for PostgreSQL / MySQL / MariaDB: one server; a standby only when high availability is enabled.
AZURE_SERVER_DB_CLASSES = frozenset({"DatabaseForPostgresqlServers", "DatabaseForMysqlServers",
                                     "DatabaseForMariadbServers"})

# Uncited candidates (§3.3 "Not included because I found no citation"): SPOF/REP findings on them are info.
PROVISIONAL = {
    ("aws", "SimpleNotificationServiceSns"): "SNS",
    ("aws", "Kinesis"): "Kinesis", ("aws", "KinesisDataStreams"): "Kinesis",
    ("aws", "KinesisDataFirehose"): "Kinesis",
    ("gcp", "Storage"): "Cloud Storage",
    ("azure", "CosmosDb"): "Cosmos DB", ("azure", "AzureCosmosDb"): "Cosmos DB",
    ("gcp", "Firestore"): "Firestore", ("firebase", "Firestore"): "Firestore",
    ("gcp", "Run"): "Cloud Run",
}
_SNS_PREFIX = "SimpleNotificationServiceSns"
# Platforms that scale instances themselves (Cloud Functions, Azure Functions, App Engine, Elastic Beanstalk,
# Container Apps, App Runner); the drawn node is not one instance [H].
# Managed Kubernetes clusters (EKS, GKE, AKS): a drawn node is a whole cluster, not one machine [H].
_MANAGED_CLUSTERS = re.compile(r"(EKS|ElasticKubernetesService|GKE|KubernetesEngine|AKS|KubernetesServices)$")
_SERVERLESS = re.compile(r"Function|AppEngine|Beanstalk|Serverless|ContainerApps|AppRunner$|AppServices?$|StaticApps$")


# Why a managed service whose HA no table cites is taken as redundant, provisionally.
UNLISTED_BASIS = "managed cloud service not in the MANAGED_HA table [H]"


def _cited(provider: str | None, cls: str, a: Mapping[str, str]) -> HA | None:
    """The MANAGED_HA table (§3.3) with its conditions; None when the class is not in it."""
    one_zone = str(a.get("storage_class", "")).strip().lower().replace("-", "_") in (
        "one_zone", "onezone", "one_zone_ia", "express_one_zone")
    tier = str(a.get("tier", "")).strip().lower()
    multi_az = flag(a.get("multi_az")) is True
    if provider == "aws":
        if _prefixed(cls, "SimpleStorageServiceS3", "S3Glacier"):
            return HA("managed", elastic=True, zone_confined="storage_class=one_zone" if one_zone else None,
                      basis="S3 stores objects in at least three AZs [A1]")
        if cls in ("Dynamodb", "DynamodbTable"):
            return HA("managed", elastic=True, basis="DynamoDB replicates across AZs [A2]")
        if cls.startswith("SimpleQueueServiceSqs"):
            return HA("managed", elastic=True, basis="SQS stores messages in several AZs [A3]")
        if cls in ELB_CLASSES:
            zone = a.get("zone")
            confined = f"zone={zone}" if zone and cls in ZONAL_ELB_CLASSES else None
            return HA("managed", elastic=True, zone_confined=confined, basis="ELB runs a node per enabled AZ [A4]")
        if cls in ("APIGateway", "APIGatewayEndpoint"):
            return HA("managed", elastic=True, basis="API Gateway runs in several AZs [A6]")
        if cls in ("Lambda", "LambdaFunction"):
            return HA("managed", elastic=True, basis="Lambda runs functions in several AZs [A7]")
        if cls in ("Route53", "Route53HostedZone"):
            return HA("managed", elastic=True, basis="Route 53 is a highly available DNS service [A8]")
        if cls in AURORA_CLASSES:
            # Storage is durable, but failover needs a reader: counted through drawn members or replicas=.
            return HA("single", auto_failover=True, basis="Aurora fails over only to an Aurora Replica [A9]")
        if cls in RDS_CLASSES:
            if multi_az:
                return HA("managed", auto_failover=True, basis="RDS Multi-AZ keeps a standby in another AZ [A10]")
            return HA("single", basis="RDS is single-AZ unless multi_az=\"true\" [A10]")
        if cls in ELASTICACHE_CLASSES:
            if multi_az:
                return HA("managed", auto_failover=True, basis="ElastiCache Multi-AZ replication group [A11]")
            return HA("single", basis="ElastiCache fails over only in a Multi-AZ replication group [A11][A12]")
    if provider == "gcp":
        if cls == "LoadBalancing":
            return HA("managed", elastic=True, basis="Cloud Load Balancing is a distributed managed service [G1]")
        if cls == "Spanner":
            return HA("managed", elastic=True, basis="regional Spanner keeps three replicas in three zones [G2]")
        if cls in ("Pubsub", "PubSub"):
            return HA("managed", elastic=True, basis="Pub/Sub replicates each message across zones [G7]")
        if cls in ("Bigquery", "BigQuery"):
            return HA("managed", elastic=True, basis="BigQuery writes each dataset to two zones synchronously [G8]")
        if cls == "SQL":
            if multi_az:
                return HA("managed", auto_failover=True, basis="regional (HA) Cloud SQL fails over [G3]")
            return HA("single", basis="zonal Cloud SQL has no failover [G3]")
        if cls == "Memorystore":
            if tier in ("standard", "standard_ha"):
                return HA("managed", auto_failover=True, basis="Memorystore STANDARD_HA has a replica [G4]")
            return HA("single", basis="Memorystore BASIC is a standalone instance [G4]")
    if provider == "azure":
        if cls in AZURE_STORAGE_CLASSES:
            zrs = str(a.get("redundancy", "")).strip().upper() in ("ZRS", "GZRS", "RA-GZRS")
            return HA("managed", elastic=True, zone_confined=None if zrs else "LRS (one datacenter)",
                      basis="Azure Storage keeps three synchronous copies [Z1]")
        if cls in AZURE_REDIS_CLASSES:
            if tier == "basic":
                return HA("single", basis="Azure Cache for Redis Basic is a single node [Z2]")
            return HA("managed", auto_failover=True, basis="Azure Cache for Redis Standard and above replicate [Z2]")
        if cls in AZURE_SERVER_DB_CLASSES:
            if multi_az:
                return HA("managed", auto_failover=True, basis="flexible server with high availability keeps a "
                                                               "standby [Z3]")
            return HA("single", basis="Azure Database for PostgreSQL/MySQL flexible server has a standby only with "
                                      "high availability enabled (multi_az=\"true\") [Z3]")
    return None


# A managed database or cache whose label says it is deployed redundantly ("Postgres Multi-AZ", "Aurora Global DB",
# "Cloud SQL (regional HA)"): the drawing states it in words, not in a hint, so it is believed, not cited [H].
_HA_LABEL = re.compile(r"\bmulti ?(?:az|azs|zone|zones|region)\b|\bglobal (?:db|database|tables?|cluster)\b|"
                       r"\bregional\b|\bha\b|\bhighly available\b|\bhigh availability\b|\bstandby\b")


# Self-hosted products drawn with a managed service's icon, by the role that icon gives them: MinIO speaks the S3
# API, so drawings give it the S3 (or GCS, Blob) icon; Pi-hole gets a cloud DNS icon, nginx an ELB icon. Each runs
# in the design's own machines and is one instance unless more are drawn [issue 13].
_SELF_HOSTED = {
    "object_storage": re.compile(rf"\b(?:{OBJECT_STORE_PRODUCTS}|ceph|rados ?gw|garage)\b"),
    # ... named first: "AWS NLB (ingress-nginx)" is the managed balancer in front of nginx.
    "dns": re.compile(r"^(?:pi-?hole|bind9?|unbound|dnsmasq|powerdns|adguard(?: home)?|technitium)\b"),
    "load_balancer": re.compile(r"^(?:nginx|haproxy|traefik|envoy|caddy|varnish)\b|"
                               # hardware appliances, wherever named: "External load balancer (F5 BIG-IP)"
                               r"\b(?:f5|big-?ip|netscaler|citrix adc)\b"),
}


def self_hosted_product(label: str | None, role: str) -> str | None:
    """The self-hosted product of `role` a label names (`minio` for object storage), else None."""
    return _product(_SELF_HOSTED, label, role)


def _product(table: Mapping[str, re.Pattern[str]], label: str | None, role: str) -> str | None:
    pattern = table.get(role)
    # Not words(): it splits the CamelCase of "minIO" into "min io".
    found = pattern.search(" ".join((label or "").lower().split())) if pattern else None
    return found.group(0) if found else None


# The reverse: a hosted provider's service drawn with a custom, generic or on-prem icon (`Custom("CloudFlare")`,
# `Powerbi("Power BI")`) is run by that provider, redundantly, not a box of the design's own [issue 13].
# The brand heads the label ("Nginx behind Cloudflare" is nginx); words for software run on one's own machines
# ("Cloudflare Tunnel (cloudflared)", "Power BI Report Server", "Akamai origin") keep it single.
_HOSTED = {
    "cdn": re.compile(r"^(?:cloud ?flare|akamai|fastly|cloud ?front|bunny ?cdn|azure front ?door)\b"),
    "dns": re.compile(r"^(?:cloud ?flare|route ?53|cloud dns|akamai)\b"),
    # "cloud firewall": the provider's filter in front of its machines (DigitalOcean, Hetzner, Linode sell one by
    # that name), enforced by the provider, not a box of one's own.
    "edge_security": re.compile(r"^(?:cloud ?flare|akamai|cloud armor|aws waf|cloud firewalls?$)\b"),
    # A cloud network's rules drawn as a box (`Firewall("Security group\n22/80/443")`): the provider enforces
    # them on every interface; there is no instance to lose.
    "network": re.compile(r"^(?:security (?:groups?|lists?)|nacls?|network acls?|route tables?)\b"
                          r"(?!.*\b(?:vm|pfsense|opnsense|asa|cisco|fortinet|fortigate|palo alto|juniper|sophos|"
                          r"services?|instances?|firewall|box|host)\b)|"
                          # A cloud's VPN service drawn with the generic VPN icon ("AWS site to site VPN"): each
                          # AWS Site-to-Site VPN connection has two tunnels on endpoints in different zones (AWS
                          # Site-to-Site VPN User Guide, "Tunnel options"); Google's HA VPN has two interfaces.
                          # ... unless it says the VPN runs on a machine of one's own ("AWS VPN\n(OpenVPN on EC2)").
                          r"^(?:aws (?:site[- ]to[- ]site |s2s |managed )?vpn|(?:google |gcp )?(?:cloud|ha) vpn)\b"
                          r"(?!.*\b(?:on (?:an? )?(?:ec2|vms?|instances?)|droplets?|open ?vpn|wire ?guard|strongswan|"
                          r"pfsense|opnsense)\b)"),
    # BI products sold as a service only (Tableau, Superset, Metabase also run on your own servers).
    "analytics": re.compile(r"^(?:power ?bi|quick ?sight|looker studio|data studio|"
                            rf"{SNOWFLAKE_VENDOR})\b"),
    # Databases sold as a service only: an Atlas cluster is a replica set of three members at least [M1]; Pinecone
    # [PC1] and Snowflake [SF1] are run by their vendors only.
    "database": re.compile(r"^(?:mongo ?db atlas|atlas (?:cluster|vector search|search)|planet ?scale|upstash|"
                           rf"pinecone|{SNOWFLAKE_VENDOR})\b"),
}
_ATLAS_DB = re.compile(r"atlas (?:db|database)\b")
_OWN_MACHINES = re.compile(r"\b(?:tunnel|cloudflared|origin|report server|gateway|on-?prem(?:ises)?|self-?hosted|"
                           r"connector|appliance|server|agent)\b")


def hosted_service(label: str | None, role: str, cls: str = "") -> str | None:
    """The hosted service a label names first for a CDN, DNS, edge-security, network-rule, BI or database role
    (`cloudflare`, `security group`, `mongodb atlas`), else None; never when the label says it runs on one's own
    machines. On MongoDB's own icon, "Atlas DB" names Atlas too ("Atlas" elsewhere is many a project's name)."""
    found = _product(_HOSTED, label, role)
    if found is None and cls.lower() == "mongodb" and _ATLAS_DB.match(" ".join((label or "").lower().split())):
        found = "mongodb atlas"
    if found is None and role == "network" and security_group(label or ""):
        found = "security group"  # "SG DB\nallow from App"
    return None if found is None or _OWN_MACHINES.search((label or "").lower()) else found


_EDGE_ROLES = frozenset({"load_balancer", "cdn", "dns"})
# Kubernetes objects the API server keeps, with no instance to lose: ConfigMaps and Secrets.
K8S_OBJECTS = frozenset({"CM", "Secret"})
# ... and the stores an edge network sells, drawn in its cluster (`Storage("Counts KV")` in "Cloudflare (edge)").
_STORE_ROLES = frozenset({"database", "object_storage", "file_storage", "cache"})
_VENDOR_STORE = re.compile(r"\b(?:kv|workers kv|r2|d1|durable objects?)\b")


# Inside an edge network's cluster: a cluster of one's own machines, and labels of what runs on them ("nginx
# (origin)", cloudflared, a connector); not the vendor's own "Edge Server", "Gateway" or "Origin Shield".
_OWN_PLACE = re.compile(r"\b(?:origins?|vps|vms?|servers?|hosts?|kubernetes|k8s|gke|eks|aks|clusters?|nodes?|"
                        r"self ?hosted|on ?prem(?:ises)?|data ?cent(?:er|re))\b")
_OWN_EDGE_LABEL = re.compile(r"\b(?:cloudflared|tunnel|connectors?|agents?|self ?hosted|on ?prem(?:ises)?)\b|"
                             r"\borigin$|^origin\b(?! shield)")


def edge_vendor(places: tuple[str, ...], role: str, label: str) -> str | None:
    """Where a proxy, balancer or DNS icon is drawn in an edge network's cluster (`HAProxy("WAF")` in
    `Cluster("Cloudflare")`, also in a group of it, "Cloudflare" > "Edge Security"): that network proxies for the
    design, run redundantly by its vendor; so is a store there named for the vendor's key-value or object store
    ("Counts KV": Workers KV) [H]; else None. Not inside a cluster of one's own there ("Origin (Hetzner
    VPS)", "Kubernetes"), nor for what the label says runs on one's own machines (cloudflared, "nginx (origin)",
    an App Connector)."""
    text = words(label or "")
    store = role in _STORE_ROLES and _VENDOR_STORE.search(text)
    if (role not in _EDGE_ROLES and not store) or _OWN_EDGE_LABEL.search(text):
        return None
    for place in reversed(places):
        if edge_vendor_cluster(place):
            named = ", named for its key-value or object store (Workers KV, R2, D1)" if store else ""
            return f"drawn in the cluster `{place}`, the vendor's edge network{named}"
        if _OWN_PLACE.search(words(place)):
            return None
    return None


def own_edge_connector(provider: str | None, places: tuple[str, ...], role: str) -> str | None:
    """An edge network's icon (`saas.cdn.Cloudflare`) that is the vendor's connector run on one's own machines:
    its innermost cluster holds one's own containers (`Cloudflare("Cloudflare\nIngress")` in `Cluster("Docker
    Containers")`): the reason, else None."""
    if provider != "saas" or role not in _EDGE_ROLES:
        return None
    # Not by its label: "Cloudflare Tunnel" or "Tunnel edge\ncloudflared dials out" on the vendor's icon draw the
    # vendor's side of the tunnel (the connector is drawn apart, or not at all) [labelled so in holdout13, 31].
    # The innermost cluster only: "Production (VMs)" around the whole stack says nothing of the CDN in front.
    if places and _CONTAINER_PLACE.search(words(places[-1])):
        return f"drawn in `{places[-1]}`, among your own containers"
    return None


# Containers only: "Public Servers", "DNS Servers", "Akamai Edge Servers" or "Production (VMs)" around the whole
# stack may hold the vendor's service too.
_CONTAINER_PLACE = re.compile(r"\b(?:docker|containers?|compose|pods?)\b")


def label_says_ha(label: str | None) -> bool:
    """True when a node's label says the service runs redundantly (Multi-AZ, global, regional, HA)."""
    return bool(label) and bool(_HA_LABEL.search(words(label)))


# Serverless hosting platforms, by icon or by the innermost cluster an app is drawn in ("Vercel (hosting)",
# "Cloudflare Workers"): they run a deployment in many places, and the app drawn there is a deployment, not an
# instance. "Vercel-like hosting (self-managed VPS)" is a server of one's own.
# ... nor a cluster naming another platform beside it: "Vercel + Railway" hosts the API on Railway.
_OTHER_PLATFORMS = (r"render|railway|heroku|dynos?|fly(?: io)?|aws|gcp|azure|digital ?ocean|koyeb|ec2|hetzner|linode|"
                    r"ovh|vultr|oracle|supabase|firebase")
_NOT_ONLY_SERVERLESS = (r"(?!.*\b(?:like|self ?managed|self ?hosted|vps|(?<!micro )vms?|servers?|droplets?|"
                        rf"{_OTHER_PLATFORMS})\b)")
# ... and Amazon Bedrock AgentCore Runtime, which runs each agent session in a microVM of its own [A15].
_SERVERLESS_PLATFORMS = (r"vercel|netlify|cloudflare (?:workers|pages)|deno deploy|"
                         r"(?:amazon )?(?:bedrock )?agent ?core runtime")
_SERVERLESS_HOST = re.compile(rf"^(?:{_SERVERLESS_PLATFORMS})\b{_NOT_ONLY_SERVERLESS}")
# "Frontend Layer - Next.js on Vercel": the layer's platform named after it.
_ON_SERVERLESS = re.compile(rf"\b(?<!not )(?:on|via|deployed to) ({_SERVERLESS_PLATFORMS})$")


_SERVERLESS_NOTE = re.compile(r"^(?:(?:azure |managed |serverless )?functions?|azure static web apps?|static web apps?|"
                              r"(?:aws )?lambdas?|(?:google )?cloud (?:run|functions)|vercel|netlify)$|"
                              # "(Vercel Edge / Node Runtime)": the platform first, then which of its runtimes
                              rf"^(?:vercel|netlify)\b{_NOT_ONLY_SERVERLESS}")


def serverless_host(cls: str, provider: str | None, places: tuple[str, ...]) -> str | None:
    """The serverless hosting platform an app runs on, from its icon (`Vercel(...)`) or the innermost cluster it
    is drawn in, else None; never for a virtual machine, which is an instance wherever drawn, nor for a server icon
    unless the cluster it is drawn in names code rather than machines ("REST API Route Handlers (/api/*)").

    Clusters that name the app's code ("Frontend UI Components", "REST API Route Handlers") are looked through to
    the one around them ("Next.js 16 App Router (Vercel Edge / Node Runtime)"); any other ("Backend on Render",
    "Backend (DigitalOcean droplet)") is where the app runs and ends the search [issue 13]."""
    if provider == "programming" and cls == "Vercel":
        return "Vercel"
    if not places or (provider, cls) in VIRTUAL_MACHINES:
        return None
    if cls in _SERVER_ICONS and not _CODE_PLACE.search(words(places[-1])):
        return None
    for place in reversed(places):
        # "Docker Host — docker-compose (Vercel = static shell only)": machines of its own, whatever the note says
        text = words(place)
        if _MACHINE_PLACE.search(text):
            return None
        host = _place_host(place)  # "Application Compute (AWS Lambda)" names its host, a cloud's
        if host or _OTHER_PLATFORM.search(text) or not _CODE_PLACE.search(text):
            return host
    return None


def serverless_note(cls: str, provider: str | None, label: str | None) -> str | None:
    """The serverless platform a node's own note names (`Nginx("API Entry Layer\n(Vercel Edge / Next API)")`):
    the platform's edge, drawn with the icon at hand; never on a server's icon, nor on a cloud's own icon, which
    says what it is (`Lambda("api fn (Lambda)")` is the cited managed service, a VM an instance)."""
    if (not label or "(" not in label or provider in ("aws", "gcp", "azure") or cls in _SERVER_ICONS
            or (provider, cls) in VIRTUAL_MACHINES):
        return None
    return _serverless_in_notes(label)


def _serverless_in_notes(text: str) -> str | None:
    """The first note in brackets that names a serverless platform ("(Vercel Edge / Node Runtime)")."""
    return next((" ".join(note.split()) for note in re.findall(r"\(([^()]*)\)", text)
                 if _SERVERLESS_NOTE.match(words(note))), None)


# Clusters that name an app's code, not machines: a server icon drawn in one is a handler of the app around it.
_CODE_PLACE = re.compile(r"\b(?:route handlers?|api routes?|(?:serverless|edge|cloud) functions?|components?|"
                         r"pages|modules?|handlers?|code|static|assets?|applications?|apps?)\b")
_OTHER_PLATFORM = re.compile(rf"\b(?:{_OTHER_PLATFORMS})\b")
# Clusters that name machines of their own, which end the look outward for a hosting platform ("node" alone is
# Node.js as often as a machine: "(Vercel Edge / Node Runtime)"; a "MicroVM" is the platform's, per session).
_MACHINE_PLACE = re.compile(r"\b(?:droplets?|(?<!micro )vms?|vps|servers?|instances?|ec2|hosts?|machines?|nodes|"
                            r"node (?:pools?|groups?)|containers?|docker|compose|pods?|k8s|kubernetes|clusters?|"
                            r"on ?prem\w*|self ?hosted|origin)\b")


# ... and the server icons that are not a cloud's virtual machine (those are VIRTUAL_MACHINES).
_SERVER_ICONS = frozenset({"Server", "Rack", "Droplet"})


# A layer's number before its name: "Layer 2: Vercel Edge (Nearest CDN)", "Tier 1 - Web", "3. Netlify".
_NUMBERED = re.compile(r"^\s*(?:(?:layer|tier|step|stage|level|phase)\s*\d+\s*[.:)\-\u2013\u2014]*|"
                       r"\d{1,2}\s*[.:)\-\u2013\u2014]+)\s*", re.I)


@lru_cache(maxsize=4096)
def _place_host(place: str) -> str | None:
    # One answer per cluster label: at 10,000 nodes the labels repeat and need reading once.
    named = _NUMBERED.sub("", place, count=1)
    if _SERVERLESS_HOST.match(words(named)):
        return named.split("(")[0].strip()
    # ... or after the layer's name ("Frontend Layer - Next.js on Vercel"), unless another platform is named too
    # ("API on Render, Web on Vercel")
    if (on := _ON_SERVERLESS.search(text := words(named))) and not _OTHER_PLATFORM.search(text):
        return on.group(1).title()
    # ... or in the cluster's note: "⚡ Intelligence Network\n(Managed Functions)", "Frontend (Azure Static Web
    # Apps)" say where its members run [issue 13].
    return _serverless_in_notes(place)


def node_ha(provider: str | None, cls: str, role: str, analysis: Mapping[str, str], c4: bool = False,
            label_ha: bool = False, self_hosted: str | None = None, hosted: str | None = None,
            host: str | None = None) -> HA:
    """Managed-HA status of one node: `managed_ha=` override, the cited table, the provisional list, then [H] rules.

    `label_ha`: the label says Multi-AZ, global, regional or HA. A managed database or cache that the table calls
    single unless a hint says otherwise is then provisional (its findings are info) instead of single.
    `self_hosted`: the self-hosted product the label names (MinIO on an S3 icon), which is single; `hosted`: why
    a custom, generic or on-prem icon is a hosted provider's service, which is managed (its label names Cloudflare,
    or it is drawn in the Cloudflare cluster); `host`: the
    serverless hosting platform an app runs on (Vercel), which makes it provisional."""
    override = flag(analysis.get("managed_ha"))
    single_variant = str(analysis.get("tier", "")).strip().lower() == "basic"
    if override is False:
        return HA("single", basis="managed_ha=\"false\"")
    if override is True:
        return HA("managed", basis="managed_ha=\"true\"")
    if host and role in ("compute", "service", "load_balancer", "api_gateway"):  # apps, and the platform's edge
        return HA("provisional", elastic=True, basis=f"deployed on {host}, serverless hosting that runs it in many "
                                                     "places: HA believed but uncited [H]")
    if c4:
        # A C4 container is a logical unit; the instance count belongs to a deployment view, so single-instance
        # findings on it are questions (info), not errors, until replicas= or managed_ha= answers them [H].
        return HA("provisional", basis="a C4 element, whose instance count a container view does not show")
    if self_hosted and provider in ("aws", "gcp", "azure"):
        return HA("single", basis=f"its label names {self_hosted}, self-hosted software drawn with the managed "
                                  f"service's icon: one instance unless more are drawn (managed_ha=\"true\" if it "
                                  f"is the managed service)", guessed=True)
    if provider == "aws" and role == "load_balancer" and (cls in RDS_CLASSES or cls in AURORA_CLASSES):
        # The RDS icon on a node whose label makes it a proxy (roles.db_proxy_label): RDS Proxy, which AWS runs
        # across several AZs; a self-hosted pooler drawn with the RDS icon says so with managed_ha="false".
        return HA("managed", elastic=True, basis="an RDS icon labelled as a proxy, read as RDS Proxy, which runs "
                                                 "in several AZs [A14] (managed_ha=\"false\" if self-hosted)")
    cited = _cited(provider, cls, analysis)
    if cited is not None:
        if cited.status == "single" and label_ha and analysis.get("multi_az") is None:
            return HA("provisional", auto_failover=True,
                      basis="its label says it runs Multi-AZ, globally or as HA (set multi_az=\"true\" to confirm)")
        return cited
    if single_variant:
        return HA("single", basis="tier=\"basic\" (single-node variant)")
    if role == "external_saas":
        return HA("managed", elastic=True, basis="an external service: not yours to replicate [H]")
    if hosted and provider in SELF_HOSTED_PROVIDERS:
        return HA("managed", elastic=True, basis=f"{hosted}, a hosted service that its provider runs redundantly [H]")
    if provider == "k8s" and cls == "SVC":
        return HA("managed", elastic=True, basis="a Kubernetes Service is a virtual IP that kube-proxy programs on "
                                                 "every node; there is no instance to lose [H]")
    if provider == "k8s" and cls in K8S_OBJECTS:
        return HA("managed", elastic=True, basis="a Kubernetes ConfigMap or Secret is an object the API server "
                                                 "keeps (in etcd) and pods read; there is no instance to lose [H]")
    if provider in SELF_HOSTED_PROVIDERS:
        return HA("single", basis="self-hosted: one instance unless drawn or declared")
    if role in FABRIC_ROLES:
        return HA("managed", elastic=True, basis=f"a provider's {role} fabric is distributed by construction [H]")
    name = PROVISIONAL.get((provider, cls)) or ("SNS" if provider == "aws" and cls.startswith(_SNS_PREFIX) else None)
    if name:
        return HA("provisional", elastic=True, basis=f"{name} is believed redundant but uncited (provisional)")
    if role == "compute":
        if _MANAGED_CLUSTERS.match(cls):
            return HA("provisional", elastic=True, basis="a managed Kubernetes cluster runs several nodes and a "
                                                         "multi-zone control plane: HA believed but uncited [H]")
        if _SERVERLESS.search(cls):
            return HA("provisional", elastic=True, basis="serverless or PaaS compute: HA believed but uncited [H]")
        # Instances, VMs and container services: the count is what you run.
        return HA("single", basis="compute instances count as drawn or declared")
    if (provider, cls) in VIRTUAL_MACHINES or (provider, cls) in CONTAINER_TASKS or (provider, cls) in MANAGED_K8S:
        # `EC2("MySQL")`, `VM("OCI db1")`, `Fargate("PostgreSQL Task")`, `EKS("ClickHouse")`: a store on a virtual
        # machine, in a container task or run as a cluster's workload is as many as the machines or tasks drawn.
        return HA("single", basis="a store run on a virtual machine or in a container task: one instance unless "
                                  "more are drawn")
    # Any other managed service of a cloud provider: not in the cited table, so not trusted, but not flagged as
    # an error either [H]; SPOF/REP findings on it are info until the product decides.
    return HA("provisional", elastic=True, basis=UNLISTED_BASIS)
