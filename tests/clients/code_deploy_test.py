"""A service with the CODE_DEPLOY deployment controller (`berth up`, the aws CLI and boto3): CreateService runs it as a
PRIMARY task set of real berth/sample-web tasks in bridge mode; UpdateService scales it and refuses, in ECS's words,
what only a CodeDeploy deployment may change (Berth serves no CodeDeploy); its task sets can be described but not
managed, and its task set ARN takes tags; DeleteService stops its tasks."""
import time
import unittest

import botocore.exceptions

from services_test import ServiceTestBase, web_definition

USE_CODE_DEPLOY = "on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment."


class CodeDeployServiceTest(ServiceTestBase):
    def refused(self, call, message, **kwargs):
        with self.assertRaises(botocore.exceptions.ClientError) as caught:
            call(**kwargs)
        self.assertEqual((caught.exception.response["Error"]["Code"], caught.exception.response["Error"]["Message"]),
                         ("InvalidParameterException", message))

    def primary(self):
        return self.service()["taskSets"][0]

    def test_a_code_deploy_service_runs_its_primary_task_set(self):
        started = time.time()
        v1 = self.register(web_definition("web", healthCheck=None))["taskDefinitionArn"]

        created = self.aws("ecs", "create-service", "--cluster", "default", "--service-name", "web", "--task-definition", v1,
                           "--desired-count", "2", "--deployment-controller", "type=CODE_DEPLOY")["service"]
        self.assertEqual((created["deploymentController"], created["taskDefinition"], created["deployments"]), ({"type": "CODE_DEPLOY"}, v1, []))
        task_set = created["taskSets"][0]
        self.assertRegex(task_set["taskSetArn"], r"^arn:aws:ecs:[a-z0-9-]+:\d{12}:task-set/default/web/ecs-svc/\d{19}$")
        self.assertEqual((task_set["status"], task_set["computedDesiredCount"], task_set["taskDefinition"], task_set["scale"]),
                         ("PRIMARY", 2, v1, {"value": 100.0, "unit": "PERCENT"}))
        self.eventually(lambda: self.primary()["stabilityStatus"] == "STEADY_STATE" and self.primary()["runningCount"] == 2,
                        90, "the primary task set steady with 2 tasks", interval=0.5)
        self.assertEqual({(t["startedBy"], t["group"]) for t in self.service_tasks()}, {(task_set["id"], "service:web")})

        scaled = self.ecs.update_service(cluster="default", service="web", desiredCount=3, healthCheckGracePeriodSeconds=10)["service"]
        self.assertEqual(scaled["taskSets"][0]["computedDesiredCount"], 3)
        self.eventually(lambda: len(self.service_tasks()) == 3, 90, "a third task", interval=0.5)
        self.refused(self.ecs.update_service, f"Unable to update task definition {USE_CODE_DEPLOY}", cluster="default", service="web", taskDefinition=v1)
        self.refused(self.ecs.update_service, f"Cannot force a new deployment {USE_CODE_DEPLOY}", cluster="default", service="web", forceNewDeployment=True)

        described = self.aws("ecs", "describe-task-sets", "--cluster", "default", "--service", "web", "--task-sets", task_set["id"])["taskSets"]
        self.assertEqual([s["status"] for s in described], ["PRIMARY"])
        self.aws("ecs", "tag-resource", "--resource-arn", task_set["taskSetArn"], "--tags", "key=colour,value=blue", "key=team,value=web")
        self.ecs.untag_resource(resourceArn=task_set["taskSetArn"], tagKeys=["team"])
        self.assertEqual(self.ecs.list_tags_for_resource(resourceArn=task_set["taskSetArn"])["tags"], [{"key": "colour", "value": "blue"}])
        tagged = self.ecs.describe_task_sets(cluster="default", service="web", include=["TAGS"])["taskSets"][0]
        self.assertEqual(tagged["tags"], [{"key": "colour", "value": "blue"}])
        self.refused(self.ecs.create_task_set,
                     "Amazon ECS only supports task set management on services configured to use external deployment controllers.",
                     cluster="default", service="web", taskDefinition=v1)

        self.ecs.delete_service(cluster="default", service="web", force=True)
        self.eventually(lambda: self.service()["status"] == "INACTIVE", 60, "the service INACTIVE once its tasks stopped", interval=0.5)
        self.assertEqual(self.service_tasks(), [])
        print(f"\nCODE_DEPLOY service: {time.time() - started:.0f} s")


if __name__ == "__main__":
    unittest.main()
