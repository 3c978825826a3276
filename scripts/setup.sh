#!/usr/bin/env bash
# Installs what CivicNet needs on this machine, and says plainly what it cannot install.
#   scripts/setup.sh            everything the tests need (system packages + npm packages)
#   scripts/setup.sh --runtime  only what the demo needs (npm packages)
#   scripts/setup.sh --system   only the system packages (CI runs npm ci itself)
# System packages come from apt when running as root on Debian/Ubuntu; otherwise this
# prints the packages to install and stops.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-all}
# package -> a command it provides (poppler-utils: pdftotext, pdftoppm and pdfinfo check the report PDFs in test/reports;
# nginx: test/provisioning runs the reverse-proxy example)
declare -A provides=([influxdb]=influxd [snmp]=snmpwalk [snmpd]=snmpd [snmpsim]=snmpsimd [chromium]=chromium [openssl]=openssl [poppler-utils]=pdftotext [nginx]=nginx)

# openssl makes the simulated UniFi controller's certificate (simulators/unifi/cert.ts): the demo needs it too
if [ "$mode" = "--runtime" ] && ! command -v openssl >/dev/null 2>&1; then
  echo "setup: the demo needs the openssl command (Debian/Ubuntu: sudo apt-get install openssl)" >&2
  exit 1
fi

if [ "$mode" != "--runtime" ]; then
  missing=()
  for pkg in "${!provides[@]}"; do
    command -v "${provides[$pkg]}" >/dev/null 2>&1 || [ -x "/usr/sbin/${provides[$pkg]}" ] || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "setup: installing system packages: ${missing[*]}" >&2
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq >/dev/null
      # snmp-mibs-downloader (recommended by snmp) fetches MIBs from the internet: not wanted
      apt-get install -y -qq "${missing[@]}" snmp-mibs-downloader- >/dev/null
    else
      echo "setup: missing system packages: ${missing[*]}" >&2
      echo "setup: install them (Debian/Ubuntu: sudo apt-get install ${missing[*]}) and run again" >&2
      exit 1
    fi
  fi
fi

[ "$mode" = "--system" ] && exit 0

# npm packages: install when node_modules is missing or older than the lockfile.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages" >&2
  npm ci --no-fund --no-audit >/dev/null
fi
