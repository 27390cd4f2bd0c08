#!/usr/bin/env bash
# Proxy test: Debian's nginx, with deploy/nginx/kalan.conf as the README gives it (only the
# names, ports and a throwaway certificate changed), in front of a served Kalan on the loopback.
# Checks that a browser's login through TLS works (the Origin check sees the address the browser
# used), that clients are told apart by the address nginx saw (20 failed logins from 127.0.0.2 do
# not block 127.0.0.3; a forged X-Forwarded-For changes nothing), and that /metrics through the
# proxy is not "local" (the token is needed). `make test` runs it; it stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
KALAN=${KALAN:-.build/debug/kalan}
work=$(mktemp -d /tmp/kalan-proxy-XXXX); chmod 755 "$work"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
kalan_port=$(free_port); tls_port=$(free_port); http_port=$(free_port)
name=kalan.test
origin="https://$name:$tls_port"
fail() { echo "proxy test: $*" >&2; [ -f "$work/kalan.log" ] && tail -20 "$work/kalan.log" >&2; exit 1; }

export KALAN_DATA_DIR="$work/data" KALAN_LOG_LEVEL=warning
"$KALAN" db seed --demo >/dev/null
KALAN_PUBLIC_URL="$origin" KALAN_TRUSTED_PROXIES=127.0.0.1 KALAN_METRICS_TOKEN=proxy-test-token timeout 300 "$KALAN" serve --port "$kalan_port" >"$work/kalan.log" 2>&1 &
pids+=($!)

openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=$name" -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
sed -e "s|server 127.0.0.1:8080;|server 127.0.0.1:$kalan_port;|" \
    -e "s|listen 80;|listen 127.0.0.1:$http_port;|" -e "s|listen 443 ssl http2;|listen 127.0.0.1:$tls_port ssl http2;|" \
    -e "s|kalan.example.ml|$name|g" \
    -e "s|/etc/letsencrypt/live/$name/fullchain.pem|$work/cert.pem|" -e "s|/etc/letsencrypt/live/$name/privkey.pem|$work/key.pem|" \
    deploy/nginx/kalan.conf > "$work/site.conf"
grep -q "$work/cert.pem" "$work/site.conf" || fail "the certificate lines of deploy/nginx/kalan.conf changed; update this test"
cat > "$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 256; }
http {
    access_log $work/nginx-access.log;
    client_body_temp_path $work/body; proxy_temp_path $work/proxy;
    include $work/site.conf;
}
CONF
nginx -t -c "$work/nginx.conf" -p "$work" 2>"$work/nginx-test.log" || { cat "$work/nginx-test.log" >&2; fail "nginx refused the configuration"; }
nginx -c "$work/nginx.conf" -p "$work"

for _ in $(seq 1 300); do
  curl -sf "http://127.0.0.1:$kalan_port/readyz" >/dev/null 2>&1 && break; sleep 0.1
done
curl -sf "http://127.0.0.1:$kalan_port/readyz" >/dev/null || fail "Kalan did not start"
c() { curl -sk --resolve "$name:$tls_port:127.0.0.1" "$@"; }

# A browser's login through the proxy: Origin is the public address, Host what nginx sends.
code=$(c -o /dev/null -w '%{http_code}' -c "$work/jar" -H "Origin: $origin" --data 'username=admin&password=kalan-admin-2026' "$origin/login")
[ "$code" = 303 ] || fail "login through nginx answered $code, expected 303"
c -b "$work/jar" "$origin/" | grep -q "admin" || fail "the session cookie set through nginx does not sign in"
# A form from another site is still refused.
code=$(c -o /dev/null -w '%{http_code}' -H "Origin: https://evil.example" --data 'username=admin&password=kalan-admin-2026' "$origin/login")
[ "$code" = 403 ] || fail "a foreign Origin through nginx answered $code, expected 403"
# The QR codes and credentials name the public address.
c "$origin/issuer" | grep -q "\"$origin/issuer\"" || fail "/issuer does not name $origin"

# Clients told apart: 20 failures from 127.0.0.2 (one with a forged X-Forwarded-For) block it, not 127.0.0.3.
for i in $(seq 1 21); do
  c --interface 127.0.0.2 -o /dev/null -H "Origin: $origin" -H "X-Forwarded-For: 127.0.0.$((10 + i))" \
    --data "username=nobody$i&password=wrong-password-$i" "$origin/login"
done
code=$(c --interface 127.0.0.2 -o /dev/null -w '%{http_code}' -H "Origin: $origin" --data 'username=admin&password=kalan-admin-2026' "$origin/login")
[ "$code" = 429 ] || fail "21 failures from 127.0.0.2 through nginx answered $code, expected 429"
code=$(c --interface 127.0.0.3 -o /dev/null -w '%{http_code}' -H "Origin: $origin" --data 'username=admin&password=kalan-admin-2026' "$origin/login")
[ "$code" = 303 ] || fail "another client (127.0.0.3) through nginx answered $code, expected 303"

# /metrics is never "local" through the proxy: the token, or a 404.
code=$(c -o /dev/null -w '%{http_code}' "$origin/metrics")
[ "$code" = 404 ] || fail "/metrics through nginx without the token answered $code, expected 404"
code=$(c -o /dev/null -w '%{http_code}' -H "Authorization: Bearer proxy-test-token" "$origin/metrics")
[ "$code" = 200 ] || fail "/metrics through nginx with the token answered $code, expected 200"
# Plain HTTP is sent to HTTPS.
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Host: $name" "http://127.0.0.1:$http_port/login")
[ "$code" = 301 ] || fail "plain HTTP answered $code, expected 301"
echo "proxy test: login, Origin check, client addresses, /metrics and the redirect hold through nginx (deploy/nginx/kalan.conf)"
