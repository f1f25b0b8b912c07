#!/usr/bin/env bash
# Screenshots of the built dashboard against the mock API, with Debian's headless Chromium.
# Usage: npm run build && bash e2e/screenshots.sh   → e2e/screenshots/*.png (git-ignored)
set -euo pipefail
cd "$(dirname "$0")/.."
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || { echo "no Chromium at $CHROMIUM; skipping screenshots"; exit 0; }
[ -f dist/index.html ] || { echo "build first: npm run build"; exit 1; }
OUT=e2e/screenshots
mkdir -p "$OUT"

shot() { # name url width height
  "$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$(mktemp -d)" \
    --window-size="$3,$4" --virtual-time-budget=6000 --screenshot="$OUT/$1.png" "$2" >/dev/null 2>&1 || true
  echo "$OUT/$1.png"
}

run_server() { # port autologin-user
  MOCK_PORT=$1 MOCK_AUTOLOGIN=$2 node e2e/mock-api.mjs >/dev/null 2>&1 &
  echo $!
}

ANON=$(run_server 8891 "")
ADMIN=$(run_server 8892 admin)
NOROLE=$(run_server 8893 norole)
trap 'kill $ANON $ADMIN $NOROLE 2>/dev/null || true' EXIT
sleep 1

shot login            http://127.0.0.1:8891/login 1280 800
shot login-mobile     http://127.0.0.1:8891/login 375 740
shot register         http://127.0.0.1:8891/register 1280 800
shot dashboard        http://127.0.0.1:8892/index 1280 800
shot users            http://127.0.0.1:8892/permission/user 1280 800
shot users-mobile     http://127.0.0.1:8892/permission/user 375 740
shot roles            http://127.0.0.1:8892/permission/role 1280 800
shot menus            http://127.0.0.1:8892/permission/menu 1280 800
shot labels           http://127.0.0.1:8892/permission/label 1280 800
shot login-log        http://127.0.0.1:8892/log/login 1280 800
shot operation-log    http://127.0.0.1:8892/log/operation 1280 800
shot missing-page     http://127.0.0.1:8892/system/missing 1280 800
shot profile          http://127.0.0.1:8892/profile 1280 800
shot not-found        http://127.0.0.1:8892/nowhere 1280 800
shot no-role          http://127.0.0.1:8893/index 1280 800
