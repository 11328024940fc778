#!/usr/bin/env bash
# Installs the Debian packages the test suite needs (as root), when missing:
# Slurm with accounting (slurm-wlm, slurmdbd, mariadb-server, munge), OpenSSH server and
# python3-optuna / python3-scipy (external-generator tests and fixtures), chromium (the report
# and dashboard tests open pages in real headless Chromium through playwright-core).
set -euo pipefail
need=()
for pkg in slurm-wlm slurmdbd mariadb-server munge openssh-server openssh-client python3-optuna python3-scipy chromium; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "install-test-deps: missing Debian packages: ${need[*]}; run as root or install them (apt-get install ${need[*]})" >&2
  exit 1
fi
echo "install-test-deps: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
