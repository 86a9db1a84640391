"""Task sets of a service with the EXTERNAL deployment controller (`berth up`, the aws CLI and boto3): an external
blue/green deployment by hand — blue at 100%, green at 0%, green scaled to 100% and made primary, blue scaled to 0 and
deleted — with real berth/sample-web tasks in bridge mode registered in the target group behind a listener, so the
answers move from blue to green. Then the refusals ECS makes, and DeleteService."""
import re
import time
import unittest

import botocore.exceptions

from berth_server import free_port
from service_lb_test import get
from services_test import ServiceTestBase, web_definition


class TaskSetTest(ServiceTestBase):
    def task_set(self, task_set, service="web"):
        return self.ecs.describe_task_sets(cluster="default", service=service, taskSets=[task_set])["taskSets"][0]

    def steady(self, task_set, running):
        described = self.task_set(task_set)
        return described["runningCount"] == running and described["stabilityStatus"] == "STEADY_STATE"

    def answers(self, port):
        return {get(port)[1].strip() for _ in range(6)}

    def refused(self, call, code, message=None, **kwargs):
        with self.assertRaises(botocore.exceptions.ClientError) as caught:
            call(**kwargs)
        self.assertEqual(caught.exception.response["Error"]["Code"], code)
        if message is not None:
            self.assertEqual(caught.exception.response["Error"]["Message"], message)

    def test_an_external_blue_green_deployment_through_task_sets(self):
        started = time.time()
        elb = self.server.client("elbv2")
        lb = elb.create_load_balancer(Name="ts-lb", Type="application", Subnets=["subnet-local-a"])["LoadBalancers"][0]["LoadBalancerArn"]
        group = elb.create_target_group(Name="web", Protocol="HTTP", Port=80, TargetType="instance", HealthCheckPath="/health",
                                        HealthCheckIntervalSeconds=5, HealthCheckTimeoutSeconds=2, HealthyThresholdCount=2,
                                        UnhealthyThresholdCount=2)["TargetGroups"][0]["TargetGroupArn"]
        elb.modify_target_group_attributes(TargetGroupArn=group, Attributes=[{"Key": "deregistration_delay.timeout_seconds", "Value": "2"}])
        port = free_port()
        elb.create_listener(LoadBalancerArn=lb, Protocol="HTTP", Port=port, DefaultActions=[{"Type": "forward", "TargetGroupArn": group}])
        v1 = self.register(web_definition("web", healthCheck=None, environment=[{"name": "MESSAGE", "value": "blue"}]))["taskDefinitionArn"]
        v2 = self.register(web_definition("web", healthCheck=None, environment=[{"name": "MESSAGE", "value": "green"}]))["taskDefinitionArn"]
        balancers = [{"targetGroupArn": group, "containerName": "web", "containerPort": 80}]

        created = self.aws("ecs", "create-service", "--cluster", "default", "--service-name", "web", "--desired-count", "2",
                           "--deployment-controller", "type=EXTERNAL")["service"]
        self.assertEqual(created["deploymentController"], {"type": "EXTERNAL"})
        self.assertNotIn("taskDefinition", created)
        self.assertEqual((created["taskSets"], created["deployments"]), ([], []))

        blue = self.ecs.create_task_set(cluster="default", service="web", taskDefinition=v1, externalId="blue", launchType="EC2",
                                        loadBalancers=balancers, scale={"value": 100, "unit": "PERCENT"}, clientToken="blue-1",
                                        tags=[{"key": "colour", "value": "blue"}])["taskSet"]
        self.assertRegex(blue["taskSetArn"], r"^arn:aws:ecs:[a-z0-9-]+:\d{12}:task-set/default/web/ecs-svc/\d{19}$")
        self.assertEqual((blue["status"], blue["computedDesiredCount"], blue["stabilityStatus"], blue["launchType"]), ("ACTIVE", 2, "STABILIZING", "EC2"))
        retried = self.ecs.create_task_set(cluster="default", service="web", taskDefinition=v1, loadBalancers=balancers, clientToken="blue-1")["taskSet"]
        self.assertEqual(retried["id"], blue["id"])
        primary = self.ecs.update_service_primary_task_set(cluster="default", service="web", primaryTaskSet=blue["taskSetArn"])["taskSet"]
        self.assertEqual(primary["status"], "PRIMARY")
        self.assertEqual(self.service()["taskDefinition"], v1)
        self.eventually(lambda: self.steady(blue["id"], 2), 90, "blue steady with 2 tasks", interval=0.5)
        self.assertTrue(all("blue" in a for a in self.answers(port)))

        green = self.aws("ecs", "create-task-set", "--cluster", "default", "--service", "web", "--task-definition", v2,
                         "--launch-type", "EC2", "--external-id", "green", "--scale", "value=0,unit=PERCENT",
                         "--load-balancers", f"targetGroupArn={group},containerName=web,containerPort=80")["taskSet"]
        self.assertEqual((green["computedDesiredCount"], green["status"]), (0, "ACTIVE"))
        scaled = self.ecs.update_task_set(cluster="default", service="web", taskSet=green["id"], scale={"value": 100, "unit": "PERCENT"})["taskSet"]
        self.assertEqual(scaled["computedDesiredCount"], 2)
        self.eventually(lambda: self.steady(green["id"], 2), 90, "green steady with 2 tasks", interval=0.5)
        self.assertEqual(self.service()["runningCount"], 4)

        self.ecs.update_service_primary_task_set(cluster="default", service="web", primaryTaskSet=green["id"])
        statuses = {s["externalId"]: s["status"] for s in self.ecs.describe_task_sets(cluster="default", service="web")["taskSets"]}
        self.assertEqual(statuses, {"blue": "ACTIVE", "green": "PRIMARY"})
        self.assertEqual(self.service()["taskDefinition"], v2)
        self.refused(self.ecs.delete_task_set, "InvalidParameterException", cluster="default", service="web", taskSet=blue["id"])
        self.ecs.update_task_set(cluster="default", service="web", taskSet=blue["id"], scale={"value": 0, "unit": "PERCENT"})
        self.eventually(lambda: self.task_set(blue["id"])["runningCount"] == 0 and all("green" in a for a in self.answers(port)),
                        60, "only green answering", interval=0.5)
        deleted = self.aws("ecs", "delete-task-set", "--cluster", "default", "--service", "web", "--task-set", blue["id"])["taskSet"]
        self.assertEqual(deleted["status"], "DRAINING")
        self.eventually(lambda: self.ecs.describe_task_sets(cluster="default", service="web", taskSets=[blue["id"]])["failures"]
                        == [{"arn": blue["id"], "reason": "MISSING"}], 30, "blue gone")

        tasks = self.service_tasks()
        self.assertEqual({(t["startedBy"], t["group"], t["taskDefinitionArn"]) for t in tasks}, {(green["id"], "service:web", v2)})
        self.assertEqual(len(tasks), 2)
        tagged = self.ecs.describe_task_sets(cluster="default", service="web", include=["TAGS"])["taskSets"]
        self.assertEqual([s["id"] for s in tagged], [green["id"]])
        self.assertEqual(self.ecs.describe_task_sets(cluster="default", service="web", taskSets=[blue["taskSetArn"]])["failures"][0]["reason"], "MISSING")
        messages = [e["message"] for e in self.service()["events"]]
        self.assertTrue(any(re.search(r"\(service web\) has started 2 tasks", m) for m in messages), messages)

        # What ECS refuses on an EXTERNAL service, and on a service of the ECS controller.
        self.refused(self.ecs.update_service, "InvalidParameterException", cluster="default", service="web", taskDefinition=v1)
        self.refused(self.ecs.create_service, "InvalidParameterException", cluster="default", serviceName="other", taskDefinition=v1,
                     deploymentController={"type": "EXTERNAL"})
        self.refused(self.ecs.create_task_set, "UnsupportedFeatureException", cluster="default", service="web", taskDefinition=v1,
                     serviceRegistries=[{"registryArn": "arn:aws:servicediscovery:us-east-1:123456789012:service/srv-1"}])
        self.refused(self.ecs.update_task_set, "TaskSetNotFoundException", cluster="default", service="web", taskSet="ecs-svc/1234567890123456789",
                     scale={"value": 50, "unit": "PERCENT"})
        self.ecs.create_service(cluster="default", serviceName="rolling", taskDefinition=v1, desiredCount=0)
        self.refused(self.ecs.create_task_set, "InvalidParameterException",
                     "Amazon ECS only supports task set management on services configured to use external deployment controllers.",
                     cluster="default", service="rolling", taskDefinition=v1)

        self.ecs.delete_service(cluster="default", service="web", force=True)
        self.eventually(lambda: self.service()["status"] == "INACTIVE", 60, "the service INACTIVE once its tasks stopped", interval=0.5)
        self.assertEqual(self.service_tasks(), [])
        print(f"\nexternal blue/green through task sets: {time.time() - started:.0f} s")


if __name__ == "__main__":
    unittest.main()
