#!/bin/bash
# Daily backup of Kalan (README, "Backups"): one tar file of mode 0600 with the database dump and
# the signing key, named by date, in /var/backups/kalan; keeps 30 days. Fails loudly (exit code
# and the journal) rather than silently: the settings come from /etc/kalan/kalan.env, so the data
# folder is the service's own, never a new empty one in the working directory.
set -euo pipefail
set -a; . /etc/kalan/kalan.env; set +a
: "${KALAN_DATA_DIR:?KALAN_DATA_DIR must be an absolute path in /etc/kalan/kalan.env}"
case "$KALAN_DATA_DIR" in /*) ;; *) echo "KALAN_DATA_DIR must be absolute, got $KALAN_DATA_DIR" >&2; exit 2 ;; esac
[ -d "$KALAN_DATA_DIR" ] || { echo "no data folder at $KALAN_DATA_DIR" >&2; exit 2; }
target=/var/backups/kalan
mkdir -p "$target"
file="$target/kalan-$(date +%F-%H%M).tar"
/usr/local/bin/kalan db backup "$file"
find "$target" -name 'kalan-*.tar' -mtime +30 -delete
echo "backup written: $file ($(stat -c %s "$file") bytes)"
