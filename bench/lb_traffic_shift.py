#!/usr/bin/env python3
"""Failed requests through a Berth listener during ROLLING, BLUE_GREEN and CANARY deployments, in the same run.

Usage: python3 bench/lb_traffic_shift.py [--tasks 3] [--seconds 120] [--strategies ROLLING,BLUE_GREEN,CANARY]

One `berth up` on a free port; per strategy, from scratch on that server: an application load balancer with an HTTP
listener (127.0.0.1, free port) whose rule forwards to two `instance` target groups (blue at 100, green at 0; checks
on `/` every 5 s, healthy after 2, deregistration delay 5 s), and a service of `tasks` `berth/sample-web` tasks
(bridge) with that strategy (BLUE_GREEN and CANARY: the second group as alternateTargetGroupArn, the rule as
productionListenerRule, bake time 0; CANARY 10% for 1 minute). Once the first deployment completed and the listener
answers, `wrk -t1 -c8 -d{seconds}s` runs against the listener and, 3 s later, UpdateService moves the service to a
new revision. Prints, per strategy, wrk's requests, non-2xx responses and socket errors, and where the deployment
stood when wrk ended (rolloutState, the rule's weights). wrk: `apt-get install -y wrk`.
"""
import argparse
import os
import shutil
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "clients"))
from berth_server import BerthServer, free_port, wait_for, wait_until  # noqa: E402
from lb_rolling_deployment import WrkLoad  # noqa: E402
from weighted_listener import weighted_listener  # noqa: E402


def answers(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def deploy_under_load(server, strategy, tasks, seconds):
    ecs, elb = server.ecs(), server.client("elbv2")
    name = strategy.lower().replace("_", "-")
    lb = elb.create_load_balancer(Name=f"{name}-lb", Type="application", Subnets=["subnet-local-a"])["LoadBalancers"][0]["LoadBalancerArn"]
    groups = []
    for color in ("blue", "green"):
        arn = elb.create_target_group(Name=f"{name}-{color}", Protocol="HTTP", Port=80, TargetType="instance", HealthCheckPath="/",
                                      HealthCheckIntervalSeconds=5, HealthyThresholdCount=2)["TargetGroups"][0]["TargetGroupArn"]
        elb.modify_target_group_attributes(TargetGroupArn=arn, Attributes=[{"Key": "deregistration_delay.timeout_seconds", "Value": "5"}])
        groups.append(arn)
    blue, green = groups
    port = free_port()
    rule = weighted_listener(elb, lb, port, blue, green)
    balancer = {"targetGroupArn": blue, "containerName": "web", "containerPort": 80}
    configuration = {"strategy": strategy}
    if strategy != "ROLLING":
        balancer["advancedConfiguration"] = {"alternateTargetGroupArn": green, "productionListenerRule": rule}
        configuration["bakeTimeInMinutes"] = 0
    if strategy == "CANARY":
        configuration["canaryConfiguration"] = {"canaryPercent": 10.0, "canaryBakeTimeInMinutes": 1}
    for message in ("v1", "v2"):
        ecs.register_task_definition(family=f"{name}-web", containerDefinitions=[{
            "name": "web", "image": "berth/sample-web", "memory": 32, "portMappings": [{"containerPort": 80}],
            "environment": [{"name": "MESSAGE", "value": message}]}])
    ecs.create_service(cluster="default", serviceName=name, taskDefinition=f"{name}-web:1", desiredCount=tasks,
                       loadBalancers=[balancer], deploymentConfiguration=configuration)

    def service():
        return ecs.describe_services(cluster="default", services=[name])["services"][0]
    wait_for(lambda: (lambda s: len(s["deployments"]) == 1 and s["deployments"][0]["rolloutState"] == "COMPLETED")(service()), 300, 0.5)
    wait_for(lambda: answers(port), 120, 0.5)

    load = WrkLoad(server.data_dir, port, seconds)
    time.sleep(3)
    started = time.time()
    ecs.update_service(cluster="default", service=name, taskDefinition=f"{name}-web:2")
    completed = wait_until(lambda: (lambda s: len(s["deployments"]) == 1 and s["deployments"][0]["rolloutState"] == "COMPLETED"
                                  and s["taskDefinition"].endswith(f"{name}-web:2"))(service()), seconds, 0.5)
    took = time.time() - started if completed else None
    requests, non_2xx, errors, statuses = load.totals()
    weights = {g["TargetGroupArn"]: g["Weight"] for g in elb.describe_rules(RuleArns=[rule])["Rules"][0]["Actions"][0]["ForwardConfig"]["TargetGroups"]}
    ecs.update_service(cluster="default", service=name, desiredCount=0)
    return requests, non_2xx, errors, statuses, took, (weights[blue], weights[green])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--strategies", default="ROLLING,BLUE_GREEN,CANARY")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is required: apt-get install -y wrk")
    print(f"{args.tasks} tasks, wrk -t1 -c8 -d{args.seconds}s, load average {os.getloadavg()[0]:.1f}", flush=True)
    server = BerthServer(command="up")
    try:
        server.start()
        server.wait_for_local_agent(server.ecs())
        for strategy in args.strategies.split(","):
            requests, non_2xx, errors, statuses, took, (blue, green) = deploy_under_load(server, strategy, args.tasks, args.seconds)
            print(f"{strategy}: {requests} requests, {non_2xx} non-2xx, {errors} socket errors | deployment "
                  f"{'completed in %.0f s' % took if took else 'not completed when wrk ended'} | rule weights blue {blue}, green {green} "
                  f"| load average {os.getloadavg()[0]:.1f}", flush=True)
            if non_2xx or errors:
                print(f"  {statuses or 'socket errors only'}; server log: {server.log.name}", flush=True)
    finally:
        server.close()


if __name__ == "__main__":
    main()
