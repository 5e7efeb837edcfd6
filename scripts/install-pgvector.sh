#!/usr/bin/env bash
# Install the pgvector extension into the local PostgreSQL server.
#
# Debian bookworm ships no pgvector binary package, but Debian trixie's source
# package (pgvector 0.8.x) builds fine against bookworm's PostgreSQL 15. This
# script:
#   1. adds a deb-src-only entry for trixie
#      (/etc/apt/sources.list.d/cogo-trixie-src.list) -- source indexes only,
#      so no trixie binary package can ever be installed or upgraded from it;
#   2. apt-get update;
#   3. installs the build deps (postgresql-server-dev-<major>, build-essential,
#      dpkg-dev) from the normal bookworm archive;
#   4. apt-get source pgvector in a temp dir;
#   5. make && make install with PG_CONFIG=/usr/lib/postgresql/<major>/bin/pg_config.
#
# Idempotent: if vector.control is already in "$(pg_config --sharedir)/extension"
# it says so and exits 0 immediately. Set PGVECTOR_FORCE=1 to rebuild anyway.
#
# Environment (all optional):
#   PG_CONFIG         pg_config of the target server (default: derived from the
#                     running server's version, else from `pg_config --version`)
#   PGHOST / PGPORT   server used to detect the major version (127.0.0.1:5432)
#   PGVECTOR_FORCE=1  rebuild/reinstall even if already installed
#   PGVECTOR_OPTFLAGS compiler opt flags for pgvector (default: empty, i.e. a
#                     portable build instead of upstream's -march=native)
#   PGVECTOR_LOG      where the full command output goes
#                     (default: ${TMPDIR:-/tmp}/cogo-install-pgvector.log)
#
# Must run as root (re-executes itself through sudo if available).
set -euo pipefail

say() { printf '[pgvector] %s\n' "$*"; }
die() { printf '[pgvector] ERROR: %s\n' "$*" >&2; exit 1; }

SRC_LIST=/etc/apt/sources.list.d/cogo-trixie-src.list
SRC_SUITE=trixie

# ---------------------------------------------------------------------------
# Work out which PostgreSQL we are targeting.
# ---------------------------------------------------------------------------
detect_pg_config() {
  if [[ -n "${PG_CONFIG:-}" ]]; then
    [[ -x "$PG_CONFIG" ]] || die "PG_CONFIG=$PG_CONFIG is not an executable"
    printf '%s\n' "$PG_CONFIG"; return
  fi
  local major="" num
  # 1) the running server (what CREATE EXTENSION will actually talk to)
  if command -v psql >/dev/null 2>&1; then
    num=$(PGCONNECT_TIMEOUT=3 psql -X -Atq -h "${PGHOST:-127.0.0.1}" -p "${PGPORT:-5432}" \
            -U "${PGUSER:-postgres}" -d postgres -c 'SHOW server_version_num' 2>/dev/null || true)
    [[ "$num" =~ ^[0-9]+$ ]] && major=$((num / 10000))
  fi
  # 2) whatever pg_config is on PATH (postgresql-common's wrapper picks the newest)
  if [[ -z "$major" ]] && command -v pg_config >/dev/null 2>&1; then
    major=$(pg_config --version 2>/dev/null | sed -nE 's/^PostgreSQL ([0-9]+).*/\1/p')
  fi
  # 3) the newest installed server under /usr/lib/postgresql
  if [[ -z "$major" ]]; then
    major=$(ls /usr/lib/postgresql 2>/dev/null | grep -E '^[0-9]+$' | sort -n | tail -n1 || true)
  fi
  [[ -n "$major" ]] || die "cannot determine the PostgreSQL major version (is PostgreSQL installed?). Set PG_CONFIG=/usr/lib/postgresql/<major>/bin/pg_config."
  printf '/usr/lib/postgresql/%s/bin/pg_config\n' "$major"
}

PG_CONFIG=$(detect_pg_config)
PG_MAJOR=$(sed -nE 's#^/usr/lib/postgresql/([0-9]+)/bin/pg_config$#\1#p' <<<"$PG_CONFIG")
if [[ -z "$PG_MAJOR" && -x "$PG_CONFIG" ]]; then
  PG_MAJOR=$("$PG_CONFIG" --version | sed -nE 's/^PostgreSQL ([0-9]+).*/\1/p')
fi

# ---------------------------------------------------------------------------
# Fast path: already installed?
# ---------------------------------------------------------------------------
if [[ -x "$PG_CONFIG" ]]; then
  SHAREDIR=$("$PG_CONFIG" --sharedir)
else
  SHAREDIR=/usr/share/postgresql/$PG_MAJOR   # Debian layout
fi
CONTROL="$SHAREDIR/extension/vector.control"
if [[ -f "$CONTROL" && "${PGVECTOR_FORCE:-0}" != 1 ]]; then
  ver=$(sed -nE "s/^default_version *= *'?([^']*)'?.*/\1/p" "$CONTROL")
  say "already installed for PostgreSQL $PG_MAJOR (vector ${ver:-?}, $CONTROL); nothing to do"
  exit 0
fi

# ---------------------------------------------------------------------------
# Slow path. Needs root.
# ---------------------------------------------------------------------------
if [[ $EUID -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    say "not root; re-running via sudo"
    exec sudo -E bash "$0" "$@"
  fi
  die "must run as root (installs packages and writes to $SHAREDIR)"
fi
command -v apt-get >/dev/null 2>&1 || die "apt-get not found: this script only supports Debian"

LOG=${PGVECTOR_LOG:-${TMPDIR:-/tmp}/cogo-install-pgvector.log}
: >"$LOG"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cogo-pgvector.XXXXXX")
STEP="" HINT=""

on_exit() {
  local rc=$?
  if [[ $rc -ne 0 && -n "$STEP" ]]; then
    {
      printf '[pgvector] FAILED at step: %s (exit %s)\n' "$STEP" "$rc"
      if [[ -s "$LOG" ]]; then
        printf '[pgvector] last lines of %s:\n' "$LOG"
        tail -n 15 "$LOG" | sed 's/^/    /'
      fi
      [[ -n "$HINT" ]] && printf '[pgvector] next: %s\n' "$HINT"
    } >&2
  fi
  rm -rf "$WORK"
  exit "$rc"
}
trap on_exit EXIT

step() { STEP=$1; HINT=$2; say "$STEP"; }
run() { { printf '\n$ %s\n' "$*"; } >>"$LOG"; "$@" >>"$LOG" 2>&1; }

export DEBIAN_FRONTEND=noninteractive
APT_OPTS=(-y -q -o DPkg::Lock::Timeout=300 -o Acquire::Retries=3)

# Mirror host used by the existing bookworm sources (deb822 *.sources or
# one-line *.list). Falls back to deb.debian.org.
detect_mirror() {
  local codename f uri=""
  codename=$(. /etc/os-release 2>/dev/null; printf '%s' "${VERSION_CODENAME:-bookworm}")
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f "$f" ]] || continue
    uri=$(awk -v cn="$codename" 'BEGIN{RS=""; FS="\n"}
      {
        types=""; uris=""; suites="";
        for (i=1;i<=NF;i++) {
          if ($i ~ /^[Tt]ypes:/)  { types=$i }
          if ($i ~ /^URIs:/)      { uris=$i }
          if ($i ~ /^[Ss]uites:/) { suites=$i }
        }
        if (types ~ /[: ]deb( |$)/ && (" " suites " ") ~ (" " cn " ")) {
          sub(/^URIs:[ \t]*/, "", uris); split(uris, u, /[ \t]+/); print u[1]; exit
        }
      }' "$f")
    [[ -n "$uri" ]] && break
  done
  if [[ -z "$uri" ]]; then
    uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
      | sed -nE "s#^deb(-src)?[ \t]+(\[[^]]*\][ \t]+)?([a-z+]+://[^ \t]+)[ \t]+${codename}[ \t].*#\3#p" \
      | head -n1)
  fi
  printf '%s\n' "${uri:-http://deb.debian.org/debian}"
}

# 1. deb-src entry ----------------------------------------------------------
step "adding $SRC_SUITE deb-src (source indexes only) to $SRC_LIST…" \
     "check that the Debian mirror is reachable and that $SRC_LIST is writable"
MIRROR=$(detect_mirror)
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
OPTS=""; [[ -f "$KEYRING" ]] && OPTS="[signed-by=$KEYRING] "
WANT="# Added by COGO scripts/install-pgvector.sh: Debian $SRC_SUITE *source* packages only
# (used to build pgvector for the local PostgreSQL). deb-src lines never install binaries.
deb-src ${OPTS}${MIRROR} $SRC_SUITE main"
if [[ ! -f "$SRC_LIST" ]] || [[ "$(cat "$SRC_LIST")" != "$WANT" ]]; then
  printf '%s\n' "$WANT" >"$SRC_LIST"
fi

# 2. apt-get update ---------------------------------------------------------
step "apt-get update…" \
     "check network access to $MIRROR (and any other enabled apt sources), then re-run; see $LOG"
run apt-get "${APT_OPTS[@]}" update

# 3. build dependencies -----------------------------------------------------
# Only packages that are not installed yet are passed to apt-get, so already
# installed ones (dpkg-dev, build-essential) are not upgraded as a side effect.
DEPS=("postgresql-server-dev-$PG_MAJOR" build-essential dpkg-dev)
MISSING=()
for p in "${DEPS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || MISSING+=("$p")
done
step "installing build deps (${MISSING[*]:-all present: ${DEPS[*]}})…" \
     "run: apt-get install --no-install-recommends ${DEPS[*]} and read the error; postgresql-server-dev-$PG_MAJOR must match the installed postgresql-$PG_MAJOR version"
if ((${#MISSING[@]})); then
  NEW=$(apt-get -s install --no-install-recommends "${MISSING[@]}" 2>/dev/null | awk '/^Inst /{print $2}' | tr '\n' ' ' || true)
  printf 'packages apt will install/upgrade: %s\n' "${NEW:-(unknown)}" >>"$LOG"
  run apt-get "${APT_OPTS[@]}" install --no-install-recommends "${MISSING[@]}"
  if [[ -n "$NEW" ]]; then say "  installed: $NEW"; fi
fi
[[ -x "$PG_CONFIG" ]] || { HINT="expected $PG_CONFIG after installing postgresql-server-dev-$PG_MAJOR; set PG_CONFIG explicitly"; false; }
SHAREDIR=$("$PG_CONFIG" --sharedir)
CONTROL="$SHAREDIR/extension/vector.control"

# 4. fetch source -----------------------------------------------------------
step "apt-get source pgvector (from $SRC_SUITE)…" \
     "check that 'apt-cache showsrc pgvector' lists a $SRC_SUITE version (was apt-get update OK?); see $LOG"
# let apt's unprivileged _apt user write the downloads (avoids the "unsandboxed as root" warning)
id _apt >/dev/null 2>&1 && chown _apt "$WORK"
(cd "$WORK" && run apt-get "${APT_OPTS[@]}" source pgvector)
SRCDIR=$(find "$WORK" -mindepth 1 -maxdepth 1 -type d -name 'pgvector-*' | head -n1)
[[ -n "$SRCDIR" && -f "$SRCDIR/Makefile" ]] || { HINT="no unpacked pgvector-*/Makefile in $WORK; see $LOG"; false; }
say "  source: $(basename "$SRCDIR")"

# 5. build ------------------------------------------------------------------
step "building (make PG_CONFIG=$PG_CONFIG)…" \
     "read the compiler errors in $LOG (missing server headers => is postgresql-server-dev-$PG_MAJOR installed? wrong server => set PG_CONFIG)"
run make -C "$SRCDIR" -j"$(nproc 2>/dev/null || echo 2)" PG_CONFIG="$PG_CONFIG" OPTFLAGS="${PGVECTOR_OPTFLAGS:-}"

# 6. install ----------------------------------------------------------------
step "installing (make install)…" \
     "check write permission to $SHAREDIR/extension and $("$PG_CONFIG" --pkglibdir); see $LOG"
run make -C "$SRCDIR" PG_CONFIG="$PG_CONFIG" OPTFLAGS="${PGVECTOR_OPTFLAGS:-}" install
[[ -f "$CONTROL" ]] || { HINT="make install ran but $CONTROL is missing; see $LOG"; false; }

STEP=""
ver=$(sed -nE "s/^default_version *= *'?([^']*)'?.*/\1/p" "$CONTROL")
say "done: vector ${ver:-?} installed for PostgreSQL $PG_MAJOR ($CONTROL)"
say "enable it per database with: CREATE EXTENSION IF NOT EXISTS vector;  (or run scripts/pg-test-db.sh)"
