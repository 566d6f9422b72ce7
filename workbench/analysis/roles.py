"""Role inference for diagram nodes: the role vocabulary, RANK and the layered class tables (analysis spec §1, §2)."""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

REQUEST_ROLES = frozenset({
    "client", "internet", "dns", "cdn", "edge_security", "load_balancer", "api_gateway", "compute", "service",
    "workflow", "ml", "cache", "database", "object_storage", "file_storage", "queue", "search", "coordination",
    "identity", "secrets", "external_saas", "analytics", "network",
})
# Auxiliary roles carry no request traffic: edges touching them become `side` edges (§4).
AUXILIARY_ROLES = frozenset({"observability", "tooling", "management", "annotation"})
ROLES = REQUEST_ROLES | AUXILIARY_ROLES
STATEFUL = frozenset({"database", "object_storage", "file_storage", "queue", "search", "coordination"})
# Analytics nodes are stateless processors except these warehouses, which hold the data they serve (§2.1).
WAREHOUSE_CLASSES = frozenset({
    "Redshift", "RedshiftDenseComputeNode", "RedshiftDenseStorageNode", "Bigquery", "Snowflake",
    "SynapseAnalytics", "AzureSynapseAnalytics", "SQLDatawarehouse", "SQLDataWarehouses",
})

# Orientation of undirected edges (§1): lower rank calls higher rank. `network` is deliberately None: a VPC,
# NAT or mesh box sits wherever it is drawn, so the graph code gives it the rank of its predecessor.
# Auxiliary roles are ranked after the data tier because their edges are side edges anyway.
RANK: dict[str, int | None] = {
    "client": 0, "internet": 0, "dns": 1, "cdn": 2, "edge_security": 2, "load_balancer": 3, "api_gateway": 3,
    "compute": 4, "service": 4, "workflow": 4, "ml": 4, "unknown": 4,
    "cache": 5, "queue": 5, "search": 5, "identity": 5, "secrets": 5, "coordination": 5, "external_saas": 5,
    "database": 6, "object_storage": 6, "file_storage": 6, "analytics": 6,
    "observability": 7, "tooling": 7, "management": 7, "annotation": 7,
    "network": None,
}

# Layer 1: classes whose module and name mislead the later layers (keys use the canonical class name).
EXACT: dict[str, str] = {
    "aws.database.DynamodbDax": "cache",
    "aws.database.DynamodbStreams": "queue",
    "aws.analytics.KinesisVideoStreams": "service",
    "aws.media.KinesisVideoStreams": "service",
    "aws.analytics.DataLakeResource": "analytics",
    "aws.analytics.EMRHdfsCluster": "analytics",
    "aws.compute.EC2Rescue": "tooling",
    "aws.migration.TransferForSftp": "file_storage",
    "aws.iot.IotDeviceDefender": "management",
    "aws.iot.IotGreengrass": "compute",
    "aws.iot.IotEvents": "service",
    "aws.iot.IotSitewise": "service",
    "k8s.network.Ing": "load_balancer",
    # A Service is the cluster-internal load balancer (a virtual IP spread over the pods by kube-proxy).
    "k8s.network.SVC": "load_balancer",
    "k8s.compute.STS": "compute",
    "k8s.infra.Master": "management",
    "k8s.ecosystem.ExternalDns": "tooling",
    # A placement construct (fault and update domains for VMs), not something requests pass through.
    "azure.compute.AvailabilitySets": "management",
    "gcp.storage.Storage": "object_storage",
    "gcp.api.Endpoints": "api_gateway",
    "gcp.devtools.Tasks": "queue",
    "gcp.network.Armor": "edge_security",
    "gcp.compute.BinaryAuthorization": "management",
    "azure.network.TrafficManagerProfiles": "dns",
    "azure.networking.TrafficManagerProfiles": "dns",
    "azure.networking.TrafficController": "load_balancer",
    "azure.database.InstancePools": "database",
    "azure.databases.InstancePools": "database",
    "azure.analytics.EndpointAnalytics": "management",
    "azure.database.VirtualDatacenter": "network",
    "azure.menu.Keys": "secrets",
    "azure.other.Azurite": "object_storage",
    "azure.other.WebJobs": "compute",
    "azure.identity.APIProxy": "api_gateway",
    "alibabacloud.storage.ObjectTableStore": "database",
    "alibabacloud.database.DataManagementService": "tooling",
    "alibabacloud.database.DataTransmissionService": "tooling",
    "alibabacloud.application.MessageNotificationService": "queue",
    "digitalocean.storage.Space": "object_storage",
    "digitalocean.storage.Folder": "object_storage",
    "firebase.develop.Storage": "object_storage",
    "firebase.develop.Hosting": "cdn",
    "generic.os.Android": "client",
    # Flutter builds the mobile and web apps users hold; nobody serves requests from it.
    "programming.framework.Flutter": "client",
    "generic.os.IOS": "client",
    "ibm.network.InternetServices": "edge_security",
    "ibm.compute.Key": "secrets",
    "ibm.social.Networking": "service",
    "oci.compute.OCIR": "tooling",
    "oci.monitoring.Events": "queue",
    "oci.monitoring.Notifications": "queue",
    "oci.database.Dcat": "analytics",
    "oci.database.DMS": "tooling",
    "onprem.network.Pomerium": "edge_security",
    # Celery is the task framework its workers run: drawings put the broker beside it (Redis, RabbitMQ) and draw
    # `Celery("Celery Workers")` for the workers [issue 13].
    "onprem.queue.Celery": "compute",
    "onprem.security.Trivy": "tooling",
    "openstack.storage.Swift": "object_storage",
    "openstack.orchestration.Zaqar": "queue",
    "openstack.sharedservices.Glance": "tooling",
    "openstack.sharedservices.Karbor": "tooling",
    "openstack.user.Openstackclient": "tooling",
    "openstack.workloadprovisioning.Trove": "database",
    "openstack.workloadprovisioning.Sahara": "analytics",
    "openstack.workloadprovisioning.Magnum": "compute",
    "elastic.elasticsearch.SQL": "search",
    "elastic.elasticsearch.Maps": "search",
    "elastic.elasticsearch.MapServices": "search",
}

# Search engines by name, which keep an index of their own whatever icon draws them (`Memorystore("Typesense")`).
SEARCH_ENGINES = r"type ?sense|meili|manticore|quickwit"
# Object stores a team runs itself, in a raw label or as words() spells them ("MinIO" is "min io").
OBJECT_STORE_PRODUCTS = r"min ?io|seaweed ?fs"
# In-memory stores by name: a label naming one names a cache whatever else it says.
CACHE_PRODUCTS = r"\bdax\b|redis|memcache|elasticache|memorystore|hazelcast|aerospike|valkey|dragonfly|key ?db"

# "Branch" is a Git word only in Git phrases ("feature branch", "PR branch", "Branch: main", "branch protection", a
# label that is only "Branches"); a stream app's "Filter → Branch" or a bank's "Branch Office" is not tooling.
_GIT_QUALIFIERS = (r"git|feature|main|master|release|develop|dev|hotfix|default|pr|pull request|staging|prod|gh pages|"
                   r"trunk|working|topic|target|base")
_GIT_BRANCH = (rf"(?:{_GIT_QUALIFIERS}) branch(?:es)?\b"
               r"(?! (?:offices?|sites?|locations?|data ?cent(?:er|re)s?|dcs?|racks?|routers?|networks?|lans?|"
               r"wans?)\b)|"
               r"\bbranch(?:es)? (?:protection|polic(?:y|ies)|rules?|deploys?|previews?)\b|"
               r"^branch(?:es)?(?: (?:main|master|develop|dev|release|feature|hotfix|staging|prod|production|"
               r"trunk)\b|$)")

# Layer 2: ordered (pattern, role) pairs matched against the class name split into lower-case words
# ("ElbApplicationLoadBalancer" -> "elb application load balancer"). Word boundaries keep "nats" out of
# "NatService" and "ebs" out of "WebServices". Order matters: specific products come before broad words,
# and cache precedes database because providers file ElastiCache and DAX under database.
_KEYWORD_TABLE: list[tuple[str, str]] = [
    (r"^(internet|internet alt ?\d)$", "internet"),
    (r"^(users?|clients?|mobile client|mobile app|browser|mobile|tablet|person|customers?|usericon|twousericon|"
     r"devices?|client apps?|client application)$", "client"),
    (rf"{CACHE_PRODUCTS}|\bcaches?\b", "cache"),
    (r"zookeeper|\betcd\b|\bconsul\b", "coordination"),
    (r"kafka|\bmsk\b(?!.*\b(?:connect|consumers?|sinks?)\b)|kinesis(?! video| data analytics)|\bsqs\b|"
     r"simple queue|\bsns\b|simple notification|pub ?sub|"
     r"event ?hubs?|service ?bus\b|eventbridge|event ?bridge|event grid|rabbit|activemq|\bmq\b|\bnats\b|zeromq|"
     r"emqx|\bqueues?\b|message ?bus|^stream$|celery(?! beat)|pulsar|\btopics?\b|(cloud|enterprise) messaging|"
     r"^iot (hub|core)$|\bmqtt\b|mosquitto", "queue"),
    # Network words that would otherwise be caught by the broader management and compute words below.
    (r"service ?mesh|app ?mesh|microservices mesh|\bistio\b|linkerd|ip address|elastic ip|floating ip|"
     r"public ip|\bip (groups?|prefix(es)?)\b|\bvpn|wire ?guard|open ?vpn|\bipsec\b|security (groups?|lists?)|"
     r"\bnacl\b|service endpoint|"
     r"private ?link|private endpoints?|network function", "network"),
    (r"migrat|backup|respaldo|sauvegarde|recovery|disaster|\brestore|snowball|snowmobile|snow family|data ?box|"
     r"import export|"
     r"\btransfer\b|\bdatasync|\bmover\b|\btape\b", "tooling"),
    (r"\bcost|billing|budget|savings|reserv(ed|ations?)|\bquotas?\b|licen[sc]e|support|"
     r"certificat|lets ?encrypt|cert ?manager|\bssl\b|\bguard(duty)?\b|defender for|\baudit\b|"
     r"firewall manager|^azure firewall policy$|marketplace|attestation|purview", "management"),
    (rf"(?<!re)search|\bsolr\b|\bkendra\b|retrieve rank|{SEARCH_ENGINES}", "search"),
    (r"\bcdn\b|cloud ?front|akamai|fastly|cloud ?flare|edge location", "cdn"),
    (r"^elb\b|\belb\b|load ?balanc|application gateways?|haproxy|\bnginx\b|traefik|\benvoy\b|\byarp\b|"
     r"octavia|front ?doors?|global accelerator|\bingress\b|\bcaddy\b", "load_balancer"),
    (r"api ?gateway|api management|\bapigee\b|\bkong\b|\btyk\b|ambassador|\bocelot\b|appsync|\bapi service\b|"
     r"\bkrakend\b|\bzuul\b|\bapisix\b", "api_gateway"),
    (r"\bdns\b|route ?53|bind9|powerdns|coredns|designate|hosted zone|^(app service )?domains?$|"
     r"domain registration", "dns"),
    (r"\bwaf\b|firewall|ddos|\bshield\b|anti ?bot|game ?shield|pfsense|opnsense|cloud ?ids|api security",
     "edge_security"),
    (r"simple ?storage ?service|\bs3\b|glacier|\bblobs?\b|buckets?|object ?storage|data lake stor|^data lake$|"
     rf"archive storage|\bgcs\b|general storage|storage accounts?|storage container|\b(?:{OBJECT_STORE_PRODUCTS})\b",
     "object_storage"),
    (r"identity|\biam\b|cognito|active directory|\bad\b|\baad\b|\bsso\b|single sign|oauth|\bauth\b|auth0|"
     r"okta|keystone|\bdex\b|saml|directory service|user directory|domain services|\bentra\b|authenticat|"
     r"multifactor|\bmfa\b|conditional access|access (management|review|context)|\bid (access|verification)\b|"
     r"credentials?\b|\bsts\b|membership|\biap\b|app registrations|"
     # Authorisation services answer on each request: Open Policy Agent is no governance console.
     r"open policy agent|\bopa\b|authori[sz]ation|policy (?:decision|engine)", "identity"),
    (r"secret|\bvaults?\b|key ?management|\bkms\b|\bhsm\b|cloudhsm|encrypt|barbican|bitwarden|parameter store|"
     r"ssh keys", "secrets"),
    (r"storage gateway|\befs\b|elastic file|elastic block|\bebs\b|\bfsx\b|\bnas\b|hdfs|file ?storage|"
     r"file ?shares?|netapp|\bdisks?\b|\bvol(ume)?s?\b|block storage|persistent disk|\bssd\b|filestore|"
     r"\bfiles?\b|file (repository|sync)|glusterfs|\bceph|portworx|\bsan\b|lustre|disk pool|\bs?ftp\b",
     "file_storage"),
    (r"\bo ?tel\b|\botlp\b|"
     r"monitor|\blogs?\b|logging|logstash|cloudwatch|cloudtrail|prometheus|grafana|kibana|(?<!celery )\bbeats?\b|"
     r"\bapm\b|"
     r"\btrac(e|es|ing)\b|x ?ray|jaeger|zipkin|\btempo\b|\bloki\b|splunk|datadog|new ?relic|dynatrace|sentry|"
     r"nagios|zabbix|thanos|\bcortex\b|mimir|humio|graylog|fluent|syslog|metrics|alert|alarm|telemetry|"
     r"telegraf|cadvisor|netdata|uptime ?kuma|"
     r"application insights|dashboard|\b(service ?)?health\b|health ?check|uptime|diagnostic|pagerduty|"
     r"opsgenie|crash|observability|\bsiem\b|sentinel|activity log|network watcher|log analytics|"
     r"workbooks?|data collection", "observability"),
    (r"redshift|bigquery|snowflake|synapse|data ?warehouse|\bathena\b|\bemr\b|\bglue\b|quicksight|hadoop|"
     r"spark|flink|\bbeam\b|presto|trino|\bhive\b|databricks|dataproc|dataflow|data factor|hdinsight|"
     r"data explorer|stream analytics|\betl\b|looker|tableau|power ?bi|superset|metabase|\bdbt\b|"
     r"data fusion|data pipeline|data integration|\bdis\b|big ?data|lake formation|\bssis\b|time series|"
     r"streaming computing|map ?reduce|data lake analytics|analytics", "analytics"),
    (r"\bdb\b|database|dynamodb|\brds\b|aurora|postgres|mysql|maria ?db|\bsql\b|mssql|sql ?server|cassandra|sq ?lite|"
     r"\btsdb\b|timescale|\bbd\b|\bbdd\b|\bbbdd\b|banco de dados|base de datos|base de donnees|datenbank|"
     r"spanner|bigtable|datastore|firestore|cosmos|mongo|couch|cockroach|neo4|hbase|oracle|scylla|"
     r"cloudant|timestream|neptune|documentdb|keyspaces|qldb|\bledgers?\b|oceanbase|polardb|apsaradb|dbaas|"
     r"\bppas\b|^table$|table ?storage|postgis|click ?house|influx ?db|questdb|\btidb\b|yugabyte|duck ?db|arangodb|"
     r"rethinkdb", "database"),
    (r"step ?functions|workflows?|airflow|logic ?apps|\bcomposer\b|\bmistral\b|\bnifi\b|scheduler|\bcron\b|"
     r"\bcrontab\b|celery beat", "workflow"),
    (r"sagemaker|machine ?learning|\bml ?kit\b|mlkit|openai|\bai\b|cognitive|speech|\bvision\b|"
     r"visual recognition|translat|\bscience\b|predictions?|\bbots?\b|conversation|automl|inference|"
     r"rekognition|comprehend|textract|video (analy|index)|ground truth|^model$", "ml"),
    (r"registr(y|ies)|(?<!client )\bsdks?\b|toolkit|toolbox|command line|\bami\b|cloud ?formation|terraform|ansible|"
     r"puppet|\bhelm\b|devops|\btest(s|ing)?\b|test ?(lab|plans?|base)|load ?test|chaos|jenkins|git ?lab|"
     r"\bj ?meter\b|\blocust\b|\bgatling\b|"
     r"git ?hub|\bgit\b|\brepos?\b|repositor|\bcode\b|codeguru|\bcode ?(commit|build|deploy|pipeline|star|artifact)\b|"
     r"cloud ?9|image builder|\bimages?\b|image (definitions|versions?|templates)|galler(y|ies)|"
     r"\btemplates?\b|\bbuilds?\b|\bcommits?\b|" + _GIT_BRANCH + r"|backlog|powershell|\bplugins?\b|"
     r"dev ?(box|tunnels?|console)|cloud ?shell|developer ?tools|device farm|deployment environments|"
     r"orchestration service|storage explorer|\bproton\b", "tooling"),
    (r"notification (hubs?|services)|push notifications|\bemail\b|signalr|communication services|"
     r"media services?|api connections|biz ?talk|fhir|mobile engagement", "service"),
    (r"sendgrid", "external_saas"),
    (r"management|governance|polic(y|ies)|compliance|advisor|organi[sz]ations?|subscriptions?|"
     r"lighthouse|blueprints?|resource ?groups?|resource ?(manager|graph|mover|explorer)|configuration|"
     r"inventory|\bpatch|automation|opsworks|systems manager|service catalog|control tower|well architected|"
     r"\bportal\b|\bconsole\b|\btags?\b|tagging|bastions?|optimizer|\bsecurity\b|device update|api center",
     "management"),
    (r"\bec2\b|lambda|functions?\b|fargate|\becs\b|elastic container|elastic compute|kubernetes|\beks\b|"
     r"\baks\b|\bgke\b|\bk8s\b|\bvms?\b|\bvmss\b|virtual ?machines?|\bservers?\b|instances?\b|droplets?|"
     r"app ?services?|app ?engine|\bcloud run\b|\bcontainers?\b|\bpods?\b|workers?|microservices?|"
     r"openwhisk|serverless|\bnodes?\b|compute|scale ?sets?|\bbatch\b|vmware|bare ?metal|spring apps|"
     r"auto ?scal|backend|web slots|\bhpc\b|virtual desktop|^apache$|tomcat|jetty|gunicorn|glassfish|jboss|wildfly",
     "compute"),
    (r"\bvpc\b|\bvnet|virtual (private )?networks?|subnets?|\bnat\b|gateway|router|\broutes?\b|route tables?|"
     r"peering|express ?route|direct ?connect|interconnect|transit|\bip\b|switch|bridge|\bnetworks?\b|"
     r"networking|interfaces?|connections?\b|connectivity|fast ?connect|\bwans?\b|\bdrg\b", "network"),
]
KEYWORDS: list[tuple[re.Pattern[str], str]] = [(re.compile(p), role) for p, role in _KEYWORD_TABLE]

# Layer 3: modules whose meaning depends on the provider (None marks a mixed module: keywords only).
PROVIDER_MODULE: dict[str, str | None] = {
    "aws.iot": "client", "aws.integration": "service", "aws.general": None, "aws.mobile": "service",
    "azure.integration": "service", "azure.iot": "service", "azure.mobile": "service", "azure.web": "compute",
    "alibabacloud.application": "service", "alibabacloud.communication": "service", "alibabacloud.web": "dns",
    "ibm.data": "database", "ibm.applications": "service", "ibm.social": "service", "ibm.user": "client",
    "ibm.blockchain": "service",
    "programming.framework": "compute", "programming.language": "compute", "programming.runtime": "compute",
    "programming.flowchart": "annotation",
    "saas.chat": "external_saas", "saas.communication": "external_saas", "saas.crm": "external_saas",
    "saas.filesharing": "external_saas", "saas.media": "external_saas", "saas.payment": "external_saas",
    "saas.recommendation": "external_saas", "saas.social": "external_saas", "saas.security": "tooling",
    "saas.automation": "workflow", "saas.analytics": "analytics", "saas.identity": "identity",
    "gis.data": "external_saas", "gis.javascript": "client", "gis.mobile": "client", "gis.desktop": "client",
    "gis.cli": "tooling", "gis.server": "compute", "gis.python": "tooling", "gis.java": "tooling",
    "gis.cplusplus": "tooling", "gis.format": "file_storage", "gis.ogc": "service", "gis.organization": "annotation",
    "elastic.saas": "search", "elastic.security": "management", "elastic.orchestration": "management",
    "firebase.grow": "service", "firebase.develop": "service", "firebase.quality": "tooling",
    "k8s.network": "network", "k8s.infra": "compute", "k8s.rbac": "management", "k8s.podconfig": "management",
    "k8s.group": "management", "k8s.others": "management", "k8s.storage": "file_storage",
    "oci.devops": "tooling", "oci.connectivity": "network",
    "onprem.security": "management", "onprem.groupware": "service", "onprem.messaging": "queue",
}

# Layer 4: category module names (the same name means the same thing across providers).
MODULE: dict[str, str | None] = {
    # request path
    "client": "client", "user": "client", "device": "client", "desktop": "client",
    "dns": "dns", "cdn": "cdn", "api": "api_gateway", "apiproxies": "api_gateway",
    "compute": "compute", "container": "compute", "containers": "compute", "baremetal": "compute",
    "appservices": "compute", "web": "compute", "server": "compute", "os": "compute", "virtualization": "compute",
    "proxmox": "compute", "infra": "compute", "game": "compute", "quantum": "compute", "runtime": "compute",
    "framework": "compute", "language": "compute",
    "inmemory": "cache", "queue": "queue", "messaging": "queue",
    "database": "database", "databases": "database", "data": "database",
    "storage": "file_storage", "format": "file_storage",
    "search": "search", "elasticsearch": "search", "enterprisesearch": "search",
    "network": "network", "networking": "network", "connectivity": "network", "containerservices": "network",
    "nfv": "network",
    "identity": "identity", "auth": "identity",
    "analytics": "analytics", "etl": "analytics",
    "ml": "ml", "aimachinelearning": "ml", "mlops": "ml",
    "workflow": "workflow", "automation": "workflow",
    "integration": "service", "application": "service", "applications": "service", "engagement": "service",
    "media": "service", "business": "service", "enduser": "service", "blockchain": "service", "iot": "service",
    "ar": "service", "mixedreality": "service", "robotics": "service", "satellite": "service",
    "hybridmulticloud": "service", "geocoding": "service", "routing": "service", "ogc": "service",
    "base": "service", "develop": "service", "grow": "service", "extentions": "service", "social": "service",
    "communication": "service", "groupware": "service",
    "chat": "external_saas", "crm": "external_saas", "payment": "external_saas", "filesharing": "external_saas",
    "recommendation": "external_saas", "saas": "external_saas",
    # auxiliary
    "monitoring": "observability", "monitor": "observability", "logging": "observability",
    "tracing": "observability", "observability": "observability", "operations": "observability",
    "alerting": "observability", "aggregator": "observability", "beats": "observability", "agent": "observability",
    "devtools": "tooling", "devops": "tooling", "ci": "tooling", "cd": "tooling", "gitops": "tooling",
    "iac": "tooling", "vcs": "tooling", "registry": "tooling", "migration": "tooling", "migrate": "tooling",
    "deployment": "tooling", "packaging": "tooling", "chaos": "tooling", "ecosystem": "tooling", "cli": "tooling",
    "quality": "tooling", "applicationlifecycle": "tooling", "orchestration": "tooling", "java": "tooling",
    "python": "tooling", "cplusplus": "tooling",
    "management": "management", "managementgovernance": "management", "governance": "management",
    "security": "management", "cost": "management", "billing": "management", "enablement": "management",
    "intune": "management", "azurestack": "management", "azureecosystem": "management", "menu": "management",
    "controlplane": "management", "clusterconfig": "management", "podconfig": "management",
    "group": "management", "others": "management", "optimization": "management", "multiregion": "management",
    "frontend": "management", "certificates": "management", "workloadprovisioning": "tooling",
    "sharedservices": "service",
    "flowchart": "annotation", "blank": "annotation", "place": "annotation", "organization": "annotation",
    # mixed icon modules: only the class-name layers decide
    "general": None, "other": None, "infrastructure": None, "newicons": None, "mobile": None,
}

# A plural acronym is one word ("APIs", "VMs", "DBs"; not "ap is"; "NATs" are NAT gateways, not the NATS broker),
# then CamelCase parts ("APIGateway" is "api gateway"), lower-case runs and upper-case runs.
# Apple's names start lower-case and are one word ("iOS App", "iPhone", "macOS"), not "i os app".
_WORD = re.compile(r"(?<![A-Za-z])(?:(?:i|mac|iPad|tv|watch)OS|i(?:Phone|Pad)s?)(?![a-z])|"
                   r"(?!NATs)[A-Z][A-Z0-9]+s(?![a-z])|"
                   r"[A-Z0-9]+(?=[A-Z][a-z]|[^A-Za-z0-9]|$)|[A-Z0-9]?[a-z0-9]+|[A-Z0-9]+")


def words(text: str) -> str:
    """Lower-case, space-separated words of a class name, label or technology text (CamelCase split). Accents are
    folded first, so that "Usuários" and "Públicos" are whole words, not "usu rios" [issue 13]."""
    text = text or ""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(w.lower() for w in _WORD.findall(text))


def keyword_role(text: str) -> str | None:
    """First KEYWORDS role whose pattern matches `text` (a class name or free text), else None."""
    spaced = words(text)
    if not spaced:
        return None
    for pattern, role in KEYWORDS:
        if pattern.search(spaced):
            return role
    return None


def _canonical(provider: str | None, cls: str) -> str:
    # OCI ships every icon twice, "X" and "XWhite"; the white variant is the same service.
    if provider == "oci" and cls.endswith("White") and cls != "White":
        return cls[: -len("White")]
    return cls


@lru_cache(maxsize=None)
def _classify(provider: str | None, module: str | None, cls: str) -> tuple[str, str]:
    name = _canonical(provider, cls)
    exact = EXACT.get(f"{provider}.{module}.{name}")
    if exact:
        return exact, "exact"
    by_keyword = keyword_role(name)
    if by_keyword:
        return by_keyword, "keyword"
    key = f"{provider}.{module}"
    if key in PROVIDER_MODULE:
        role = PROVIDER_MODULE[key]
        return (role, "provider_module") if role else ("unknown", "unknown")
    role = MODULE.get(module or "")
    if role:
        return role, "module"
    return "unknown", "unknown"


def class_role(provider: str | None, module: str | None, cls: str) -> str:
    """Role of a `diagrams` node class from its provider, category module and canonical name (§2.2 steps 1-5)."""
    return _classify(provider, module, cls)[0]


@dataclass(frozen=True)
class RoleResolution:
    role: str
    # "override" | "c4" | "exact" | "keyword" | "provider_module" | "module" | "label" | "unknown", and from
    # orient's passes: "placement" (where the node is drawn), "edge_label" (what its edges say), "feature"
    # (the drawing puts a node labelled like monitoring on a request path), "browser" (a front end run in the
    # browser), "peer" (a source beside the clients) and "called" (an Internet icon the design only calls)
    source: str
    invalid_override: str | None = None


# A source file's name heading a label ("api.ts (REST Client)", "geolocation.ts", "server/index.js"); not
# "database.sqlite", nor a library named so ("Dexie.js", "PouchDB.js", "Node.js SQLite": capitalised).
_SOURCE_FILE = re.compile(r"(?:[\w.-]*/)?[a-z_][\w-]*\.(?:tsx?|jsx?|mjs|py|go|rs|java|kt|rb|php|cs|swift|dart|vue|"
                          r"svelte)\b(?!\.)")
# ... and a label that names what the module keeps is the store ("lowdb.js JSON store", "mockStore.js").
_KEPT_WORDS = re.compile(r"\b(?:indexed ?db|sqlite|json (?:files?|store)|stores?|cache|database|db)\b")
C4_TYPE_ROLES = {
    "database": "database", "person": "client", "external person": "client",
    "external system": "external_saas", "container": "compute", "system": "compute",
}
# Technology text refines only what the design owns; an external system stays external whatever it runs on.
_C4_REFINED = frozenset({"database", "container", "system"})
# ... except the user interfaces people run, named as such: "Terminal UI", "Web UI", "Mobile App"; not a tool's
# console ("Kafka UI", "Admin UI", "Swagger UI"), nor a CLI, which may be a tool of its own reading local files.
_C4_CLIENT_PROGRAM = re.compile(r"^(?:(?:terminal|web|mobile|desktop) (?:ui|app|client)|tui|browser(?: extension)?)$")


# A Custom icon's picture of someone's own machine, or of a person at one: `Custom("sdi.all-rights.fr",
# "./computer.png")` is the browser that opens the site, `Custom("Researcher", "computer-user.png")` the user.
# ... or of a phone platform's app (`Custom("WALLET", "./Android-IOS.png")`).
_DEVICE_ICON = re.compile(r"^(?:computers?|laptops?|desktops?|pcs?|(?:smart ?)?phones?|tablets?|workstations?|"
                          r"mobiles?|iphones?|ipads?|android(?: ios)?|ios(?: android)?|(?:computer )?users?|persons?|"
                          r"people)$")


def icon_role(icon: Any) -> str | None:
    """Role the file name of a Custom node's picture names ("./computer.png", "./postgres.png"), else None."""
    if icon is None or not icon.path:
        return None
    name = words(re.sub(r"\.[A-Za-z0-9]+$", "", icon.path.replace("\\", "/").rsplit("/", 1)[-1]))
    if _DEVICE_ICON.match(name):
        return "client"
    role = label_role(name)
    # A brand's logo is also the logo of the copy someone hosts (`Custom("Youtube DL Material", "./youtube.png")`).
    return None if role == "external_saas" else role


def resolve_role(node: Any) -> RoleResolution:
    """Role of a captured model Node: `role=` override, then C4 type, Custom/plain labels, then the class tables."""
    invalid = None
    override = (node.analysis or {}).get("role")
    if override is not None:
        value = str(override).strip().lower()
        if value in ROLES:
            return RoleResolution(value, "override")
        invalid = str(override)  # ROLE002 is raised by the rules; inference still runs so the graph stays usable
    if node.c4 is not None:
        ctype = " ".join(str(node.c4.get("type", "")).lower().split())
        role = C4_TYPE_ROLES.get(ctype)
        refined = keyword_role(node.c4.get("technology", "")) if (role is None or ctype in _C4_REFINED) else None
        if refined == "tooling":
            # Tooling words ("build", "templates", "images", "code") describe how a container is made, not what
            # it does at run time.
            refined = None
        if ctype == "container" and not str(node.c4.get("technology") or "").strip():
            # A container with no technology is known by its name: `Container("Redis Cache + Broker")` is the store
            # its name says; only data roles are read, as a name like "Admin Console" says little about run time.
            name = str(node.c4.get("name") or "")
            spaced = words(name)
            named = label_role(name)
            if _PROGRAM_HEAD.search(spaced) or _PROGRAM_TAIL.search(spaced):
                named = None  # "Search Service", "DB Writer", "Kafka Connect": the program, not its store
            if named in MULTI_PURPOSE:
                named = multi_purpose_use(named, name) or named
            refined = named if named in STATEFUL or named == "cache" else refined
        if ctype == "external system" and _C4_CLIENT_PROGRAM.search(words(str(node.c4.get("name") or ""))):
            # `System(name="Terminal UI", external=True)` calling the API: the program its users run, a client.
            return RoleResolution("client", "c4", invalid)
        if refined or role:
            return RoleResolution(refined or role, "c4", invalid)
        return RoleResolution("unknown", "unknown", invalid)
    if node.provider == "custom" or (node.provider is None and node.module is None):
        # A custom icon or a bare Node says nothing about itself except its label (low confidence), or the name of
        # the picture it is drawn with when the label says nothing.
        by_label = label_role(node.label)
        if by_label:
            return RoleResolution(by_label, "label", invalid)
        by_icon = icon_role(getattr(node, "icon", None))
        return RoleResolution(by_icon, "icon", invalid) if by_icon else RoleResolution("unknown", "unknown", invalid)
    # Older models captured diagrams.generic classes (which set `provider`, not `_provider`) as None.
    provider = node.provider if node.provider is not None else "generic"
    role, source = _classify(provider, node.module, node.cls)
    if provider in ("generic", "programming") or role == "unknown" or (provider, node.cls) in PLACEHOLDER_ICONS:
        # A generic icon (Rack, Server, Windows, Storage) is a placeholder shape: `Rack("database server")` is a
        # database. So is a language or framework logo: `Python("SQLite3 (local DB)")` is the database it runs.
        # The label decides when it names a role; the shape decides otherwise (issue 13, item 2).
        # "🎯 Mission Briefings\n/api/missions" on a firewall icon: a name, then the route it serves; a service, like
        # an endpoint "/v1/sql" (label_role), whatever the icon.
        if role in STATEFUL and _SOURCE_FILE.match((node.label or "").strip().partition("\n")[0]) and not (
                label_role(node.label or "") in STATEFUL or _KEPT_WORDS.search(words(node.label or ""))):
            # `Storage("api.ts\n(REST Client)")`: a module of the code, named by its file; it stores nothing.
            # ... unless the label names the store the module keeps ("storage.py\n• SQLite Database").
            return RoleResolution("compute", "label", invalid)
        by_label = label_role(node.label or "") or (
            "service" if role not in _NO_ROUTES and _ROUTE_LINE.search(node.label or "") else None)
        # ... but a generic icon that is a specific thing (Firewall, Router, SQL, Mobile) keeps it against a label
        # that only names an operator's concern: `Firewall("Security Middleware")` is still on the request path.
        # So does a web framework's icon against a label listing its health and metrics endpoints (`Fastapi("FastAPI
        # serving /health /metrics")`): the application, not its monitoring.
        # A web framework's icon is an application whatever libraries its label lists ("Backend (FastAPI +
        # LangChain + SQLModel)" holds no data); a language's icon may stand for the store it runs.
        framework = (provider, node.module) == ("programming", "framework")
        # Nor is a server framework's icon labelled "users" (a Django app of that name) a client.
        # A console is the exception: `SQL("CloudBeaver SQL IDE")` opens the store, it holds none.
        if by_label and by_label != role and not (by_label in AUXILIARY_ROLES and (
                role in _SPECIFIC_GENERIC and not (role in DATA_ROLES and console_label(node.label or ""))
                or (framework and not admin_app(node.label or "")))) and not (framework and (
                by_label in STATEFUL or (by_label == "client" and role != "client"))) and not (
                by_label == "client" and role in STATEFUL) and not (  # `Storage("User")`: the users' records
                by_label == "ml" and role in STATEFUL and _MODEL_FILES.search(words(node.label or ""))) and not (
                by_label == "observability" and APP_LABEL.search(words(node.label or ""))
                and not observability_product(node.label or "")):
            # ... and `Storage("Model\nRegistry")` holds the model files a server loads, not a model that answers;
            # `Python("dashboard.py\n• Streamlit Dashboard")` is the app its framework serves, not monitoring.
            return RoleResolution(by_label, "label", invalid)
    elif role in AUXILIARY_ROLES and source != "exact" and APP_LABEL.search(words(node.label or "")):
        # A monitoring or tooling icon on a node whose label names a web application framework
        # (`Monitoring("Streamlit")`): the label says what runs there [issue 13].
        return RoleResolution("compute", "label", invalid)
    elif role in ("compute", "service", "secrets") and observability_product(node.label or "") and not (
            role == "secrets" and _SECRET_WORDS.search(words(node.label or ""))):
        # `EC2("Open Telemetry")`, `Server("Prometheus")`: a monitoring product on the box it runs on; a vault's
        # icon drawn for an audit trail (`Vault("OpenTelemetry Trace Log")`) too, not one that names the secrets
        # it keeps ("Grafana & DB credentials") [issue 13].
        return RoleResolution("observability", "label", invalid)
    elif role in ("compute", "service") and (ops_label(node.label or "") or console_label(node.label or "")
                                             or admin_app(node.label or "")):
        # An operator tool drawn with a server or container icon (`Docker("Private Registry")`, `EC2("Bastion")`):
        # it serves operators, not user requests, so its edges are side edges [issue 13].
        return RoleResolution("tooling", "label", invalid)
    elif role == "compute" and source == "exact" and _ICON_OVERRIDE_HINT.search(node.label or "") and label_role(
            node.label or "") == "workflow":
        # `Celery("Celery Beat")`: the scheduler that sends the periodic tasks, drawn with its workers' icon.
        return RoleResolution("workflow", "label", invalid)
    elif node.cls == "Celery" and _ICON_OVERRIDE_HINT.search(node.label or "") and _CELERY_AS_QUEUE.search(
            words(node.label or "")) and "worker" not in (node.label or "").partition("\n")[0].lower():
        # ... and `Celery("Celery task queue")`, `Celery("Celery broker")`: the queue its label says.
        return RoleResolution("queue", "label", invalid)
    elif role in DATA_ROLES and backup_store(node.label or ""):
        # `PostgreSQL("Backup DB\n10.70.0.12")`, written by the primary's backup edge: a copy kept for restores,
        # beside the request path like the backup jobs; losing it loses no live data [issue 13].
        return RoleResolution("tooling", "label", invalid)
    elif role in EXTERNAL_FROM and (external_label(node.label or "") or saas_product(node.label or "")):
        # `ELB("ExternalApi")`: a system outside the design drawn with whatever icon was at hand [issue 13].
        return RoleResolution("external_saas", "label", invalid)
    elif role in ("load_balancer", "api_gateway", "cdn") and APP_LABEL.fullmatch(
            words(BRACKETED.sub(" ", node.label or ""))):
        # `ELB("Streamlit")`: an application drawn with a network icon; the label names what runs [issue 13].
        return RoleResolution("compute", "label", invalid)
    elif role == "search" and log_store(node.label or ""):
        # `Elasticsearch("ELK Logging")`: the log stack, beside the request path like the rest of monitoring
        # [issue 13].
        return RoleResolution("observability", "label", invalid)
    elif role in DATA_ROLES and db_proxy_label(node.label or ""):
        # `RDS("RDS Proxy")`, `PostgreSQL("PgBouncer")`: a connection pooler or proxy drawn with the icon of the
        # database it fronts holds no data; it routes connections like a load balancer [issue 13].
        return RoleResolution("load_balancer", "label", invalid)
    elif role in DATA_ROLES and (console_label(node.label or "") or ops_label(node.label or "")):
        # `PostgreSQL("PgAdmin")`: a console drawn with the icon of the store it opens, or a pipeline's scanner
        # drawn with a database icon for want of its own (`PostgreSQL("SonarQube")`); a client icon labelled
        # "Swagger UI" stays the client it is drawn as.
        return RoleResolution("tooling", "label", invalid)
    elif (provider, node.cls) in CONTAINER_ICONS and (store := workload_store(node.label or "")):
        # `Deployment("postgres")`, `StatefulSet("redis")`, `Docker("app-db-1\nPostgreSQL 17")`: a workload or
        # container icon runs what its label names, and a database in one container is one database [issue 13].
        return RoleResolution(store, "label", invalid)
    elif role in ("internet", "client") and internet_service_label(node.label or ""):
        # `Internet("Hugging Face Hub")`, `Internet("Spotify Web API")`, `User("YouTube API")`: the icon at hand for
        # a service on the internet that the design calls or downloads from, not where its users come from
        # [issue 13].
        return RoleResolution("external_saas", "label", invalid)
    elif role in ("compute", "service") and workstation_label(node.label or ""):
        # `BareMetal("Local machine") - Edge(label="SSH tunnel") - polyaxon`: a machine icon for the user's own
        # computer, where requests come from [issue 13].
        return RoleResolution("client", "label", invalid)
    elif role == "client" and data_path(node.label or ""):
        # `Client("data/bike_data")`: the folder a pipeline writes its files to, drawn with the icon of the
        # machine it is on; no users come from a path [issue 13].
        return RoleResolution("file_storage", "label", invalid)
    elif role == "client" and _SCHEDULE_LABEL.match(words(node.label or "")):
        # `Users("cron\n(daily)")`: the schedule that starts a pipeline, drawn with a people icon; no users.
        return RoleResolution("workflow", "label", invalid)
    elif role == "internet" and label_role(node.label or "") == "network":
        # `Internet("Home Router (port 80)")`: the box requests pass on their way in, not where they come from.
        return RoleResolution("network", "label", invalid)
    elif role in MULTI_PURPOSE and (use := multi_purpose_use(role, node.label or "")):
        return RoleResolution(use, "label", invalid)
    return RoleResolution(role, source, invalid)


# Last words that name a program working on a store, beside _PROGRAM_HEAD's: a C4 container's name ("Search
# Service", "DB Writer", "Kafka Connect") is read only where no technology says what it is; a "Redis Server" is Redis.
_PROGRAM_TAIL = re.compile(r"\b(?:services?|apis?|apps?|writers?|readers?|producers?|adapters?|gateways?|"
                           r"connect(?:ors?)?|proxy|proxies|clients?|sync|managers?|engines?)$")


def multi_purpose_use(role: str, label: str) -> str | None:
    """The use a label gives a multi-purpose product (MULTI_PURPOSE), or None when it names none.

    Redis and its kind are a cache, a broker or a store depending on use: `Redis("Message Queue")` is the queue its
    label says; a label that names no data role leaves the class's role."""
    by_label = label_role(label)
    if by_label not in MULTI_PURPOSE[role] and _ALSO_QUEUE.search(label) and _QUEUE_USE.search(words(label)):
        # "Redis (cache + queue)", "Redis\n[Cola de Reportes BullMQ/Celery]": the cache also holds the jobs, which are
        # lost with it: the queue is the use that needs a replica.
        by_label = "queue"
    elif by_label not in MULTI_PURPOSE[role] and _PERSISTED.search(label) and not _CACHE_OR_OFF.search(label):
        # "Redis\n(AOF persistence)", "redis-0 · StatefulSet\npersistent memory": kept on disk because it is the
        # data, not a copy of it: a store.
        by_label = "database"
    if by_label == "search" and not _SEARCH_ENGINE.search(label):
        by_label = None  # `ElastiCache("Autocomplete / search suggestions")`: a cache for a search feature
    return by_label if by_label in MULTI_PURPOSE[role] else None


_SEARCH_ENGINE = re.compile(rf"{SEARCH_ENGINES}|elastic ?search|open ?search|solr|redi ?search", re.IGNORECASE)


_PERSISTED = re.compile(r"(?<!non-)(?<!non )(?<!no )(?<!without )\bpersist(?:ent|ence)\b|\baof\b|\bdurable\b",
                        re.IGNORECASE)
# ... a label that calls it a cache, or turns persistence off, keeps it one ("Redis cache (persistence disabled)").
_CACHE_OR_OFF = re.compile(r"\bcach(?:e|es|ing)\b|\bdisabled\b|\boff\b", re.IGNORECASE)
# A second use as the job queue, named anywhere in the label (Spanish "cola", Portuguese "fila"; a job library).
# ... or its message bus ("+ pub/sub fan-out"): every subscriber's messages pass through it.
_ALSO_QUEUE = re.compile(r"queue|broker|cola|fila|bull|sidekiq|resque|pub ?/ ?sub", re.IGNORECASE)
# Not a queue the label says is elsewhere ("queue is RabbitMQ"), nor Celery's results ("Celery results").
_QUEUE_USE = re.compile(r"\b(?:(?:job |task |message )?queues?|brokers?|colas?|filas?|bull ?mq|bull|sidekiq|resque|"
                        r"celery (?:broker|queue)|pub sub)\b(?! (?:is|on|in|via|elsewhere)\b)")


# Where trained models are kept: a storage icon labelled so is the store, not the model.
_MODEL_FILES = re.compile(r"\b(?:registry|artifacts?|checkpoints?|weights|store|storage|bucket)\b")


# Monitoring products by name, at the head of the label: a compute icon labelled with one runs monitoring, not the
# application ("Order Service (Prometheus metrics)" is the order service).
_OBSERVABILITY_PRODUCT = re.compile(r"^(?:open ?telemetry|otel|prometheus|grafana|jaeger|zipkin|loki|kibana|"
                                    r"logstash|fluent ?d|fluent ?bit|telegraf|node exporter|alertmanager|"
                                    r"cadvisor|netdata|uptime ?kuma|(?:metrics|monitoring) (?:system|stack))(?:\b|\*)")


# ... but a vault's icon whose label names what it keeps ("Grafana & DB credentials") is still the vault.
_SECRET_WORDS = re.compile(r"\b(?:secrets?|keys?|credentials?|creds|vault|tokens?|passwords?|certs?|"
                           r"certificates?)\b")


def observability_product(label: str) -> bool:
    """True when a label starts with the name of a monitoring product (`cadvisor*`, "OpenTelemetry Collector")."""
    return bool(_OBSERVABILITY_PRODUCT.search(" ".join(label.lower().split())))


# A box whose first line names only telemetry ("Metrics\n/api/stats", "Logging", "Monitoring endpoint"): what the
# application reports to, not a part of its requests. "Metrics Service" of a product's analytics and "Metrics DB"
# name more than that.
_TELEMETRY_BOX = re.compile(r"(?:metrics|monitoring|logging|logs|telemetry|tracing|observability)"
                            r"(?: (?:endpoint|exporter|collector|sink))?")


def telemetry_box(label: str) -> bool:
    """True when a label's first line names only the telemetry a box takes (`Metrics\\n/api/stats`)."""
    first = (label or "").strip().split("\n")[0]
    # A cheap look first: the analysis asks this of every compute node.
    return (len(first) < 40 and bool(_TELEMETRY_HINT.search(first))
            and bool(_TELEMETRY_BOX.fullmatch(words(first))))


# A search store labelled as the log stack (`Elasticsearch("ELK Logging")`, "EFK", "centralized logs"):
# monitoring. Logs that are data keep the store's role: "Audit logs", "Chat logs", "Log search" (a product's
# feature), "SIEM security logs".
_LOG_STORE = re.compile(r"\b(?:logging|elk|efk|log aggregation|centrali[sz]ed logs?)\b")
_LOGS_AS_DATA = re.compile(r"\b(?:audit|siem|security|transactions?|customers?|chats?|calls?|activity|activities|"
                           r"workouts?|users?|compliance|access)\b")


def log_store(label: str) -> bool:
    """True when a label says a search store holds the system's own logs (the log stack), not logs as data."""
    if not label:
        return False
    spaced = words(label)
    return bool(_LOG_STORE.search(spaced)) and not _LOGS_AS_DATA.search(spaced)

# Web application frameworks and servers: a label naming one is an application, whatever icon it is drawn with.
APP_LABEL = re.compile(r"\b(?:streamlit|gradio|fast ?api|flask|django|spring ?boot|ruby on rails|rails|laravel|"
                       r"express ?js|next ?js|nuxt|nest ?js|node ?js|gunicorn|uvicorn|asp ?net|symfony)\b")

# Icons outside diagrams.generic that drawings use as the generic box: `Server("OTel Collector")`, `Server("database
# server")`. Their label decides when it names a role, as for a generic icon [issue 13].
PLACEHOLDER_ICONS = frozenset({("onprem", "Server"), ("aws", "TraditionalServer")})

# Kubernetes workload icons, and the roles whose label they take: the data services a workload can run.
K8S_WORKLOADS = frozenset({"Pod", "Deploy", "STS", "RS", "DS"})
# Virtual machines: `VM("OCI db1")`, `EC2("MySQL")` run the database they name, one per machine drawn.
VIRTUAL_MACHINES = frozenset({("aws", "EC2"), ("aws", "EC2Instance"), ("aws", "EC2SpotInstance"), ("oci", "VM"),
                              ("gcp", "ComputeEngine"), ("azure", "VM")})
# A cloud's container task: `Fargate("PostgreSQL Task\n(Port 5432)")` runs one database in one task.
CONTAINER_TASKS = frozenset({("aws", "Fargate"), ("aws", "ElasticContainerServiceTask"),
                             ("aws", "ElasticContainerServiceContainer"), ("azure", "ContainerInstances")})
# Managed Kubernetes clusters, whose icon drawings also give a workload they run: `EKS("ClickHouse")`.
MANAGED_K8S = frozenset({("aws", "EKS"), ("aws", "ElasticKubernetesService"), ("gcp", "GKE"),
                         ("gcp", "KubernetesEngine"), ("azure", "AKS"), ("azure", "KubernetesServices")})
CONTAINER_ICONS = frozenset({("k8s", c) for c in K8S_WORKLOADS} | {("onprem", "Docker"), ("onprem", "Containerd"),
                                                                   ("onprem", "Crio"), ("onprem", "LXC")}
                            | VIRTUAL_MACHINES | CONTAINER_TASKS | MANAGED_K8S)
DATA_ROLES = frozenset({"database", "cache", "queue", "search"})
# ... but not a workload named after the store it serves: "search-api", "postgres-exporter", "queue worker".
_NOT_THE_STORE = re.compile(r"\b(?:api|apis|service|services|worker|workers|exporter|operator|consumer|consumers|"
                            r"producer|client|processors?|indexers?|loaders?|sentinels?|kibana|"
                            r"connect|connector|warmer|proxy|backup|migrations?|admin|ui|app|web|gateway)\b")


def workload_store(label: str) -> str | None:
    """The data role a workload or container's label names as the thing it runs, with no word saying it serves
    that store ("search-api", "postgres-exporter"), else None."""
    text = words(label)
    if not text or _NOT_THE_STORE.search(text):
        return None
    role = label_role(label)  # as drawn: the name's line decides (`EC2("9 · vLLM\n(prefix cache KV inside)")`)
    if role == "object_storage" and _OBJECT_STORE_PRODUCT.search(text):
        return role  # `Pod("MinIO Storage")`: one object store, not S3
    return role if role in DATA_ROLES else None


_OBJECT_STORE_PRODUCT = re.compile(rf"\b(?:{OBJECT_STORE_PRODUCTS})\b")

# Class role → the roles a label may turn it into: in-memory stores serve as caches, brokers and databases.
# (`Memorystore("Typesense")`: a search engine drawn with the managed Redis icon.)
MULTI_PURPOSE: dict[str, frozenset[str]] = {"cache": frozenset({"queue", "database", "search"})}

# Operator tools that drawings give a server, container or custom icon: container-management consoles, image
# registries (also as commonly misspelt), bastion and jump hosts. They serve the people who run the system; reached
# through the same ingress as the application, they are still no user path [issue 13].
_OPS_LABEL = re.compile(r"\b(?:portainer|rancher|kubernetes dashboard|k8s dashboard|argo ?cd|harbor|artifactory|"
                        # delivery steps (`Custom("Watchtower\nContinuous Delivery")`); not a "Continuous
                        # Integration Service" users call, nor a product named Watchtower
                        r"continuous (?:delivery|deployment)|"
                        r"(?:container|docker|image|private|artifact) regist(?:e)?r(?:y|ies)|bastions?|"
                        r"jump ?(?:hosts?|box(?:es)?|servers?)|j ?meter|locust|gatling|"
                        # an admin machine named as such ("Management instance\ngolden AMI / no SSH key"); not an
                        # "Inventory Management Server" users call
                        r"^management (?:instances?|hosts?|vms?|box(?:es)?)\b|"
                        r"load ?(?:generators?|testers?)|"
                        # the scanners a pipeline runs (`PostgreSQL("SonarQube")` where its icon file was missing):
                        # they check the code, they serve no request. Not Jenkins: drawings of an HA Jenkins make it
                        # the product.
                        r"sonar ?qube|git ?leaks|falco|trivy|snyk|checkov|tfsec|semgrep|"
                        # a jump pod or VM named as such (`Pod("SSH Jump\ntemporary pod")`); not a server whose
                        # label only mentions jump access ("Edge VPS\nnginx + SSH jump", "Jump VM (RDP session host)")
                        r"^(?!.*\b(?:nginx|proxy|gateway|sftp|apis?|apps?|web|session hosts?)\b)"
                        r"(?:ssh ?jump\b|jump ?(?:pods?|vms?|instances?)\b)|"
                        # the steps of a provisioning run (`EKS("eks\ntfmodule")`, `Bash("kubeconfig\nshell")`): a
                        # module graph drawn with the icons of what the modules create is no runtime topology.
                        r"tf ?modules?$|terraform (?:modules?|stacks?|runs?)$|^kubeconfig(?: (?:shell|step|script))?$|"
                        # ... and the machine that runs them, named for its tool ("Terraformer\nEC2 Instance",
                        # "Ansible control node"): an admin host, on no request path
                        r"^(?:terraform(?:er)?|ansible(?: control)?|atlantis|pulumi)(?: (?:runners?|hosts?|nodes?|"
                        r"servers?|instances?|ec2|vms?|box(?:es)?))*$|"
                        # backup and sync tools (`Bash("rclone")` copying a share to blob storage): they copy data
                        # on a schedule, they serve no request
                        r"^(?:rclone|restic|borg(?:backup)?|duplicati|velero|rsync|kopia)$)")
# A build's input (`Docker("源码 + Dockerfile\napp/（Java）")`, "Source code + Dockerfile", "Dockerfile"): what an
# image is built from, with folder paths for notes; not an app whose label says how it is packaged ("API\n(Dockerfile)",
# "Dockerfile\nFastAPI app", "Dockerfile.api").
_BUILD_INPUT = re.compile(r"(?:(?:app(?:lication)? )?(?:source(?: code)?|code|repo(?:sitory)?|src) )?dockerfiles?")


# Database consoles and API documentation serve operators and developers, not user requests; drawn with the icon of
# the store they open (`PostgreSQL("PgAdmin")`), they are still the console [issue 13].
_CONSOLE_LABEL = re.compile(
    r"\bphp ?my ?admin\b|\bpg ?admin\b|\badminer\b|\bmongo ?express\b|^mongo ?db ?express$|"
    r"\bredis ?(?:commander|insight)\b|"
    r"\bkafka ?(?:ui|drop)\b|\bkafdrop\b|\bkafbat\b|\bakhq\b|\bredpanda console\b|\bconduktor\b|\boffset explorer\b|"
    r"\bmongo ?db compass\b|\brabbit ?mq management\b|\bssms\b|\bazure data studio\b|\btable ?plus\b|"
    r"\bprisma studio\b|\bhasura console\b|\bkafka connect ui\b|\bswagger\b|\bredoc\b|\b(?:cloud ?|d ?)beaver\b|"
    r"\bsql (?:ide|editor)\b|\bdata ?grip\b|\bmy ?sql workbench$")
# ... and documentation, by words that only decide a label that the class leaves open ("docs" on a document store
# is its collection).
_DOCS_LABEL = re.compile(r"\bopen ?api\b|\bapi (?:docs?|documentation|spec)\b|^docs?$|\bdocumentation\b")


# Connection poolers and proxies in front of a database: what they are named ("RDS Proxy\nIAM auth + TLS",
# PgBouncer), or a label whose head noun is "proxy" or "pooler" ("DB connection pooler"; not "Proxy logs").
_DB_PROXY_LABEL = re.compile(r"\b(?:pg ?bouncer|pg ?pool(?: ?ii)?|proxy ?sql|max ?scale|pg ?cat|odyssey|twemproxy|"
                             r"connection pool(?:er|ing)?|poolers?|"
                             r"(?:rds|db|database|sql|aurora|postgres(?:ql)?|my ?sql) proxy)\b|\bproxy$")


def db_proxy_label(label: str) -> bool:
    """True when a label names a database proxy or connection pooler (RDS Proxy, PgBouncer, ProxySQL)."""
    return bool(label) and bool(_DB_PROXY_LABEL.search(words(BRACKETED.sub(" ", label))))


# A service someone else runs on the internet, by what the label calls it: an API, a hub or registry, mail, sign-in,
# a hosted model; or the data published there that a job downloads: open data, a catalogue, a CSV or JSON file,
# a data set, feed or source ("警視庁\n認知件数CSV", "東京都\nオープンデータカタログ": Tokyo's open-data catalogue;
# `Internet("source") >> trainer`: where training data comes from).
_INTERNET_SERVICE = re.compile(r"\b(?:apis?|hub|registry|smtp|imap|o ?auth|sso|webhooks?|gpt|llm|open ?ai|"
                               r"anthropic|hugging ?face|git ?hub|git ?lab|"
                               r"open ?data|data ?catalog(?:ue)?s?|csv|json|xml|data ?sets?|data ?feeds?|"
                               r"data ?sources?|^sources?$)\b")
_INTERNET_DATA_CJK = re.compile(r"オープンデータ")  # words() keeps ASCII only


def internet_service_label(label: str) -> bool:
    """True when an Internet icon's label names a service on the internet, or data published there, not the
    people who send requests."""
    named = _INTERNET_SERVICE.search(words(label or "")) or _INTERNET_DATA_CJK.search(label or "")
    return bool(named) and not label_client(label)


# An application named for the staff who use it: "Admin Panel", "admin :3002\nNext.js", "Admin API"; not the admins
# themselves ("Admin", "Admin User") nor a store of theirs ("Admin DB").
_ADMIN_APP = re.compile(r"^admin(?:istration)? (?:\d+|panel|dashboard|ui|app|api|portal|console|site|web|frontend|"
                        r"front end|backend|back end|service|server|tool|area|pages?|spa)s?\b")


def admin_app(label: str) -> bool:
    """True when a label's first line names an application for the staff (an admin panel, an admin API); not one
    shared with the users ("Admin/API Server", "Admin Panel + Storefront") nor a store ("Admin Service DB")."""
    first = (label or "").strip().partition("\n")[0]
    if "admin" not in first.lower():  # the cheap look first: label_role asks this of every label it reads
        return False
    spaced = words(first)
    return (bool(_ADMIN_APP.search(spaced)) and not _SHARED.search(first)
            and not _DATA_TAIL.search(spaced) and not _PEOPLE_TAIL.search(spaced))


_SHARED = re.compile(r"[+&/]|\band\b", re.IGNORECASE)
_PEOPLE_TAIL = re.compile(r"\b(?:users?|staff|team|people|operators?|personas?)$")
_DATA_TAIL = re.compile(r"\b(?:db|dbs|database|databases|cache|bus|queue|store|storage|bucket)$")


def console_client(label: str) -> bool:
    """True when a client icon's first line names a console (`Client("Kafbat UI")`), not the API's clients that a
    console's tooling generated ("API clients (Swagger)", "Swagger SDK")."""
    first = words((label or "").strip().partition("\n")[0])
    return bool(_CONSOLE_LABEL.search(first)) and not _NOT_THE_CONSOLE.search(first)


_NOT_THE_CONSOLE = re.compile(r"\b(?:sdks?|clients?|generated|apps?|partners?|consumers?)\b")


def console_label(label: str) -> bool:
    """True when a label names a database or broker console (pgAdmin, phpMyAdmin, Kafdrop) or Swagger/ReDoc."""
    return bool(label) and bool(_CONSOLE_LABEL.search(words(label)))


def ops_label(label: str) -> bool:
    """True when a label names an operator tool (a container console, an image registry, a bastion host) or is a
    pipeline's command line."""
    return bool(label) and bool(_OPS_LABEL.search(words(label)) or command_line(label) or _build_input(label))


def _build_input(label: str) -> bool:
    if "dockerfile" not in label.lower():
        return False
    first, _, notes = label.strip().partition("\n")
    return bool(_BUILD_INPUT.fullmatch(words(first))) and all("/" in line for line in notes.splitlines()
                                                                if line.strip())


# A pipeline's command lines (`Docker("docker build\n-t backend:$SHA")`, "2. docker push", "Deploy\nhelm upgrade
# --install api"): steps, not servers. Not what starts a server ("npm run start", "npm run dev"), and not a
# service named for such a step ("Git Clone Service", "docker build workers" of a hosted CI) [issue 13].
_STEP = r"^(?:\$\s*)?(?:\d+[.)]\s*)?"  # a shell prompt or a step's number before the command
_COMMAND = re.compile(rf"{_STEP}(?:(?:docker|podman|buildah) (?:build|push|pull|tag|login)|"
                      r"(?:npm|yarn|pnpm) (?:install|ci|test|run (?:build|test|lint))|pip install|"
                      r"(?:kubectl|helm) (?:apply|install|upgrade|rollout)|terraform (?:init|plan|apply)|"
                      r"git (?:push|clone|checkout))\b(?!\s+(?:service|api|worker|server)s?\b)")


def command_line(label: str) -> bool:
    """True when a line of the label is a pipeline step's command."""
    return any(_COMMAND.match(line.strip().lower()) for line in label.splitlines())


# ... and the commands that change what runs (not `docker pull` or `git clone`, which fetch).
_DEPLOY_COMMAND = re.compile(rf"{_STEP}(?:(?:kubectl|helm) (?:apply|upgrade|rollout|install|create)|"
                             r"terraform (?:apply|destroy)|(?:docker|podman) (?:build|push)|git push|pulumi up|"
                             r"ansible-playbook|(?:cdk|sam|serverless) deploy)\b")


def deploy_command(label: str) -> bool:
    """True when a line of an edge label is a command that deploys ("kubectl apply", "helm upgrade", "git push")."""
    return any(_DEPLOY_COMMAND.match(line.strip().lower()) for line in (label or "").splitlines())


# A label that names a system outside the design ("External API", "third-party service"): whatever icon it is
# drawn with (a load balancer, a server), it is not ours to run and not where users come in [issue 13]. An API
# gateway labelled "External API" is the gateway of the public API, so gateways keep their role.
# "External API(s)" heading a label names the node; "calls external APIs", "(for external APIs)" name what it calls.
_EXTERNAL_LABEL = re.compile(r"^external ?apis\b|\b(?:external ?api\b|third ?party(?: apis?| services?| systems?)?|"
                             r"external (?:systems?|services?|providers?))\b")
EXTERNAL_FROM = frozenset({"compute", "service", "load_balancer", "unknown"})


# A cluster drawn for systems outside the design: "External services", "Third-party", "3rd party APIs"; not an
# "External-facing tier" or "External subnet", which hold our own servers.
_EXTERNAL_CLUSTER = re.compile(r"^(?:external (?:services?|systems?|providers?|apis?|dependenc(?:y|ies)|"
                               r"integrations?|partners?|vendors?)|third party|3rd party)\b")


def external_cluster(label: str) -> bool:
    """True when a cluster's label says its members are systems outside the design."""
    return bool(_EXTERNAL_CLUSTER.match(words(label))) or external_label(label)


# A cluster named for a vendor's edge or sign-in service ("Cloudflare — the only way in", "Okta"): a security icon
# drawn there (`Vault("Zero Trust Access")`) is that vendor's product, not a gate we run [issue 13].
_VENDOR_CLUSTER = re.compile(r"^(?:cloudflare|akamai|fastly|imperva|zscaler|auth0|okta|clerk)\b")


def vendor_cluster(label: str) -> bool:
    """True when a cluster's label names a vendor whose edge or sign-in service its security icons are."""
    return bool(_VENDOR_CLUSTER.match(words(label)))


# Of those, the edge networks, which also proxy, balance and resolve for their customers: `HAProxy("WAF")` drawn in
# `Cluster("Cloudflare")` is Cloudflare's proxy, drawn with the icon at hand. A cluster for what runs on one's own
# machines beside the vendor ("Cloudflare Tunnel", "Akamai origin", "Cloudflare Workers + origin") is not.
_EDGE_VENDOR_CLUSTER = re.compile(r"^(?!akamai cloud\b)(?:cloudflare|akamai|fastly|imperva|zscaler)\b"
                                  r"(?!.*\b(?:tunnel|cloudflared|origins?|workers?|pages|self ?hosted|servers?|"
                                  r"vms?|vps|hosts?|connectors?|agents?|private access|"
                                  # Akamai also sells virtual machines (Linode); Imperva an on-prem appliance
                                  r"linode|compute|connected cloud|securesphere|appliances?|on ?prem(?:ises)?)\b)")


def edge_vendor_cluster(label: str) -> bool:
    """True when a cluster's label names an edge network whose proxies, balancers and DNS its icons are."""
    return bool(_EDGE_VENDOR_CLUSTER.match(words(label)))


# A cluster for the monitoring stack ("Observability", "Monitoring & Alerts", "LGTM Observability Stack").
# Not "telemetry" or "logging": a device's telemetry ingestion and a log-analytics product are what users come for.
_MONITORING_CLUSTER = re.compile(r"\b(?:observability|monitoring)\b")


def monitoring_cluster(label: str) -> bool:
    """True when a cluster's label says its members watch the system."""
    low = label.lower()  # a cheap look first: most clusters are not named so, and words() costs more
    return ("observab" in low or "monitor" in low) and bool(_MONITORING_CLUSTER.search(words(label)))


# A cluster named for a data platform sold as a service ("Snowflake Platform", "Databricks Lakehouse Platform"):
# the tables, stages, volumes, search and model endpoints drawn in it are the vendor's, stored and run redundantly
# by it [SF1], [DB1]; not stores or servers of the design's own.
# "Snowflake schema" and "Snowflake ID" are a data model and an ID scheme, not the vendor (redundancy reads it too).
SNOWFLAKE_VENDOR = r"snowflake(?! (?:schemas?|ids?|id generator|algorithm)\b)"
_DATA_PLATFORM_CLUSTER = re.compile(rf"^(?:{SNOWFLAKE_VENDOR}|databricks)\b")
# A member whose label says the design runs it ("self-hosted", "customer-managed", an external Hive metastore).
_OWN_RUN = re.compile(r"\b(?:self ?hosted|customer ?managed|self ?managed|on ?prem(?:ises)?|external|metastore)\b")


def data_platform_cluster(label: str) -> bool:
    """True when a cluster's label names a data platform sold as a service, whose members the vendor runs."""
    return bool(_DATA_PLATFORM_CLUSTER.match(words(label)))


def run_by_the_design(label: str) -> bool:
    """True when a label says the design runs the thing itself, wherever it is drawn."""
    return bool(_OWN_RUN.search(words(label)))


# Pieces of hardware by name, in the languages drawings were seen in (graph.is_device reads sources with them).
DEVICE_NOUNS = r"webcams?|cameras?|microphones?|mics?|cctv|sensors?|sensores|capteurs?|thermostats?"
# A label whose last word names a piece of hardware ("USB Webcam", "Temperature Sensor 2", "IP camera"): the
# device the software reads or drives. "Sensor data processor" and "Camera service" are software.
_HARDWARE_LABEL = re.compile(rf"\b(?:{DEVICE_NOUNS}|gpio(?: pins?)?|usb (?:drives?|devices?|sticks?))(?: \d+)?$")
_HARDWARE_HINT = re.compile(r"cam|mic|cctv|sens|capteur|thermostat|gpio|usb", re.IGNORECASE)  # before words()


# Words that make a device-named label software: "Virtual Camera", "Camera Manager microservice", "Sensor Fusion".
_SOFTWARE_WORDS = re.compile(r"\b(?:virtual|services?|microservices?|manager|fusion|apis?|processor|apps?|"
                             r"software|drivers?|emulators?|simulators?|server|daemon)\b")


def hardware_label(label: str) -> bool:
    """True when a label names a hardware device (its last word, an index aside), not software."""
    if not label or not _HARDWARE_HINT.search(label):
        return False
    spaced = words(label)
    return bool(_HARDWARE_LABEL.search(spaced)) and not _SOFTWARE_WORDS.search(spaced)


# Services only their vendors run, drawn with a server icon for want of their own (`Server("Pinecone")`).
# A model's version as words() leaves it ("GPT-4o" is "gpt 4o", "GPT-3.5" "gpt 3 5"): an API, a model named with
# its vendor, or one only the vendor serves; "GPT-2" alone may be open weights a team runs.
_SAAS_PRODUCT = re.compile(r"^(?:pinecone|open ?ai(?: api)?|chat ?gpt api|(?:open ?ai )?gpt(?: \d+(?: \d+)?o?)? api|"
                           r"open ?ai gpt(?: \d+(?: \d+)?o?)?|gpt (?:3 5|4|4o|4 1|5)(?: turbo| mini)?|"
                           r"anthropic(?: api)?|claude api|(?:google )?gemini(?: \d+(?: \d+)?)?(?: pro| flash)? api|"
                           r"stripe|twilio|send ?grid|mailgun|algolia|auth0|"
                           r"okta)$")
# A store kept as a backup copy: "Backup DB", "DB backups", "Backups", "Backup DB Server"; or a store whose note is
# only that ("Postgres (backups)").
_BACKUP_STORE = re.compile(r"^(?:backups?(?: (?:db|database|copy|store|storage))?(?: (?:server|instance|host))?|"
                           r"(?:db|database) backups?)$")
_BACKUPS_NOTE = re.compile(r"^[^()]+\(backups\)$", re.IGNORECASE)
# ... but a "backup" that a label says is replicated or kept hot is a standby: "Backup DB\n(hot standby)".
_STANDBY_WORDS = re.compile(r"\b(?:standby|replicas?|replication|replicated|failover)\b")


def saas_product(label: str) -> bool:
    """True when a label's name line names a service only its vendor runs (Pinecone, the OpenAI API, Stripe)."""
    name = (label or "").partition("\n")[0]
    # ... unless the label says the design runs it: "GPT API\n(vLLM on our GPU box)" is a model server of its own.
    return (bool(_SAAS_HINT.search(name)) and bool(_SAAS_PRODUCT.match(words(name)))
            and not _RUN_HERE.search(words(label)))


# Cheap looks at the raw label before words() (which costs more): most labels name none of these.
_SAAS_HINT = re.compile(r"pinecone|open.?ai|gpt|anthropic|claude|gemini|stripe|twilio|send.?grid|mailgun|algolia|"
                        r"auth0|okta", re.IGNORECASE)
# "our own", "ours", not "our org key" (the vendor's API used with the team's key); a proxy in front of the vendor
# ("OpenAI\n(LiteLLM proxy)") is the team's own service, the vendor's API reached "via" one is still the vendor's;
# "no GPUs on our side" runs nothing.
_RUN_HERE = re.compile(r"\b(?:self ?hosted|self ?managed|on ?prem(?:ises)?|our own|ours|in ?house|vllm|ollama|tgi|"
                       r"(?<!no )gpus?|local|lite ?llm)\b|^(?!.*\b(?:via|through|behind)\b).*\bproxy\b")
_WORKSTATION_HINT = re.compile(r"local|laptop|workstation|pc|computer", re.IGNORECASE)
# Labels that may change what an exact class's icon is (the scheduler or the queue on Celery's icon).
_ICON_OVERRIDE_HINT = re.compile(r"beat|schedul|cron|queue|broker", re.IGNORECASE)
_CELERY_AS_QUEUE = re.compile(r"\b(?:(?:task |job |message )?queues?|brokers?)\b")


# An edge label that names only logs or metrics: what it carries is the operations plane's, not a request.
_TELEMETRY_ONLY = re.compile(r"(?:(?:access |app |application |container |stdout )?logs?|metrics|traces?|telemetry|"
                             r"log (?:shipping|forwarding|stream)|logs (?:and|&) metrics)")


_TELEMETRY_HINT = re.compile(r"log|metric|trac|telemetry|monitor|observ", re.IGNORECASE)


def telemetry_edge(label: str, callee: str) -> bool:
    """True when an edge label names only logs, metrics or traces (`Edge(label="logs")`) and goes into a node named
    as where they end up ("Log Destination", "Syslog server"); a log or metrics product's own ingest API is called
    with them as its requests."""
    return (bool(label) and len(label) < 40 and bool(_TELEMETRY_HINT.search(label))  # cheap looks before words()
            and bool(_TELEMETRY_ONLY.fullmatch(words(label)))
            and bool(_TELEMETRY_SINK.search(words(callee))))


_TELEMETRY_SINK = re.compile(r"\b(?:logs?|logging|syslog|metrics|monitoring|telemetry|observability|siem|traces?|"
                             r"collectors?|aggregators?|stats|statsd|graphite|influx ?db|grafana|prometheus|"
                             r"elastic ?search|kibana|loki|splunk|datadog|graylog)\b")


def external_label(label: str) -> bool:
    """True when a label names a system outside the design (an external or third-party API or service)."""
    return bool(label) and bool(_EXTERNAL_LABEL.search(words(label)))


# A cheap look at the raw label first: most labels name neither, and splitting words costs more than this.
_OVERRIDE_HINT = re.compile(r"portainer|rancher|dashboard|argo|harbor|artifactory|regist|bastion|jump|external|"
                            r"third|admin|express|commander|insight|kafdrop|akhq|kafka|swagger|redoc|streamlit|"
                            r"gradio|fast ?api|flask|django|spring|rails|laravel|next|nest|node|nuxt|gunicorn|"
                            r"uvicorn|asp|symfony|meter|locust|gatling|load ?(?:gen|test)|beaver|ide|editor|grip|"
                            r"workbench|log|elk|efk|proxy|pool|bouncer|maxscale|odyssey|sonar|leaks|falco|trivy|"
                            r"snyk|checkov|tfsec|semgrep|tf ?mod|terraform|kubeconfig|rclone|restic|borg|duplicati|"
                            r"velero|rsync|kopia",
                            re.IGNORECASE)


def label_overrides_class(label: str) -> bool:
    """True when a label may override the class: an operator tool, an external system, a console, a monitoring
    product or a schedule."""
    return bool(label) and (bool(_OVERRIDE_HINT.search(label)) and (ops_label(label) or external_label(label)
                                                                     or console_label(label) or log_store(label)
                                                                     or db_proxy_label(label)
                                                                     or bool(APP_LABEL.search(words(label))))
                            or observability_product(label) or bool(_SCHEDULE_LABEL.match(words(label)))
                            or workstation_label(label) or data_path(label) or backup_store(label)
                            or saas_product(label) or bool(_ICON_OVERRIDE_HINT.search(label)))


def workstation_label(label: str) -> bool:
    """True when a label names the user's own computer ("Local machine", "Laptop", "My PC")."""
    return bool(_WORKSTATION_HINT.search(label)) and bool(_WORKSTATION.fullmatch(words(label)))


def backup_store(label: str) -> bool:
    """True when a store's label says it holds backup copies ("Backup DB", "DB backups"), not that it is a standby."""
    # The name line only: "Backup DB\n10.70.0.12" is a copy, "Backup Service DB" a backup product's own store.
    if "backup" not in label.lower() or _STANDBY_WORDS.search(words(label)):
        return False
    name = label.partition("\n")[0].strip()
    return bool(_BACKUP_STORE.match(words(name)) or _BACKUPS_NOTE.match(name))


# Words that name a machine, or the tier it serves, rather than what it does: numbered copies are called so
# ("VM Instance 1", "web-2"), and `lb >> [web, api]` names no domains.
MACHINE_WORDS = frozenset({"vm", "vms", "server", "servers", "node", "nodes", "host", "hosts", "instance", "instances",
                           "machine", "machines", "box", "ec2", "droplet", "replica", "container", "containers", "pod",
                           "pods", "worker", "workers"})
TIER_WORDS = frozenset({"web", "www", "api", "apis", "app", "apps", "application", "frontend", "front", "end",
                        "backend", "back", "ui", "site", "website", "tier", "layer"})


# The user's own computer, drawn with a machine icon.
_WORKSTATION = re.compile(r"(?:(?:my|your|the|a|user'?s?|users) )?(?:local (?:machine|computer|pc|host)|laptops?|"
                          r"workstations?|desktop (?:pc|computer)|(?:pc|computer))")


# A relative path to data ("data/bike_data", "./output/", "raw/trips.csv") or a data file's name ("trips.csv"): a
# folder or file, never users. A path needs a data word: "Web/Mobile" names two clients.
DATA_PATH = re.compile(r"^(?=[\w.~/-]*/)(?=[\w.~/-]*(?<![a-z])(?:data|datasets?|files|raw|output|input|downloads?)(?![a-z]))"
                       r"(?:\.{1,2}/|~/)?[\w.-]+(?:/[\w.-]+)*/?$|^[\w.-]+\.(?:csv|tsv|jsonl?|parquet|avro|orc|xlsx?|sqlite|db)$",
                       re.IGNORECASE)


def data_path(label: str) -> bool:
    """True when a label is a relative path to data or a data file's name; a path is written in lower case or with
    a separator inside a name ("data/bike_data"): "Data/ML" and "Data/Analytics" name teams."""
    text = " ".join(label.split())
    return bool(DATA_PATH.match(text)) and (text == text.lower() or bool(re.search(r"\w[._-]\w|^\.|^~", text)))


# A label that names a schedule (`Users("cron\n(daily)")`, "Scheduler (nightly)"): what starts a job, whatever icon
# it is drawn with; not users sending requests.
# "Schedulers" alone are people who book; "Timer app" is an app.
_SCHEDULE_LABEL = re.compile(r"^(?:cron(?:tab)?|cron ?jobs?)\b|"
                             r"^(?:scheduler|schedule|timer)s? (?:daily|hourly|nightly|weekly|monthly|every|\d)")


# Labels of compute nodes that face users when no client is drawn (R5): the web tier, a site, a portal, a proxy...
FACING_LABEL = re.compile(r"\b(?:web|www|website|site|frontend|front end|portal|ui|gateway|ingress|proxy|"
                          r"storefront|reverse proxy|edge|public|streamlit|gradio|react|vue|angular|svelte|"
                          r"next js|nuxt)\b")
# ... unless the label says it serves the operators, or runs on its own.
HELPER_LABEL = re.compile(r"\b(?:admin|internal|back ?office|ops|operator|cron|supercronic|crontab|cron ?jobs?|"
                          r"jobs?|batch|reports?|reporting|"
                          r"sync|export|import|etl|scheduler|loggers?|sensors?|sensores|capteurs?|backup|migration|"
                          r"seed|crawler|"
                          r"scraper|bots?|producers?|generators?|datasets?|data ?sources?)\b|\bdata$|"
                          r"\b(?:py|sh|ipynb)$")  # a script someone runs: "query_warehouse.py"
# ... and sources that feed data rather than take users' requests: "Vehicle\nMessages", "Faker Library\nRealistic
# Data Simulation" (only where sources are classified: a "messages-lb" still faces users).
FEED_LABEL = re.compile(r"\b(?:messages|telemetry|simulations?|faker|synthetic data)\b")
# The people a product serves, by the names labels give them.
AUDIENCE = r"visitors?|customers?|readers?|subscribers?|players?|shoppers?|buyers?|guests?|public|members?"
# Clients who run the system rather than use it: builders walk the delivery pipeline, operators its consoles.
BUILDER_LABEL = re.compile(r"\b(?:developers?|devs?|devops|engineers?|contributors?|committers?)\b")
# ... and the editors of a CMS or back office beside the users of the product ("Usuário de Negócio (CMS)"), unless
# the label names the product's audience ("Visitors\n(WordPress CMS site)", "CMS customers").
OPERATOR_LABEL = re.compile(r"\b(?:admins?|administrators?|operators?|ops|sre|sysadmins?|on ?call)\b|"
                            rf"^(?!.*\b(?:{AUDIENCE})\b)"
                            r".*\b(?:cms|back ?office|content (?:editors?|managers?|teams?))\b")
# ... and the icons of browser front-end frameworks: `React("web-1")` is the front end whatever its label says.
FRONTEND_CLASSES = frozenset({"React", "Vue", "Angular", "Svelte", "Nextjs", "NextJs", "Ember", "Backbone"})


def facing_node(label: str, cls: str, role: str) -> bool:
    """A compute node that user traffic enters through when no client is drawn: its label names the web tier or
    a front end, or its icon is a browser front-end framework; not one whose label says it is a helper."""
    text = words(label)
    return (role in ("compute", "service") and not HELPER_LABEL.search(text)
            and (bool(FACING_LABEL.search(text)) or cls in FRONTEND_CLASSES))


# Words that decide a label before the class-name table: there `\bcaches?\b` would make Varnish "(HTTP Reverse
# Cache Proxy)" a cache, and "broker" names IBM's ServiceBroker class, which is no queue.
_LABEL_FIRST: list[tuple[re.Pattern[str], str]] = [
    (_OPS_LABEL, "tooling"),
    (_EXTERNAL_LABEL, "external_saas"),
    # A hosted service named by its brand on a placeholder icon (`Server("firebase authentication")`) is someone
    # else's to run; on its own icon (gcp Firestore) the class still decides.
    (re.compile(r"^(?:firebase|auth0|okta|stripe|twilio|sendgrid|mailgun|mailchimp|paypal|algolia|pusher|dropbox|"
                r"google drive|one ?drive|icloud)\b"),
     "external_saas"),
    # ... and a media platform by its name alone (`Custom("YouTube")` streaming to the app); "YouTube DL Mongo DB"
    # or "Spotify clone API" name something of ours.
    (re.compile(r"^(?:you ?tube|vimeo|twitch|spotify)(?: (?:data |web )?api)?$"), "external_saas"),
    # Database admin consoles and API documentation serve operators and developers, not user requests: tooling
    # (side edges), so `nginx >> phpmyadmin >> mysql` is no second user path to the database [issue 13].
    (_CONSOLE_LABEL, "tooling"),
    (_DOCS_LABEL, "tooling"),
    (_DB_PROXY_LABEL, "load_balancer"),
    # A process named for the store it feeds or drains is a process: "Kafka Producers", "queue workers".
    (re.compile(r"\b(?:producers?|workers?|exporters?)\b"), "compute"),
    # The head noun of a label names what it is: "Directory Service DB" is a database, not a directory service.
    (re.compile(r"(?<!cache )\b(?:db|database|datastore) ?\d*$|"
                r"^(?!.*\b(?:consul|etcd|zoo ?keeper)\b).*\b(?:key ?value|kv) ?stores?\b|"
                # ... and a store named for what it keeps: `Redis("Online\nFeature Store")` holds the features.
                r"^(?!.*\b(?:to|into|from|for|build|populate|refresh|embed|backup|ingest|sync|load|write|update)\b)"
                r".*\b(?:feature|session|result|state|profile|document|vector) stores?$"), "database"),
    (re.compile(r"\bvarnish\b|\breverse ?proxy\b|\bproxy\b|\bsquid\b"), "load_balancer"),
    (re.compile(r"\b(?:message )?brokers?\b|\b(?:message|task|job|work) queues?\b"), "queue"),
    # Flutter builds the apps users hold (its own icon is a client too): `Custom("Flutter Web\n:8080")` is the
    # front end even when the server pushes to it.
    (re.compile(r"^flutter\b"), "client"),
    # A BI dashboard is where analysts read the warehouse, not a monitoring screen.
    (re.compile(r"\bbi\b|\bbusiness intelligence\b"), "analytics"),
]


_SECURITY_GROUP = re.compile(r"\s*security groups?\b")
# "SG" and "NSG" also abbreviate Singapore and more: a security group only with its rules beside it ("allow from
# App", "8080/tcp", "22/80/443", an AWS id), not numbered ("SG-1 switch") nor naming a device.
_SG_ABBREVIATION = re.compile(r"\s*n?sgs?\b(?![-_ ]?\d)(?!.*\b(?:switch|router|server|firewall|fw\w*|vpn|host|vms?|"
                              r"instances?)\b)", re.DOTALL)
_SG_RULES = re.compile(r"\b(?:allow|allows|deny|inbound|outbound|ingress|egress|\d+/(?:tcp|udp)|sg-[0-9a-f]{8,17})\b|"
                       r"(?<![\d.])\d{2,5}(?:\s*[,/]\s*\d{2,5})+(?![\d.])")


def security_group(label: str) -> bool:
    """A cloud security group's rules drawn as a box ("Security group\n22/80/443", "SG DB\nallow from App",
    "SG: 8080/tcp"): enforced by the provider on every interface, so it names what it guards without being it."""
    text = (label or "").lower()
    return bool(_SECURITY_GROUP.match(text) or (_SG_ABBREVIATION.match(text) and _SG_RULES.search(text)))


def label_role(label: str) -> str | None:
    """Role that a node's label names (R4): a few label-only words first, then the class-name keywords."""
    if (label or "").lstrip().startswith("/"):
        return "service"  # "/v1/sql (DuckDB Queries)": an HTTP endpoint, whatever it does behind [issue 13]
    if (label or "").rstrip().endswith("?"):
        return None  # "File Type?": a flowchart's decision names no component, so its words say nothing
    if security_group(label):
        return "network"  # `Firewall("SG DB\nallow from App")`: a rule set named for what it guards, not the store
    if saas_product(label or ""):
        return "external_saas"  # `Server("Pinecone")`, `Python("GPT API")`: a vendor's service [issue 13]
    if admin_app(label or ""):
        return "tooling"  # `Custom("Admin Panel")`: the staff's application, not the users' [issue 13]
    # "Browser (no auth)": what a label says the node lacks is not what it is.
    label = _NEGATED.sub(" ", label or "")
    parts = _JOINED.split(label, maxsplit=1)
    if len(parts) > 1:
        # "SQLite backend + artifact proxy": the first thing named is what the node is, when it holds data.
        first = label_role(parts[0])
        if first in STATEFUL:
            return first
    spaced = words(label)
    for pattern, role in _LABEL_FIRST:
        if pattern.search(spaced):
            return role
    role = keyword_role(label)
    name, newline, notes = label.strip().partition("\n")
    if newline and role in AUXILIARY_ROLES and not _JOB_NOTES.search(words(notes)):
        # "Express server  index.js\nPOST /api/diagnose\nGET /api/history · /api/health": the name's line says
        # what the node is; notes listing its health route or how it is built do not make it monitoring.
        named = label_role(name)
        if named is not None and named not in AUXILIARY_ROLES:
            return named
    if role == "cache" and _cache_in_passing(label, spaced):
        return None
    head = words(BRACKETED.sub(" ", label))
    if role == "management" and _SERVICE_HEAD.search(head):
        # Governance words name business services too: "Subscription API", "Inventory Service", "Order
        # Management Service" are what the application does, not cloud governance [issue 13].
        return "service"
    if role == "tooling" and _API_HEAD.search(head) and not _TOOL_BRAND.search(head):
        # ... and tooling words the product a team serves: "load-testing-hub-api" is an API ("build service" stays
        # tooling).
        return "service"
    if role in _EDGE_SERVICE_ROLES and _SCRIPT_FILE.fullmatch(name.strip()):
        # `Bash("cloudflare-ddns-update.sh")`: a script that updates the CDN or DNS is a job, not the edge network.
        return "compute"
    if (role in STATEFUL or role == "cache") and _PROGRAM_HEAD.search(
            _OBJECT_TAIL.sub("", words(BRACKETED.sub(" ", label)))):
        # "File Downloader", "S3 Uploader", "Search Indexer": the last word names the program; the store is what
        # it works on [issue 13].
        return "compute"
    return role


# A label line that is an HTTP route ("/api/missions", "/v1/users/{id}"); not a file-system path ("/mnt/data"), and
# never read on a store or a client, whose lines name mount points and pages.
_ROUTE_LINE = re.compile(r"\n\s*/(?!(?:mnt|var|home|data|opt|srv|tmp|etc|usr|dev|media|volumes?)\b)[a-z0-9_{}.-]+"
                         r"(?:/[a-z0-9_{}.*-]+)*/?\s*(?:\n|$)", re.IGNORECASE)
_NO_ROUTES = STATEFUL | {"compute", "service", "client", "cache"}


# "cache" naming what a step works on, not a cache, written as one term: "Cache key", "cache_salt", "cache-hit";
# not "Cache (TTL 60s)" or "Cache (hit ratio 95%)", which describe a cache.
_CACHE_MODIFIER = re.compile(r"\bcaches?[ _-](?:keys?|salts?|hits?|miss(?:es)?|lookups?|invalidations?|"
                             r"warm(?:ing|ers?)?|polic(?:y|ies)|control|busting|ttls?)\b")
# ... or a rule not to cache ("CÓ PII → KHÔNG cache": with personal data, do not cache).
_NO_CACHE = re.compile(r"\b(?:no|not|non|never|without|don't|do not|không|sin|sem|kein|ohne)[\s-]+cach\w*")
# ... while a cache product names one, and so does a note that is only that ("KeyDB\n(cache)").
_CACHE_PRODUCT = re.compile(CACHE_PRODUCTS)
_SAYS_CACHE = re.compile(r"^(?:(?:in memory|read|write|local|distributed|shared) )?cach(?:e|es|ing)"
                         r"(?: (?:layer|tier|server|servers|node|nodes))?$")


def _cache_in_passing(label: str, spaced: str) -> bool:
    """A label that mentions a cache only in brackets, as a term for what a step computes or as a rule not to cache
    ("9 · vLLM sinh\n(prefix cache KV bên trong)", "8 · Build prompt\ndatamark · cache_salt", "Cache key\nhash",
    "CÓ PII → KHÔNG cache"): it says nothing of itself, the icon decides. "Product\nCache", "Cache (TTL 60s)",
    "KeyDB\n(cache)" and "10.0.1.20\nRedis 7" are caches [issue 13]."""
    if _CACHE_PRODUCT.search(spaced) or any(_SAYS_CACHE.match(words(note)) for note in BRACKETED.findall(label)):
        return False
    rest = _CACHE_MODIFIER.sub(" ", _NO_CACHE.sub(" ", BRACKETED.sub(" ", label.lower())))
    return "cache" not in words(rest)


_JOINED = re.compile(r"\s\+\s")
# ... at the start of a note only: Portuguese "no" means "in" ("Banco no PostgreSQL", "Dados\nno PostgreSQL").
_NEGATED = re.compile(r"(?<=[(\[,])\s*(?:no|without)\s+[\w-]+", re.IGNORECASE)
_SERVICE_HEAD = re.compile(r"\b(?:service|services|api|apis|server|backend|app)$")
_API_HEAD = re.compile(r"\b(?:api|apis|backend)$")
_EDGE_SERVICE_ROLES = frozenset({"cdn", "dns", "load_balancer", "edge_security", "network"})
_SCRIPT_FILE = re.compile(r"[\w./-]+\.(?:sh|bash|py|ps1|bat|rb|pl)")
# "Results DB for scrapers": what comes after "for" or "of" is not the head noun.
_OBJECT_TAIL = re.compile(r" (?:for|of|from|by|with|to|used by) .*$")
# Programs named for what they do to data. Not "reader" or "writer" (Aurora's reader and writer instances) nor
# "exporter" (a metrics exporter).
_PROGRAM_HEAD = re.compile(r"\b(?:(?:down|up)loaders?|loaders?|processors?|parsers?|extractors?|warmers?|watchers?|"
                           r"consumers?|indexers?|crawlers?|scrapers?|ingest[eo]rs?|importers?|converters?|"
                           r"handlers?|pollers?|fetchers?|workers?)$")
# ... unless the API is a tool's own ("Jenkins API").
_TOOL_BRAND = re.compile(r"\b(?:jenkins|git ?lab|git ?hub|argo|terraform|ansible|sonar ?qube|nexus|artifactory|"
                         r"harbor|spinnaker|circle ?ci|travis|bamboo|team ?city|drone)\b")
# Job words in a label's notes: "MySQL\nbackup cron" is the job, not the database it backs up.
_JOB_NOTES = re.compile(r"\b(?:cron|jobs?|backups?|exporters?|metrics|dumps?|snapshots?)\b")
# Generic icons that draw one specific thing; a label naming an operator's concern does not make them tooling.
_SPECIFIC_GENERIC = frozenset({"edge_security", "load_balancer", "network", "database", "client", "dns", "cdn",
                               "api_gateway"})


# A label that names the people or devices requests come from. Only read when the node has no caller drawn into
# it: "user service" or "mobile API" with callers are services [H].
_CLIENT_LABEL = re.compile(
    r"\b(?:clients?|browsers?|web ?browser|users?|end ?users?|customers?|visitors?|mobile|android|ios|iphone|"
    r"usuari[oa]s?|utilisateurs?|benutzer|nutzer|clientes?|navegador(?:es)?|navigateurs?|"  # es, pt, fr, de
    r"smartphones?|phones?|iphones?|ipads?|laptops?|desktops?|consumers?|players?|riders?|drivers?|shoppers?|buyers?|"
    r"web ?app|mobile ?app|front ?end app|spa|single page (?:app|application)|wasm|web ?assembly)\b")


def label_client(label: str) -> bool:
    """True when a label names where requests come from (a client, a browser, users, a mobile app)."""
    return bool(_CLIENT_LABEL.search(words(label)))


# Nothing but a client phrase and an index ("Users", "Client", "User A", "client 2", "Web Browser"): the label of
# an audience, whatever icon it is drawn with (`Pod("Clients")`, `Server("User A")`) [H].
_CLIENT_PHRASE = re.compile(
    r"^(?:(?:static|thin|rich|web|mobile|end|app|desktop|internet|external|online|remote|the)\s){0,2}"
    r"(?:clients?|browsers?|users?|customers?|visitors?|consumers?|players?|devices?|people|persons?|mobile ?apps?|"
    r"client ?apps?|(?:android|ios|iphone|ipad) ?apps?|researchers?|students?|patients?|employees?|"
    # "Client_machine", "user VM": the machine someone works at is where requests come from, not a server ("Player
    # host" and "Consumer hosts" run servers).
    r"(?:clients?|users?) (?:machines?|vms?|hosts?|pcs?|computers?|workstations?|laptops?))(?:\s(?:\d+|[a-z]|\.+))?"
    r"(?:\s(?:py|js|ts|sh|cli|script))?$")  # "client.py": the script users run


def client_phrase(label: str) -> bool:
    """True when the whole label names an audience (an optional qualifier and index), not a service for one; a
    note in brackets is its technology ("Client (Nuxt.js)", "Users (browser)")."""
    if _CLIENT_PHRASE.match(words(label)):
        return True
    notes = BRACKETED.findall(_NEGATED.sub(" ", label or ""))
    # "Client (Nuxt.js)", "Users (browser)"; not "Users (MongoDB)" or "Client (API gateway)".
    return bool(notes) and not any(label_role(n.strip("()[]")) in _SERVER_NOTES or _SERVER_WORDS.search(words(n))
                                   for n in notes) and bool(
        _CLIENT_PHRASE.match(words(BRACKETED.sub(" ", label))))


# A note in brackets ("Client (Nuxt.js)", "app (AWS)"): what a thing runs on or where, not what it is.
BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_SERVER_WORDS = re.compile(r"\b(?:service|services|server|servers|api|backend|db)\b")
_SERVER_NOTES = frozenset({"database", "cache", "queue", "search", "object_storage", "file_storage", "service",
                           "load_balancer", "api_gateway", "identity"})


def iter_node_classes() -> list[tuple[str, str, str]]:
    """Every canonical node class of the installed `diagrams`, as sorted (provider, module, ClassName)."""
    import diagrams

    found: set[tuple[str, str, str]] = set()
    for prov in pkgutil.iter_modules(diagrams.__path__):
        if not prov.ispkg or prov.name in ("c4", "custom") or prov.name.startswith("_"):
            continue
        package = importlib.import_module(f"diagrams.{prov.name}")
        # Provider logo classes (aws.AWS, ...) live in the provider package itself, so only submodules are read.
        for sub in pkgutil.iter_modules(package.__path__):
            if sub.name.startswith("_"):
                continue
            module = importlib.import_module(f"diagrams.{prov.name}.{sub.name}")
            for attr, obj in vars(module).items():
                if (inspect.isclass(obj) and issubclass(obj, diagrams.Node) and obj.__module__ == module.__name__
                        and getattr(obj, "_icon", None) and getattr(obj, "_type", None) and attr == obj.__name__):
                    found.add((prov.name, sub.name, attr))
    return sorted(found)


def coverage(classes: list[tuple[str, str, str]] | None = None) -> dict[str, Any]:
    """Role statistics over node classes (default: all installed), as in spec §2.3."""
    classes = iter_node_classes() if classes is None else classes
    roles: Counter[str] = Counter()
    providers: dict[str, dict[str, int]] = {}
    categories: Counter[str] = Counter()
    unknown_modules: Counter[str] = Counter()
    unknown: list[str] = []
    for provider, module, cls in classes:
        role = class_role(provider, module, cls)
        roles[role] += 1
        categories[module] += 1
        stats = providers.setdefault(provider, {"total": 0, "unknown": 0})
        stats["total"] += 1
        if role == "unknown":
            stats["unknown"] += 1
            unknown_modules[f"{provider}.{module}"] += 1
            unknown.append(f"{provider}.{module}.{cls}")
    total = len(classes)
    return {
        "total": total,
        "unknown": roles["unknown"],
        "known_fraction": round((total - roles["unknown"]) / total, 4) if total else 0.0,
        "request_path": sum(n for r, n in roles.items() if r in REQUEST_ROLES),
        "auxiliary": sum(n for r, n in roles.items() if r in AUXILIARY_ROLES),
        "roles": dict(sorted(roles.items(), key=lambda kv: (-kv[1], kv[0]))),
        "providers": dict(sorted(providers.items(), key=lambda kv: (-kv[1]["total"], kv[0]))),
        "categories": dict(sorted(categories.items(), key=lambda kv: (-kv[1], kv[0]))),
        "unknown_by_module": dict(sorted(unknown_modules.items(), key=lambda kv: (-kv[1], kv[0]))),
        "unknown_classes": unknown,
    }


def format_roles(all_classes: bool = False, fmt: str = "text") -> str:
    """Output of `workbench roles`: request-path classes by default, every class with `all_classes`."""
    if fmt not in ("text", "json"):
        raise ValueError(f"unknown format {fmt!r} (expected text or json)")
    classes = iter_node_classes()
    stats = coverage(classes)
    rows = [(f"{p}.{m}.{c}", *_classify(p, m, c)) for p, m, c in classes]
    if not all_classes:
        rows = [row for row in rows if row[1] in REQUEST_ROLES]
    summary = {k: stats[k] for k in ("total", "unknown", "known_fraction", "request_path", "auxiliary", "roles")}
    summary["providers"] = stats["providers"]
    if all_classes:
        summary["categories"] = stats["categories"]
        summary["unknown_by_module"] = stats["unknown_by_module"]
    if fmt == "json":
        payload = {"all": all_classes, "classes": [{"class": q, "role": r, "source": s} for q, r, s in rows],
                   "summary": summary}
        return json.dumps(payload, indent=2)
    width = max((len(q) for q, _, _ in rows), default=5)
    role_width = max((len(r) for _, r, _ in rows), default=4)
    lines = [f"{'class':<{width}}  {'role':<{role_width}}  source"]
    lines += [f"{q:<{width}}  {r:<{role_width}}  {s}" for q, r, s in rows]
    lines.append("")
    known = stats["total"] - stats["unknown"]
    lines.append(f"{stats['total']} classes, {known} with a known role ({stats['known_fraction']:.1%}), "
                 f"{stats['unknown']} unknown; {len(rows)} listed")
    lines.append("roles: " + ", ".join(f"{r} {n}" for r, n in stats["roles"].items()))
    lines.append("providers: " + ", ".join(f"{p} {v['total']} ({v['unknown']} unknown)"
                                           for p, v in stats["providers"].items()))
    if all_classes:
        lines.append("categories: " + ", ".join(f"{c} {n}" for c, n in stats["categories"].items()))
        lines.append("unknown by module: " + ", ".join(f"{m} {n}" for m, n in stats["unknown_by_module"].items()))
    return "\n".join(lines) + "\n"
