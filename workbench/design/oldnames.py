"""Icon class names an older `diagrams` release had: resolve them to today's class, with a warning."""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import re
import sys
from collections.abc import Callable

# Published scripts are written against the release of their day: `diagrams` renamed classes
# (oci.network.Internetgateway -> InternetGateway, azure.compute.Kubernetes -> KubernetesServices) and moved
# others between modules. Plain `python design.py` fails on them; the workbench draws the class the old name
# stands for and says what it chose, so an old script can be read before it is fixed.
CLASS_NAME = re.compile(r"[A-Z][A-Za-z0-9_]*")


# What a renamed class gained: `azure.compute.Kubernetes` became `KubernetesServices`.
_GENERIC_SUFFIXES = frozenset({"Service", "Services", "Server", "Servers", "Instance", "Instances", "Cluster",
                               "Clusters"})


def classes(module) -> dict[str, type]:
    return {n: v for n, v in vars(module).items() if isinstance(v, type) and CLASS_NAME.fullmatch(n)}


def renamed(module, name: str) -> type | None:
    """The class of `module` (or of another module of its provider) that an old `name` stands for, else None:
    the same name in another case, the only name that is it plus a generic word (Services, Server, Cluster, ...), or
    the same name in a sibling module."""
    if not CLASS_NAME.fullmatch(name):
        return None
    own = classes(module)
    wanted = name.lower()
    for picks in ([v for n, v in own.items() if n.lower() == wanted],
                  # ... plus a generic word: Kubernetes -> KubernetesServices; never RDSS -> RDSSqlServerInstance,
                  # Serverless -> ServerlessApplicationRepository or Client -> ClientVpn
                  [v for n, v in own.items() if n.lower().startswith(wanted) and n == v.__name__
                   and n[len(name):] in _GENERIC_SUFFIXES]):
        picks = list({id(v): v for v in picks}.values())  # aliases (ELB = ElasticLoadBalancing) are one class
        if len(picks) == 1:
            return picks[0]
        if picks:
            return None  # several candidates: a guess between them would be a coin toss
    # The same name in sibling modules (azure.general.Monitor went to azure.monitor and
    # azure.managementgovernance): the same icon either way, so the first in name order.
    moved = elsewhere(name, module.__name__)
    return getattr(sys.modules[moved[0]], name) if moved else None


def icon_modules(provider: str):
    """The icon modules of one provider (`diagrams.aws`), imported, in name order; ones that fail to import are
    skipped (an icon module that fails is simply no candidate)."""
    import pkgutil

    try:
        package = importlib.import_module(provider)
    except ImportError:
        return
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        try:
            yield importlib.import_module(f"{provider}.{info.name}")
        except Exception:  # noqa: BLE001
            continue


def elsewhere(name: str, module_name: str) -> list[str]:
    """Other modules of the same provider that define the class `name` (diagrams moves classes between them)."""
    parts = module_name.split(".")
    if len(parts) < 3:
        return []
    # vars, not getattr: no fallback answers here
    return [m.__name__ for m in icon_modules(".".join(parts[:2]))
            if m.__name__ != module_name and isinstance(vars(m).get(name), type)]


def typo(module, name: str) -> bool:
    """True when `name` is not a class name or is a slip away from one the module has (`EC3`, `PostgreSQLL`): the
    import error with its suggestion is the better answer than any stand-in. A name that only shares a word with
    one (`Automation` beside `AutomanagedVM`, `ContainerGrey` beside `ContainerWhite`) is a class a newer release
    added."""
    import difflib

    if not CLASS_NAME.fullmatch(name):
        return True
    slip = max(1, len(name) // 5)  # one edit in a short name, two in `PostgreSQLL`
    return any(edit_distance(name.lower(), c.lower(), slip) <= slip
               for c in difflib.get_close_matches(name, classes(module), n=5, cutoff=0.6))


def edit_distance(a: str, b: str, limit: int) -> int:
    """Edit distance with adjacent transpositions (optimal string alignment), cut off above `limit`: how far a
    misspelt analysis key or class name is from the one meant."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], prev2[j - 2] + 1)
        if min(row) > limit:
            return limit + 1
        prev2, prev = prev, row
    return prev[-1]


def stand_in(module, name: str) -> type:
    """A class without an icon for a name no release we know of has here (a newer release's class, e.g.
    `generic.payment.Payment`), derived from the module's own base so that the module still says what it is (a
    client, a database)."""
    from diagrams import Node

    bases = [v for v in vars(module).values() if isinstance(v, type) and issubclass(v, Node)
             and v.__module__ == module.__name__ and v.__name__.startswith("_")]
    parts = module.__name__.split(".")  # diagrams.<provider>.<type>
    return type(name, (bases[0] if len(bases) == 1 else Node,), {
        "_icon": None, "_provider": parts[1], "_type": parts[2], "__module__": module.__name__, "stand_in": True})


def other_provider(name: str) -> type | None:
    """The class of that name (in any case) another provider has, first in name order, else None: `from
    diagrams.onprem.database import DynamoDB` means `aws.database.DynamoDB`, a managed store, not a blank on-prem
    node. Imports every icon module once; only a name no module of its own provider has gets here."""
    import pkgutil

    import diagrams

    wanted = name.lower()
    for provider in sorted(pkgutil.iter_modules(diagrams.__path__), key=lambda i: i.name):
        if not provider.ispkg or provider.name.startswith("_"):
            continue
        for module in icon_modules(f"diagrams.{provider.name}"):
            found = [v for n, v in vars(module).items() if n.lower() == wanted and isinstance(v, type)
                     and CLASS_NAME.fullmatch(n)]
            if found:
                return found[0]
    return None


def add_fallback(module, warn: Callable[[str, type], None]) -> None:
    """Give an icon module a PEP 562 `__getattr__` that answers old class names (and only those)."""
    if "__getattr__" in vars(module):
        return

    def __getattr__(name: str):
        target = renamed(module, name)
        if target is None and not typo(module, name):
            target = other_provider(name) or stand_in(module, name)
        if target is None:
            raise AttributeError(f"module {module.__name__!r} has no attribute {name!r}")
        setattr(module, name, target)  # once: the next use of the old name is a plain attribute
        warn(f"{module.__name__}.{name}", target)
        return target

    module.__getattr__ = __getattr__


class _Finder(importlib.abc.MetaPathFinder):
    """Adds the fallback to each `diagrams.<provider>.<module>` the design imports from here on."""

    def __init__(self, warn: Callable[[str, type], None]) -> None:
        self.warn = warn

    def find_spec(self, fullname, path, target=None):
        if fullname.count(".") < 2 or not fullname.startswith("diagrams."):
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None and fullname.count(".") == 2 and not _near_sibling(fullname):
            # A module a newer release added (`diagrams.generic.payment`): empty, so every class of it is a
            # stand-in (see stand_in), each with its warning.
            return importlib.machinery.ModuleSpec(fullname, _Missing(self.warn))
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        loader, warn = spec.loader, self.warn

        class Loader(importlib.abc.Loader):
            def create_module(self, spec):
                return loader.create_module(spec)

            def exec_module(self, module):
                loader.exec_module(module)
                add_fallback(module, warn)

        spec.loader = Loader()
        return spec


def _near_sibling(fullname: str) -> bool:
    """True when the provider has a module whose name is close to this one (`aws.databse`): a typo, whose import
    error and its suggestion are the better answer than an empty module."""
    import difflib
    import pkgutil

    provider, _, name = fullname.rpartition(".")
    try:
        package = importlib.import_module(provider)
    except ImportError:
        return True  # no such provider: not ours to answer
    names = [i.name for i in pkgutil.iter_modules(package.__path__)]
    return bool(difflib.get_close_matches(name, names, n=1, cutoff=0.75))


class _Missing(importlib.abc.Loader):
    def __init__(self, warn: Callable[[str, type], None]) -> None:
        self.warn = warn

    def create_module(self, spec):
        return None  # the default: an empty module

    def exec_module(self, module):
        add_fallback(module, self.warn)


def install(warn: Callable[[str, type], None]) -> None:
    """`warn(old_name, class)` is called the first time the design uses an old name."""
    for name, module in list(sys.modules.items()):
        if name.startswith("diagrams.") and name.count(".") >= 2 and module is not None:
            add_fallback(module, warn)
    sys.meta_path.insert(0, _Finder(warn))
