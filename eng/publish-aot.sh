#!/usr/bin/env bash
# Builds Berth as one Native AOT executable in .berth/aot/ (no JIT, no IL to map, no .NET runtime needed). An idle
# `berth up` holds 96 MiB with it against 130 MiB for the JIT build (docs/performance.md, "Idle memory"), so ./berth
# runs it whenever no source is newer than it; a publish takes 30-40 minutes on a 2-core machine, so nothing runs this
# on its own: after a source change ./berth runs the JIT build until this script runs again. Measure it with
# `python3 bench/idle_memory.py --berth .berth/aot/berth 1 25`, or run the client tests against it with
# BERTH_EXECUTABLE=$PWD/.berth/aot/berth. The GC settings it needs are embedded (src/Berth.Cli/Berth.Cli.csproj).
#   eng/publish-aot.sh            build .berth/aot/berth (30-40 minutes; needs clang, installed from Debian if missing)
#   eng/publish-aot.sh --check    also fail on any trim/AOT warning (IL2xxx/IL3xxx), for CI
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out="$root/.berth/aot"

# The native link runs clang (ILCompiler's default linker driver); Debian may have it only as clang-NN.
linker=$(command -v clang || compgen -c clang- | grep -E '^clang-[0-9]+$' | sort -t- -k2 -n | tail -n 1 || true)
if [ -z "$linker" ]; then
  echo "berth: installing Debian's clang (the Native AOT link needs it)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq clang >/dev/null
  linker=clang
fi

warnings=()
if [ "${1:-}" = "--check" ]; then
  warnings=(-p:TreatWarningsAsErrors=true -p:TrimmerSingleWarn=false)
else
  # The IL2xxx/IL3xxx warnings are reported, not fatal: ILCompiler groups a package's warnings into one line each
  # (docs/performance.md lists what they are and why they are safe for Berth).
  warnings=(-p:TreatWarningsAsErrors=false)
fi

# Stamped with the time the publish started, so a source saved while it ran makes the binary stale (as ./berth does).
started=$(mktemp)
trap 'rm -f "$started"' EXIT
# The runtime's type data (method tables of every type in the program) stays as it is in the file instead of being
# compressed there and rehydrated into a 51 MiB writable section at start-up, all of it resident whether a type is used
# or not (IlcDehydrate=false); and the executable is not position-independent, so that data needs no relocation at load
# and only the pages a process touches become resident, shared with the page cache. Together: 147 -> 102 MiB idle.
dotnet publish "$root/src/Berth.Cli/Berth.Cli.csproj" -c Release -r linux-x64 -nologo \
  -p:PublishAot=true -p:IlcDehydrate=false -p:PositionIndependentExecutable=false \
  -p:CppCompilerAndLinker="$(basename "$linker")" "${warnings[@]}" -o "$out"
touch -r "$started" "$out/berth"
echo "berth: $out/berth ($(du -m "$out/berth" | cut -f1) MB); ./berth runs it while no source is newer" >&2
