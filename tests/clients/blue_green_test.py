"""A BLUE_GREEN deployment with real containers behind Berth's load balancer (`berth up`, boto3): green starts in the
alternate target group, the production listener rule's forward weights move to it, blue stops, and no request
through the listener fails meanwhile. The tasks run berth/sample-web in bridge mode (instance targets)."""
import time
import unittest

from berth_server import free_port
from service_lb_test import LoadLoop, get
from services_test import ServiceTestBase, web_definition
from weighted_listener import weighted_listener


class BlueGreenTest(ServiceTestBase):
    def group(self, elb, name):
        arn = elb.create_target_group(Name=name, Protocol="HTTP", Port=80, TargetType="instance", HealthCheckPath="/health",
                                      HealthCheckIntervalSeconds=5, HealthCheckTimeoutSeconds=2, HealthyThresholdCount=2,
                                      UnhealthyThresholdCount=2)["TargetGroups"][0]["TargetGroupArn"]
        elb.modify_target_group_attributes(TargetGroupArn=arn, Attributes=[{"Key": "deregistration_delay.timeout_seconds", "Value": "3"}])
        return arn

    def test_a_blue_green_deployment_ends_on_green_without_a_failed_request(self):
        started = time.time()
        elb = self.server.client("elbv2")
        lb = elb.create_load_balancer(Name="bg-lb", Type="application", Subnets=["subnet-local-a"])["LoadBalancers"][0]["LoadBalancerArn"]
        blue, green = self.group(elb, "blue"), self.group(elb, "green")
        port = free_port()
        rule = weighted_listener(elb, lb, port, blue, green)
        v1 = self.register(web_definition("web", healthCheck=None, environment=[{"name": "MESSAGE", "value": "blue"}]))["taskDefinitionArn"]
        v2 = self.register(web_definition("web", healthCheck=None, environment=[{"name": "MESSAGE", "value": "green"}]))["taskDefinitionArn"]
        self.ecs.create_service(
            cluster="default", serviceName="web", taskDefinition=v1, desiredCount=2, healthCheckGracePeriodSeconds=10,
            loadBalancers=[{"targetGroupArn": blue, "containerName": "web", "containerPort": 80,
                            "advancedConfiguration": {"alternateTargetGroupArn": green, "productionListenerRule": rule}}],
            deploymentConfiguration={"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 0})
        self.eventually(lambda: self.completed_on(v1) and "message: blue" in get(port)[1], 120, "blue serving", interval=0.5)

        stages = []

        def succeeded():
            listed = self.ecs.list_service_deployments(cluster="default", service="web")["serviceDeployments"]
            newest = max(listed, key=lambda d: d["createdAt"])["serviceDeploymentArn"]
            deployment = self.ecs.describe_service_deployments(serviceDeploymentArns=[newest])["serviceDeployments"][0]
            if deployment.get("lifecycleStage") and deployment["lifecycleStage"] not in stages:
                stages.append(deployment["lifecycleStage"])
            return deployment["status"] == "SUCCESSFUL" and self.completed_on(v2)

        with LoadLoop(port) as load:
            self.ecs.update_service(cluster="default", service="web", taskDefinition=v2)
            self.eventually(succeeded, 150, "the blue/green deployment succeeded", interval=0.5)

        forward = elb.describe_rules(RuleArns=[rule])["Rules"][0]["Actions"][0]["ForwardConfig"]["TargetGroups"]
        self.assertEqual({g["TargetGroupArn"]: g["Weight"] for g in forward}, {blue: 0, green: 100})
        self.assertTrue(all("message: green" in get(port)[1] for _ in range(4)))
        healthy = elb.describe_target_health(TargetGroupArn=green)["TargetHealthDescriptions"]
        self.assertEqual([h["TargetHealth"]["State"] for h in healthy], ["healthy", "healthy"])
        self.assertIn("SCALE_UP", stages)
        self.assertEqual(stages[-1], "CLEAN_UP", stages)
        self.assertGreater(load.sent, 20)
        self.assertEqual((load.non_2xx, load.errors), (0, 0), load.failures[:5])
        print(f"\nblue/green deployment: stages {stages}, {load.sent} requests, none failed, {time.time() - started:.0f} s")


if __name__ == "__main__":
    unittest.main()
