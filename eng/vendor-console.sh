#!/usr/bin/env bash
# Vendors the web console's one third-party library, uPlot (time-series charts), from npm into
# src/Berth.WebConsole/wwwroot/vendor/uplot/: its ES module build, its stylesheet and its LICENSE. The result is
# committed, so building and running Berth needs neither npm nor the network; run this only to change the version.
set -euo pipefail
version=1.6.32
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
target="$root/src/Berth.WebConsole/wwwroot/vendor/uplot"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "uplot@$version" >/dev/null && tar -xzf "uplot-$version.tgz")
mkdir -p "$target"
cp "$work/package/dist/uPlot.esm.js" "$work/package/dist/uPlot.min.css" "$work/package/LICENSE" "$target/"
echo "uPlot $version vendored into $target"
