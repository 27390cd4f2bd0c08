#!/usr/bin/env bash
# Generates 100,000 trainees, 5,000 sessions and 1,000,000 enrolments through COPY on a throwaway
# embedded server and prints the time and the rows per second.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-100000}
work=$(mktemp -d /tmp/kalan-syn-XXXX); chmod 755 "$work"; trap 'rm -rf "$work"' EXIT
KALAN_DATA_DIR="$work" ${BUILD_DIR:-.build/release}/kalan db seed --synthetic "$N" --lang en --log-level warning
