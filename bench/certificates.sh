#!/usr/bin/env bash
# 1,000 certificates: Kalan (sign + PDF) and TCPDF (PDF only) in the same run; prints both and the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000}
out=$(mktemp -d /tmp/kalan-certs-XXXX); trap 'rm -rf "$out"' EXIT
kalan=$(${BUILD_DIR:-.build/release}/kalan-bench certificates "$N" "$out")
echo "$kalan"
tcpdf=$(php bench/tcpdf-certificate.php "$N" "$out")
echo "$tcpdf"
python3 - "$kalan" "$tcpdf" <<'PY'
import re, sys
k = float(re.search(r"([\d.]+) ms per", sys.argv[1]).group(1)); t = float(re.search(r"([\d.]+) ms per", sys.argv[2]).group(1))
print(f"ratio tcpdf / kalan: {t / k:.1f}x")
PY
