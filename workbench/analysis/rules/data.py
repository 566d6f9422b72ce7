"""DATA rules: clients that talk to stores directly (spec §6.4)."""

from __future__ import annotations

from workbench.analysis.elements import SOURCE_ROLES, AnalysisGraph, Arc
from workbench.analysis.findings import Finding, Rule
from workbench.analysis.redundancy import SELF_HOSTED_PROVIDERS
from workbench.analysis.rules.base import (
    Check,
    Context,
    group_finding,
    names,
    sync_callers,
)

_STORES = frozenset({"database", "cache", "search", "file_storage", "coordination"})
# Built for direct client access (security rules, presigned URLs, SDKs).
_FIREBASE_DIRECT = frozenset({"Firestore", "RealtimeDatabase", "Storage", "Authentication"})

DATA001 = Rule(
    code="DATA001",
    title="Store exposed to clients",
    severity="warning",
    what="A synchronous edge from a client or internet node straight into a database, cache, search engine, "
         "file storage, coordination service or self-hosted queue broker. Exempt because they are built for "
         "direct client access: object storage (presigned URLs), CDNs, identity services, and Firebase "
         "Firestore, Realtime Database, Storage and Authentication.",
    why="There is no validation or authorisation layer in between, and every client holds its own connection, "
        "which runs into the store's connection limits.",
    example='Users("users") >> PostgreSQL("db")',
    fix="Route the client through an API or service tier (`users >> api >> db`).",
)


def check_data001(g: AnalysisGraph, ctx: Context) -> list[Finding]:
    def exposed(a: Arc) -> bool:
        client, store = g.nodes[a.u], g.nodes[a.v]
        if client.role not in SOURCE_ROLES or store.unknown:
            return False
        if store.provider == "firebase" and store.cls in _FIREBASE_DIRECT:
            return False
        return store.role in _STORES or (store.role == "queue" and store.provider in SELF_HOSTED_PROVIDERS)

    found = sync_callers(g, exposed)
    out = []
    for gid, (clients, edges) in found.items():
        group = g.groups[gid]
        who = names(g.label(c) for c in clients)
        out.append(group_finding(
            g, "DATA001", "warning", f"`{who}` talks directly to `{group.name}`",
            f"route `{who}` through an API or service tier in front of `{group.name}`", group,
            extra_nodes=clients, edges=edges))
    return out


CHECKS = (Check(DATA001, check_data001),)
