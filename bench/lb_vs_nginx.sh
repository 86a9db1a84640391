#!/usr/bin/env bash
# Throughput and latency through a Berth ELBv2 listener against nginx, proxying the same two
# berth/sample-web containers in the same run, with the same load generator (bench/Berth.Bench.LoadBalancer).
#   bench/lb_vs_nginx.sh [seconds=10] [connections=32]
# Needs Docker, the sample images (eng/build-sample-images.sh), nginx and the aws CLI. Cleans up after itself:
# only the containers it named, the processes it started.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seconds=${1:-10}
connections=${2:-32}
run=berth-bench-lb-$$
work=$(mktemp -d)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 AWS_PAGER="" AWS_CONFIG_FILE=/dev/null

berth_pid= nginx_pid=
cleanup() {
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
  [ -n "$berth_pid" ] && kill "$berth_pid" 2>/dev/null || true
  docker rm -f "$run-1" "$run-2" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# Both proxies reach the containers at their bridge addresses (ip targets), not through docker-proxy.
ips=()
for i in 1 2; do
  docker run -d --name "$run-$i" berth/sample-web:latest >/dev/null
  ips+=("$(docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$run-$i")")
done

api=$(free_port); listener=$(free_port); nginx_port=$(free_port)
"$root/berth" server --port "$api" --data-dir "$work/berth" >"$work/berth.log" 2>&1 &
berth_pid=$!
until curl -sf "http://127.0.0.1:$api/_berth/health" >/dev/null; do sleep 0.5; done
E="http://127.0.0.1:$api"
lb=$(aws --endpoint-url "$E" elbv2 create-load-balancer --name bench --subnets subnet-local-a --query 'LoadBalancers[0].LoadBalancerArn' --output text)
tg=$(aws --endpoint-url "$E" elbv2 create-target-group --name bench --protocol HTTP --port 80 --target-type ip \
  --health-check-path /health --health-check-interval-seconds 5 --healthy-threshold-count 2 --query 'TargetGroups[0].TargetGroupArn' --output text)
aws --endpoint-url "$E" elbv2 register-targets --target-group-arn "$tg" --targets "Id=${ips[0]},Port=80" "Id=${ips[1]},Port=80"
aws --endpoint-url "$E" elbv2 create-listener --load-balancer-arn "$lb" --protocol HTTP --port "$listener" \
  --default-actions "Type=forward,TargetGroupArn=$tg" >/dev/null
until [ "$(aws --endpoint-url "$E" elbv2 describe-target-health --target-group-arn "$tg" \
  --query 'length(TargetHealthDescriptions[?TargetHealth.State==`healthy`])')" = 2 ]; do sleep 1; done

mkdir -p "$work/nginx/logs"
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes auto;
error_log $work/nginx/logs/error.log warn;
pid $work/nginx/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  upstream backends { server ${ips[0]}:80; server ${ips[1]}:80; keepalive 64; }
  server {
    listen 127.0.0.1:$nginx_port;
    location / { proxy_pass http://backends; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
CONF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' &
nginx_pid=$!
until curl -sf "http://127.0.0.1:$nginx_port/health" >/dev/null; do sleep 0.2; done

dotnet build -c Release "$root/bench/Berth.Bench.LoadBalancer" >/dev/null
bench="dotnet $root/bench/Berth.Bench.LoadBalancer/bin/Release/net10.0/Berth.Bench.LoadBalancer.dll"
echo "backends: sample-web at ${ips[*]}; $seconds s, $connections connections, GET /health"
for round in 1 2; do
  $bench "http://127.0.0.1:$listener/health" "$seconds" "$connections" "berth round $round"
  $bench "http://127.0.0.1:$nginx_port/health" "$seconds" "$connections" "nginx round $round"
done
