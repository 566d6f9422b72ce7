# Shared set-up for scripts/run and scripts/test: Graphviz, a virtual environment, the package.
# Sourced, not run. Idempotent: a second run only checks and skips.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

apt_install() {
  # Installs Debian packages when we are root; otherwise says in one sentence what to install.
  local what="$1"; shift
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    die "$what is not installed; install it (Debian/Ubuntu: sudo apt-get install $*) and run this command again."
  fi
  say "installing $what with apt-get ($*)"
  if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -print -quit 2>/dev/null)" ]; then
    apt-get update -qq >/dev/null
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null \
    || { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null; } \
    || die "apt-get could not install $*; install it by hand and run this command again."
}

find_python() {
  local candidate
  for candidate in python3.13 python3.12 python3.11 python3.10 python3; do
    if command -v "$candidate" >/dev/null 2>&1 \
       && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
      command -v "$candidate"; return
    fi
  done
  die "Python 3.10 or newer is needed; install python3 (Debian: sudo apt-get install python3 python3-venv) and run this again."
}

setup_graphviz() {
  command -v dot >/dev/null 2>&1 || apt_install "Graphviz (the \`dot\` program)" graphviz
  command -v dot >/dev/null 2>&1 || die "Graphviz \`dot\` is still not on PATH after installing; check your PATH."
}

setup_venv() {
  # $1: pip extras, e.g. "[test]"
  local extras="${1:-}" py stamp want
  if [ ! -x "$VENV/bin/python" ]; then
    py="$(find_python)"
    say "creating the virtual environment in .venv"
    "$py" -m venv "$VENV" 2>/dev/null || { apt_install "python3-venv" python3-venv; "$py" -m venv "$VENV"; }
  fi
  stamp="$VENV/.workbench-installed"
  # The strict editable mode puts a plain path in a .pth file (build/__editable__.*, a tree of links to
  # workbench/) where the default mode installs an import hook that costs every Python process ~15 ms
  # at start-up. Links only cover the files that existed at install time, so the stamp lists them too.
  want="$( { cat "$ROOT/pyproject.toml"; cd "$ROOT" && find workbench -name __pycache__ -prune -o -type f -print | sort; } \
           | sha256sum | cut -d' ' -f1) $extras"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    say "installing workbench$extras into .venv (first run takes a minute)"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e "$ROOT$extras" \
      --config-settings editable_mode=strict || die "pip could not install the package; see the messages above."
    printf '%s' "$want" > "$stamp"
  fi
  # An editable install leaves the package uncompiled, and with PYTHONDONTWRITEBYTECODE set (as on CI)
  # every run would compile it again (~50 ms per process); compile it as a regular install would, in both
  # places it is imported from (the link tree; the checkout itself when the tests run from it).
  "$VENV/bin/python" -m compileall -q "$ROOT/workbench" "$ROOT"/build/__editable__.*/workbench >/dev/null 2>&1 || true
}
