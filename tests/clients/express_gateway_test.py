"""Express Gateway services with the aws CLI against `berth up`: one call provisions an ECS service of berth/sample-web on
Berth's Fargate pool, an application load balancer whose listener serves it, a target group health-checked on the
Express health check path, and a scaling target with its target tracking policy; update deploys a new revision while
the endpoint keeps answering; delete removes everything it provisioned."""
import json
import os
import unittest
import urllib.error
import urllib.request

from aws_cli import aws
from berth_server import BerthServer, own_subnet_config, wait_until

EXECUTION_ROLE = "arn:aws:iam::000000000000:role/ecsTaskExecutionRole"
INFRASTRUCTURE_ROLE = "arn:aws:iam::000000000000:role/ecsInfrastructureRoleForExpressServices"


def fetch(url):
    """The body of GET url, or None when nothing answers 200."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode() if response.status == 200 else None
    except (urllib.error.URLError, OSError):
        return None


class ExpressGatewayTest(unittest.TestCase):
    """One `berth up` with a 1-vCPU Fargate pool: an Express service's task and its replacement during an update fit."""

    @classmethod
    def setUpClass(cls):
        cls.subnet, _, config = own_subnet_config("subnet-express")
        cls.server = BerthServer(command="up", args=["--vpc-config", config, "--fargate-vcpu", "1", "--fargate-memory", "2048"])
        cls.addClassCleanup(os.unlink, config)
        cls.addClassCleanup(cls.server.remove_awsvpc_leftovers, [cls.subnet])
        cls.addClassCleanup(cls.server.close)
        cls.server.start()
        cls.server.ecs().create_cluster(clusterName="express", capacityProviders=["FARGATE"])

    def aws(self, *args, **kwargs):
        return aws(self, self.server.endpoint, *args, **kwargs)

    def create(self, name, message, *extra, **kwargs):
        container = {"image": "berth/sample-web", "containerPort": 80, "environment": [{"name": "MESSAGE", "value": message}]}
        return self.aws("ecs", "create-express-gateway-service", "--cluster", "express", "--service-name", name,
                        "--execution-role-arn", EXECUTION_ROLE, "--infrastructure-role-arn", INFRASTRUCTURE_ROLE,
                        "--primary-container", json.dumps(container), "--health-check-path", "/health",
                        "--network-configuration", f"subnets={self.subnet},securityGroups=sg-web",
                        "--scaling-target", "minTaskCount=1,maxTaskCount=2,autoScalingMetric=AVERAGE_CPU,autoScalingTargetValue=70",
                        "--tags", "key=team,value=web", *extra, **kwargs)

    def describe(self, arn, *extra):
        return self.aws("ecs", "describe-express-gateway-service", "--service-arn", arn, *extra)["service"]

    def test_an_express_service_serves_through_its_load_balancer_deploys_an_update_and_deletes_what_it_made(self):
        created = self.create("web", "v1")["service"]
        arn = created["serviceArn"]
        self.assertEqual(arn, "arn:aws:ecs:us-east-1:000000000000:service/express/web")
        self.assertEqual(created["status"], {"statusCode": "ACTIVE"})
        self.assertEqual(created["infrastructureRoleArn"], INFRASTRUCTURE_ROLE)
        self.assertEqual(created["tags"], [{"key": "team", "value": "web"}])
        [configuration] = created["activeConfigurations"]
        self.assertEqual(configuration["cpu"], "256")
        self.assertEqual(configuration["memory"], "512")
        self.assertEqual(configuration["healthCheckPath"], "/health")
        self.assertEqual(configuration["scalingTarget"],
                         {"minTaskCount": 1, "maxTaskCount": 2, "autoScalingMetric": "AVERAGE_CPU", "autoScalingTargetValue": 70})
        self.assertRegex(configuration["serviceRevisionArn"], r"^arn:aws:ecs:us-east-1:000000000000:service-revision/express/web/\d+$")
        [ingress] = configuration["ingressPaths"]
        self.assertEqual(ingress["accessType"], "PRIVATE")
        endpoint = ingress["endpoint"]
        self.assertRegex(endpoint, r"^http://127\.0\.0\.1:\d+$")

        # A second create of the same name is refused while the service lives.
        self.create("web", "v1", expect_error="InvalidParameterException")

        body = wait_until(lambda: (b := fetch(endpoint)) and "message: v1" in b and b, 90, interval=0.5)
        self.assertIsNotNone(body, "the endpoint did not serve the container through the load balancer")
        self.assertIn("hello from berth/sample-web", body)

        described = self.describe(arn)
        self.assertNotIn("tags", described)
        self.assertEqual(self.describe(arn, "--include", "TAGS")["tags"], [{"key": "team", "value": "web"}])
        self.assertTrue(described["currentDeployment"].startswith("arn:aws:ecs:us-east-1:000000000000:service-deployment/express/web/"))

        # What it provisioned, seen through Berth's ELBv2, Application Auto Scaling and ECS APIs.
        port = int(endpoint.rsplit(":", 1)[1])
        [listener] = [l for b in self.aws("elbv2", "describe-load-balancers")["LoadBalancers"]
                      for l in self.aws("elbv2", "describe-listeners", "--load-balancer-arn", b["LoadBalancerArn"])["Listeners"]
                      if l["Port"] == port]
        balancer_arn = listener["LoadBalancerArn"]
        [group] = self.aws("elbv2", "describe-target-groups", "--load-balancer-arn", balancer_arn)["TargetGroups"]
        self.assertEqual((group["HealthCheckPath"], group["TargetType"], group["Port"]), ("/health", "ip", 80))
        [target] = self.aws("application-autoscaling", "describe-scalable-targets", "--service-namespace", "ecs")["ScalableTargets"]
        self.assertEqual((target["ResourceId"], target["MinCapacity"], target["MaxCapacity"]), ("service/express/web", 1, 2))
        [policy] = self.aws("application-autoscaling", "describe-scaling-policies", "--service-namespace", "ecs")["ScalingPolicies"]
        tracking = policy["TargetTrackingScalingPolicyConfiguration"]
        self.assertEqual((tracking["TargetValue"], tracking["PredefinedMetricSpecification"]["PredefinedMetricType"]),
                         (70.0, "ECSServiceAverageCPUUtilization"))
        [service] = self.aws("ecs", "describe-services", "--cluster", "express", "--services", "web")["services"]
        self.assertEqual((service["launchType"], service["desiredCount"]), ("FARGATE", 1))
        self.assertTrue(service["taskDefinition"].endswith(":task-definition/web:1"))

        # Update: a new revision is deployed while the endpoint keeps answering.
        container = {"image": "berth/sample-web", "containerPort": 80, "environment": [{"name": "MESSAGE", "value": "v2"}]}
        updated = self.aws("ecs", "update-express-gateway-service", "--service-arn", arn, "--primary-container", json.dumps(container),
                           "--scaling-target", "maxTaskCount=3")["service"]
        self.assertEqual(updated["targetConfiguration"]["primaryContainer"]["environment"], [{"name": "MESSAGE", "value": "v2"}])
        self.assertEqual(updated["targetConfiguration"]["scalingTarget"]["maxTaskCount"], 3)
        self.assertNotEqual(updated["targetConfiguration"]["serviceRevisionArn"], configuration["serviceRevisionArn"])
        answers = []

        def serves_v2():
            answer = fetch(endpoint)
            answers.append(answer is not None)
            return answer and "message: v2" in answer
        self.assertTrue(wait_until(serves_v2, 90, interval=0.5), "the new revision was not served")
        self.assertTrue(all(answers), f"the endpoint stopped answering during the deployment: {answers.count(False)} of {len(answers)} failed")
        [service] = self.aws("ecs", "describe-services", "--cluster", "express", "--services", "web")["services"]
        self.assertTrue(service["taskDefinition"].endswith(":task-definition/web:2"))
        [target] = self.aws("application-autoscaling", "describe-scalable-targets", "--service-namespace", "ecs")["ScalableTargets"]
        self.assertEqual(target["MaxCapacity"], 3)

        # Both revisions name what the Express service provisioned, as those APIs hold it now.
        first, second = configuration["serviceRevisionArn"], updated["targetConfiguration"]["serviceRevisionArn"]
        revisions = self.aws("ecs", "describe-service-revisions", "--service-revision-arns", first, second)["serviceRevisions"]
        self.assertEqual([r["serviceRevisionArn"] for r in revisions], [first, second])
        for revision in revisions:
            managed = revision["ecsManagedResources"]
            [path] = managed["ingressPaths"]
            self.assertEqual((path["accessType"], path["endpoint"]), ("PRIVATE", endpoint))
            self.assertEqual((path["loadBalancer"]["arn"], path["loadBalancer"]["status"], path["loadBalancer"]["scheme"]), (balancer_arn, "ACTIVE", "internal"))
            self.assertEqual(path["loadBalancer"]["subnetIds"], [self.subnet])
            self.assertEqual((path["listener"]["arn"], path["listener"]["status"]), (listener["ListenerArn"], "ACTIVE"))
            [managed_group] = path["targetGroups"]
            self.assertEqual((managed_group["arn"], managed_group["status"], managed_group["healthCheckPath"], managed_group["port"]),
                             (group["TargetGroupArn"], "ACTIVE", "/health", 80))
            scalable = managed["autoScaling"]["scalableTarget"]
            self.assertEqual((scalable["arn"], scalable["status"], scalable["minCapacity"], scalable["maxCapacity"]),
                             (target["ScalableTargetARN"], "ACTIVE", 1, 3))
            [managed_policy] = managed["autoScaling"]["applicationAutoScalingPolicies"]
            self.assertEqual((managed_policy["arn"], managed_policy["policyType"], managed_policy["targetValue"], managed_policy["metric"]),
                             (policy["PolicyARN"], "TargetTrackingScaling", 70.0, "ECSServiceAverageCPUUtilization"))
            self.assertEqual([(a["arn"], a["status"]) for a in managed["metricAlarms"]], [(a["AlarmARN"], "ACTIVE") for a in policy["Alarms"]])
            # No security group, certificate, listener rule or log group is provisioned, so none is named.
            self.assertNotIn("serviceSecurityGroups", managed)
            self.assertNotIn("logGroups", managed)
            self.assertNotIn("certificate", path)

        # Delete: the service drains, and its load balancer, target group and scaling target are gone at once.
        deleted = self.aws("ecs", "delete-express-gateway-service", "--service-arn", arn)["service"]
        self.assertEqual(deleted["status"], {"statusCode": "DRAINING"})
        self.aws("elbv2", "describe-load-balancers", "--load-balancer-arns", balancer_arn, expect_error="LoadBalancerNotFound")
        self.aws("elbv2", "describe-target-groups", "--target-group-arns", group["TargetGroupArn"], expect_error="TargetGroupNotFound")
        self.assertEqual(self.aws("application-autoscaling", "describe-scalable-targets", "--service-namespace", "ecs")["ScalableTargets"], [])
        self.assertTrue(wait_until(lambda: fetch(endpoint) is None, 10), "the endpoint still answers after the delete")
        self.aws("ecs", "update-express-gateway-service", "--service-arn", arn, "--cpu", "512", expect_error="ServiceNotActiveException")
        self.aws("ecs", "delete-express-gateway-service", "--service-arn", arn, expect_error="ServiceNotActiveException")
        inactive = wait_until(lambda: self.describe(arn)["status"]["statusCode"] == "INACTIVE", 60, interval=1)
        self.assertTrue(inactive, "the Express service did not become INACTIVE once its tasks stopped")

    def test_refusals(self):
        missing = "arn:aws:ecs:us-east-1:000000000000:service/express/none"
        self.aws("ecs", "describe-express-gateway-service", "--service-arn", missing, expect_error="ResourceNotFoundException")
        self.aws("ecs", "update-express-gateway-service", "--service-arn", missing, "--cpu", "512", expect_error="ServiceNotFoundException")
        self.aws("ecs", "delete-express-gateway-service", "--service-arn", missing, expect_error="ServiceNotFoundException")
        self.aws("ecs", "delete-express-gateway-service", "--service-arn", "web", expect_error="InvalidParameterException")
        error = self.create("bad-path", "x", "--health-check-path", "health", expect_error="InvalidParameterException")
        self.assertIn("healthCheckPath must start with a forward slash", error)
        self.aws("ecs", "create-express-gateway-service", "--cluster", "nowhere", "--execution-role-arn", EXECUTION_ROLE,
                 "--infrastructure-role-arn", INFRASTRUCTURE_ROLE, "--primary-container", "image=berth/sample-web",
                 expect_error="ClusterNotFoundException")
        # A refused create provisions nothing: not even the task definition, registered first of all.
        self.assertEqual(self.aws("ecs", "list-task-definitions", "--family-prefix", "bad-path")["taskDefinitionArns"], [])


if __name__ == "__main__":
    unittest.main()
