#!/usr/bin/env bash
# Installs the Debian packages that building and testing necstgen need, when any is missing.
# A no-op (and no root needed) when everything is already present.
set -euo pipefail

build_pkgs=(cmake ninja-build pkg-config gcc clang libpcap-dev libopenblas-dev libjansson-dev libcmocka-dev)
missing=()
for pkg in "${build_pkgs[@]}" "$@"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "install-deps: missing packages (${missing[*]}); run as root: apt-get install ${missing[*]}" >&2
    exit 1
  fi
else
  SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q -o DPkg::Lock::Timeout=600
$SUDO apt-get install -y -q -o DPkg::Lock::Timeout=600 "${missing[@]}"
