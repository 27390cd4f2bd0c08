#!/usr/bin/env bash
# Notices on real servers (issue 24): aiosmtpd (STARTTLS, AUTH) as the mail relay and Kannel with
# the fake SMSC of kannel-extras as the SMS gateway, on the loopback; decisions reach people, and a
# fault test stops both servers while decisions are made (Tests/notices/). `make test` runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
KALAN=${KALAN:-.build/debug/kalan}
export PYTHONDONTWRITEBYTECODE=1
python3 -c 'import aiosmtpd, icalendar' 2>/dev/null || { echo "aiosmtpd or icalendar is missing: run make test-deps (it fills .venv)" >&2; exit 1; }
[ -x /usr/sbin/bearerbox ] && [ -x /usr/lib/kannel/test/fakesmsc ] || { echo "Kannel is missing: apt-get install kannel kannel-extras (make test-deps)" >&2; exit 1; }
exec timeout --kill-after=20 300 python3 Tests/notices/notices_test.py --kalan "$KALAN" "$@" </dev/null
