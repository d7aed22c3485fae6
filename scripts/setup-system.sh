#!/usr/bin/env bash
# Installs and starts what Shopfloor needs on a Debian machine: a Docker engine and the
# locally built base images ("docker"), Chromium and code-server's build prerequisites
# ("browser"). Usage: setup-system.sh [docker] [browser]   (no argument: both)
# Idempotent: every step checks before it acts. Recipes: ../shared/environment.md.
set -euo pipefail
want_docker=1 want_browser=1
if [ $# -gt 0 ]; then
  want_docker=0 want_browser=0
  for a in "$@"; do case $a in docker) want_docker=1;; browser) want_browser=1;; *) echo "unknown part $a"; exit 2;; esac; done
fi

log() { printf '[setup] %s\n' "$*"; }
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

need_pkgs=()
if [ $want_docker = 1 ]; then
  docker info >/dev/null 2>&1 || command -v dockerd >/dev/null 2>&1 || need_pkgs+=(docker.io)
  command -v docker >/dev/null 2>&1 || need_pkgs+=(docker.io)
  command -v debootstrap >/dev/null 2>&1 || need_pkgs+=(debootstrap)
fi
if [ $want_browser = 1 ]; then
  command -v chromium >/dev/null 2>&1 || need_pkgs+=(chromium)
  command -v rg >/dev/null 2>&1 || need_pkgs+=(ripgrep)
  for p in libkrb5-dev libsecret-1-dev libxkbfile-dev libx11-dev pkg-config; do
    dpkg -s "$p" >/dev/null 2>&1 || need_pkgs+=("$p")
  done
fi
if [ ${#need_pkgs[@]} -gt 0 ]; then
  command -v apt-get >/dev/null || { log "missing ${need_pkgs[*]} and no apt-get: install them and re-run"; exit 1; }
  log "apt-get install ${need_pkgs[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
fi

setup_docker() {
# Docker engine: use one that answers (directly, or through sudo when the user is not in the
# docker group); start dockerd only when none does.
DOCKER="docker"
if ! docker info >/dev/null 2>&1 && [ -n "$SUDO" ] && $SUDO docker info >/dev/null 2>&1; then
  DOCKER="$SUDO docker"
  log "using the engine through sudo; add yourself to the docker group to run Shopfloor without it"
fi
if ! $DOCKER info >/dev/null 2>&1; then
  log "starting dockerd"
  $SUDO sh -c 'nohup dockerd >>/var/log/shopfloor-dockerd.log 2>&1 &'
  [ -n "$SUDO" ] && DOCKER="$SUDO docker"
  for _ in $(seq 1 60); do $DOCKER info >/dev/null 2>&1 && break; sleep 0.5; done
  $DOCKER info >/dev/null 2>&1 || { log "dockerd did not start; see /var/log/shopfloor-dockerd.log"; exit 1; }
fi
log "docker engine $($DOCKER version --format '{{.Server.Version}}')"

# Base image: no container registry is reachable here, so build one with debootstrap.
BASE_IMAGE="${SHOPFLOOR_BASE_IMAGE:-shopfloor/debian:bookworm}"
if ! $DOCKER image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
  log "building base image $BASE_IMAGE with debootstrap"
  ROOTFS=$(mktemp -d)
  MIRROR=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  MIRROR=${MIRROR:-http://deb.debian.org/debian}
  $SUDO debootstrap --variant=minbase bookworm "$ROOTFS" "$MIRROR" >/tmp/shopfloor-debootstrap.log 2>&1
  # Copy the host's apt sources so image builds reach the same mirror.
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    $SUDO cp /etc/apt/sources.list.d/debian.sources "$ROOTFS/etc/apt/sources.list.d/debian.sources"
    $SUDO rm -f "$ROOTFS/etc/apt/sources.list"
  fi
  $SUDO tar -C "$ROOTFS" -c . | $DOCKER import - "$BASE_IMAGE" >/dev/null
  $SUDO rm -rf "$ROOTFS"
fi
log "base image $BASE_IMAGE ready"

# Node base image for stations: bookworm + nodejs + git, built FROM the local base.
# It trusts the same certificate authorities as this host (copied in), so a machine whose
# network re-signs TLS (a corporate proxy) still reaches the package registry from a station.
NODE_IMAGE="${SHOPFLOOR_NODE_IMAGE:-shopfloor/node:bookworm}"
HOST_CA=/etc/ssl/certs/ca-certificates.crt
ca_hash=none; [ -f "$HOST_CA" ] && ca_hash=$(sha256sum "$HOST_CA" | cut -c1-16)
have_hash=$($DOCKER image inspect -f '{{ index .Config.Labels "shopfloor.host-ca" }}' "$NODE_IMAGE" 2>/dev/null || true)
if [ "$have_hash" != "$ca_hash" ]; then
  log "building $NODE_IMAGE"
  tmp=$(mktemp -d)
  if [ -f "$HOST_CA" ]; then cp "$HOST_CA" "$tmp/host-ca.crt"; else : >"$tmp/host-ca.crt"; fi
  cat >"$tmp/Dockerfile" <<DOCKERFILE
FROM $BASE_IMAGE
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm git ca-certificates >/dev/null \
 && rm -rf /var/lib/apt/lists/* \
 && useradd -m -u 1000 -s /bin/bash node
COPY host-ca.crt /usr/local/share/ca-certificates/shopfloor-host.crt
RUN update-ca-certificates >/dev/null 2>&1 || true
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
LABEL shopfloor.host-ca=$ca_hash
DOCKERFILE
  $DOCKER build -q -t "$NODE_IMAGE" "$tmp" >/dev/null
  rm -rf "$tmp"
fi
log "station image $NODE_IMAGE ready"
}

setup_browser() {
# code-server's bundled @vscode/ripgrep downloads rg at install; seed its cache with Debian's rg.
d="$(node -p 'require("os").tmpdir()')/vscode-ripgrep-cache-1.15.11"
if [ ! -f "$d/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" ]; then
  mkdir -p "$d/x" && cp "$(command -v rg)" "$d/x/rg"
  tar -C "$d/x" -czf "$d/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" rg
fi
}

[ $want_docker = 1 ] && setup_docker
[ $want_browser = 1 ] && setup_browser
log "system ready"
