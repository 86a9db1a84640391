#!/usr/bin/env python3
"""Target tracking's timing with real containers, through `berth up` on a free port.

Usage: python3 bench/autoscaling_timing.py [minute-seconds]   (default 60: AWS's timing; e.g. 5 as the client test)

A service of one busybox task of 128 CPU units burning a core (far above a 50% target, even on a busy machine), with a scalable target of
1 to 3 and an ECSServiceAverageCPUUtilization target tracking policy at 50% put before the task starts. Timed, with
boto3 polling every 0.2 s:
1. load start (the task RUNNING: it burns from its first instant) → the scale-out decision (desired count 3) and → 3
   tasks RUNNING;
2. load stop (UpdateService to a revision that sleeps instead, its deployment COMPLETED) → the scale-in decision
   (desired count 1), with the policy's default cooldowns (300 s, real time), which do not hold it back.
"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "clients"))
from berth_server import BerthServer, wait_for  # noqa: E402

RESOURCE = "service/default/burn"


def wait(check, seconds=3600):
    return wait_for(check, seconds, interval=0.2)


def definition(ecs, command):
    return ecs.register_task_definition(family="burn", cpu="128", memory="64", containerDefinitions=[
        {"name": "burn", "image": "berth/sample-tools", "essential": True, "command": command}])["taskDefinition"]["taskDefinitionArn"]


def main():
    minute = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    server = BerthServer(command="up", args=["--test-minute-seconds", str(minute)])
    try:
        server.start()
        ecs, scaling = server.ecs(), server.client("application-autoscaling")
        server.wait_for_local_agent(ecs)
        burn = definition(ecs, ["sh", "-c", "while :; do :; done"])
        idle = definition(ecs, ["sleep", "86400"])
        ecs.create_service(cluster="default", serviceName="burn", taskDefinition=burn, desiredCount=1)
        scaling.register_scalable_target(ServiceNamespace="ecs", ResourceId=RESOURCE, ScalableDimension="ecs:service:DesiredCount",
                                         MinCapacity=1, MaxCapacity=3)
        scaling.put_scaling_policy(ServiceNamespace="ecs", ResourceId=RESOURCE, ScalableDimension="ecs:service:DesiredCount",
                                   PolicyName="cpu50", PolicyType="TargetTrackingScaling",
                                   TargetTrackingScalingPolicyConfiguration={
                                       "TargetValue": 50.0, "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"}})

        def service():
            return ecs.describe_services(cluster="default", services=["burn"])["services"][0]

        wait(lambda: service()["runningCount"] == 1)
        load_start = time.time()
        wait(lambda: service()["desiredCount"] == 3)
        decided = time.time()
        wait(lambda: service()["runningCount"] == 3)
        running = time.time()

        ecs.update_service(cluster="default", service="burn", taskDefinition=idle)
        wait(lambda: (lambda s: len(s["deployments"]) == 1 and s["deployments"][0]["rolloutState"] == "COMPLETED")(service()))
        load_stop = time.time()
        wait(lambda: service()["desiredCount"] == 1)
        scaled_in = time.time()

        print(f"minute = {minute} s")
        print(f"load start -> scale-out decision: {decided - load_start:.1f} s ({(decided - load_start) / minute:.2f} minutes)")
        print(f"load start -> 3 tasks RUNNING:    {running - load_start:.1f} s")
        print(f"load stop  -> scale-in decision:  {scaled_in - load_stop:.1f} s ({(scaled_in - load_stop) / minute:.2f} minutes)")
    finally:
        server.close()


if __name__ == "__main__":
    main()
