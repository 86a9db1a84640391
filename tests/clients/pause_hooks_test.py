"""PAUSE lifecycle hooks on a BLUE_GREEN service with real containers behind Berth's load balancer (`berth up`, boto3
for the set-up, the aws CLI for ContinueServiceDeployment): a deployment paused at POST_SCALE_UP keeps production on
blue while green runs and is healthy, and finishes on green once continued; the next one, paused at
POST_PRODUCTION_TRAFFIC_SHIFT with production on the new revision, is rolled back by action ROLLBACK and traffic
returns to the revision before it. The tasks run berth/sample-web in bridge mode (instance targets)."""
import unittest

from berth_server import free_port
import blue_green_test
from service_lb_test import get
from services_test import ServiceTestBase, web_definition
from weighted_listener import weighted_listener


def pause_at(stage):
    return {"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 0,
            "lifecycleHooks": [{"targetType": "PAUSE", "lifecycleStages": [stage], "timeoutConfiguration": {"timeoutInMinutes": 30, "action": "ROLLBACK"}}]}


class PauseHooksTest(ServiceTestBase):
    group = blue_green_test.BlueGreenTest.group

    def newest_deployment(self):
        listed = self.ecs.list_service_deployments(cluster="default", service="web")["serviceDeployments"]
        newest = max(listed, key=lambda d: d["createdAt"])["serviceDeploymentArn"]
        return self.ecs.describe_service_deployments(serviceDeploymentArns=[newest])["serviceDeployments"][0]

    def paused(self):
        """The newest deployment once it waits at its PAUSE hook."""
        found = []

        def awaiting():
            deployment = self.newest_deployment()
            hooks = deployment.get("lifecycleHookDetails", [])
            found[:] = [deployment] if hooks and hooks[0]["status"] == "AWAITING_ACTION" else []
            return found
        self.eventually(awaiting, 150, "the deployment paused at its hook", interval=0.5)
        return found[0]

    def weights(self, elb, rule):
        forward = elb.describe_rules(RuleArns=[rule])["Rules"][0]["Actions"][0]["ForwardConfig"]["TargetGroups"]
        return {g["TargetGroupArn"]: g["Weight"] for g in forward}

    def serves(self, port, message):
        return all(f"message: {message}" in get(port)[1] for _ in range(4))

    def test_a_paused_deployment_continues_and_the_next_one_rolls_back(self):
        elb = self.server.client("elbv2")
        lb = elb.create_load_balancer(Name="pause-lb", Type="application", Subnets=["subnet-local-a"])["LoadBalancers"][0]["LoadBalancerArn"]
        blue, green = self.group(elb, "blue"), self.group(elb, "green")
        port = free_port()
        rule = weighted_listener(elb, lb, port, blue, green)
        v1, v2, v3 = (self.register(web_definition("web", healthCheck=None, environment=[{"name": "MESSAGE", "value": m}]))["taskDefinitionArn"]
                      for m in ("one", "two", "three"))
        self.ecs.create_service(
            cluster="default", serviceName="web", taskDefinition=v1, desiredCount=2, healthCheckGracePeriodSeconds=10,
            loadBalancers=[{"targetGroupArn": blue, "containerName": "web", "containerPort": 80,
                            "advancedConfiguration": {"alternateTargetGroupArn": green, "productionListenerRule": rule}}],
            deploymentConfiguration={"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 0})
        self.eventually(lambda: self.completed_on(v1) and self.serves(port, "one"), 120, "v1 serving", interval=0.5)

        # Paused after scale-up: green runs and is healthy in its group, production stays on blue.
        self.ecs.update_service(cluster="default", service="web", taskDefinition=v2, deploymentConfiguration=pause_at("POST_SCALE_UP"))
        paused = self.paused()
        hook = paused["lifecycleHookDetails"][0]
        self.assertEqual((paused["status"], paused["lifecycleStage"]), ("IN_PROGRESS", "POST_SCALE_UP"))
        self.assertEqual((hook["targetType"], hook["timeoutAction"]), ("PAUSE", "ROLLBACK"))
        self.eventually(lambda: [h["TargetHealth"]["State"] for h in elb.describe_target_health(TargetGroupArn=green)["TargetHealthDescriptions"]]
                        == ["healthy", "healthy"], 60, "green healthy while paused", interval=0.5)
        self.assertEqual(self.weights(elb, rule), {blue: 100, green: 0})
        self.assertTrue(self.serves(port, "one"))
        self.assertEqual(self.newest_deployment()["status"], "IN_PROGRESS")

        continued = self.aws("ecs", "continue-service-deployment", "--service-deployment-arn", paused["serviceDeploymentArn"],
                             "--hook-id", hook["hookId"], "--action", "CONTINUE")
        self.assertEqual(continued["serviceDeploymentArn"], paused["serviceDeploymentArn"])
        self.eventually(lambda: self.newest_deployment()["status"] == "SUCCESSFUL" and self.completed_on(v2), 150, "v2 deployed", interval=0.5)
        self.assertEqual(self.newest_deployment()["lifecycleHookDetails"][0]["status"], "SUCCEEDED")
        self.assertEqual(self.weights(elb, rule), {blue: 0, green: 100})
        self.assertTrue(self.serves(port, "two"))

        # Paused after the production shift: v3 serves production until the hook is answered ROLLBACK.
        self.ecs.update_service(cluster="default", service="web", taskDefinition=v3, deploymentConfiguration=pause_at("POST_PRODUCTION_TRAFFIC_SHIFT"))
        paused = self.paused()
        self.assertEqual(paused["lifecycleStage"], "POST_PRODUCTION_TRAFFIC_SHIFT")
        self.assertEqual(self.weights(elb, rule), {blue: 100, green: 0})
        self.assertTrue(self.serves(port, "three"))

        self.aws("ecs", "continue-service-deployment", "--service-deployment-arn", paused["serviceDeploymentArn"],
                 "--hook-id", paused["lifecycleHookDetails"][0]["hookId"], "--action", "ROLLBACK")
        self.eventually(lambda: self.newest_deployment()["status"] == "ROLLBACK_SUCCESSFUL", 150, "v3 rolled back", interval=0.5)
        rolled_back = self.newest_deployment()
        self.assertEqual(rolled_back["lifecycleHookDetails"][0]["status"], "FAILED")
        self.assertEqual(self.service()["taskDefinition"], v2)
        self.assertEqual(self.weights(elb, rule), {blue: 0, green: 100})
        self.assertTrue(self.serves(port, "two"))
        self.aws("ecs", "continue-service-deployment", "--service-deployment-arn", paused["serviceDeploymentArn"],
                 "--hook-id", paused["lifecycleHookDetails"][0]["hookId"], expect_error="ClientException")


if __name__ == "__main__":
    unittest.main()
