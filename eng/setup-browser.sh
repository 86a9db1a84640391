#!/usr/bin/env bash
# Makes sure the browser the web console's tests drive is present: Debian's chromium and its matching chromedriver
# (Selenium's and Playwright's own browser downloads are not reachable here, and a packaged pair always matches).
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
if [ ${#missing[@]} -gt 0 ]; then
  echo "berth: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi
