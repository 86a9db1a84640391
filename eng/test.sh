#!/usr/bin/env bash
# Runs every test: .NET unit, API and integration tests, then the real aws CLI / boto3 client tests.
# Installs and starts what the tests need when it is missing (aws CLI, boto3, Docker engine, sample
# images, a PostgreSQL server), so it works on a fresh machine and in CI.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

bash eng/setup-clients.sh || exit 1
bash eng/setup-browser.sh || exit 1
bash eng/setup-docker.sh || exit 1
bash eng/build-sample-images.sh || exit 1
# The store tests and the client tests run Berth on PostgreSQL too (they fail, never skip, without it).
BERTH_TEST_POSTGRES=$(bash eng/setup-postgres.sh | tail -n 1) || exit 1
export BERTH_TEST_POSTGRES

passed=0
failed=0
status=0

# The web console's tests (tests/Berth.WebConsole.Tests) and the client tests drive ./berth, which builds the CLI itself
# when sources changed: build it once here, so no test's server spends its start-up wait on a build (over 120 s on a
# loaded 2-core machine).
./berth --help >/dev/null || status=1

dotnet_log=$(mktemp)
# The names of failed tests, repeated at the very end: CI keeps only the tail of this script's output.
failures=$(mktemp)
dotnet test Berth.slnx -c Release --nologo 2>&1 | tee "$dotnet_log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
# vstest prints one line per test project: "Passed!  - Failed: 0, Passed: 55, Skipped: 0, Total: 55, …"
while read -r f p; do
  failed=$((failed + f)); passed=$((passed + p))
done < <(grep -E '^(Passed|Failed)!' "$dotnet_log" | sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+).*/\1 \2/')
# vstest names each failed test on a line of its own: "  Failed Berth.Core.Tests.SomeTests.Name [12 ms]"
grep -E '^ +Failed [A-Za-z_]' "$dotnet_log" | sed -E 's/^ +//' >>"$failures"
rm -f "$dotnet_log"

# House style is checked like a test: dotnet format finds import order, whitespace and analyzer style drift.
if dotnet format Berth.slnx --verify-no-changes --no-restore; then
  passed=$((passed + 1))
else
  echo "dotnet format --verify-no-changes: run 'dotnet format Berth.slnx' and commit the result" >&2
  failed=$((failed + 1)); status=1
  echo "FAIL: dotnet format --verify-no-changes" >>"$failures"
fi

# Client tests run as two streams side by side, each with servers of its own. The second stream's modules spend most
# of their time waiting on the clock (metric minutes, redeployments, scaling alarms, restarts) rather than on the CPU,
# take about half of the whole, and start no awsvpc task: the other stream's awsvpc tests lease addresses on shared
# Docker networks, which two servers must not do at once.
waiting=(metrics_test autoscaling_test secret_injection_test logs_test services_test chaos_test)
others=()
for f in tests/clients/*_test.py; do
  m=$(basename "$f" .py)
  [[ " ${waiting[*]} " == *" $m "* ]] || others+=("$m")
done
waiting_log=$(mktemp)
clients_log=$(mktemp)
(cd tests/clients && python3 -m unittest -v "${waiting[@]}") >"$waiting_log" 2>&1 &
waiting_pid=$!
(cd tests/clients && python3 -m unittest -v "${others[@]}") 2>&1 | tee "$clients_log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
wait "$waiting_pid" || status=1
echo "--- client tests of the second stream (${waiting[*]}), run beside the others:"
cat "$waiting_log"
for log in "$clients_log" "$waiting_log"; do
  ran=$(sed -nE 's/^Ran ([0-9]+) tests?.*/\1/p' "$log" | tail -n 1)
  # unittest's own summary, "FAILED (failures=1, errors=2)": a test that prints mid-line puts its verdict on a line of its own
  bad=$(sed -nE 's/^FAILED \((.*)\)$/\1/p' "$log" | tail -n 1 | grep -oE '(^|, )(failures|errors)=[0-9]+' | awk -F= '{ n += $2 } END { print n + 0 }')
  passed=$((passed + ${ran:-0} - ${bad:-0})); failed=$((failed + ${bad:-0}))
  [ -n "$ran" ] || { echo "a client test stream ran no test: see its output above" >&2; status=1; }
  grep -E '^(FAIL|ERROR): ' "$log" >>"$failures"
done
rm -f "$clients_log" "$waiting_log"

if [ "$passed" -eq 0 ]; then
  echo "no test ran" >&2
  status=1
fi
if [ -s "$failures" ]; then
  echo "failed tests:"
  sed 's/^/  /' "$failures"
fi
rm -f "$failures"
echo "tests: $passed passed, $failed failed"
exit $status
