"""Service deployments and revisions with real containers: `berth up`, the aws CLI and boto3.

A service deploys web:1, is updated to a web:2 whose health check never passes (so its deployment stays
IN_PROGRESS), and StopServiceDeployment rolls it back to web:1's revision, as the circuit breaker would.
"""
import unittest

from services_test import ServiceTestBase, web_definition


class ServiceDeploymentsTest(ServiceTestBase):
    def deployments(self, *args):
        return self.aws("ecs", "list-service-deployments", "--cluster", "default", "--service", "web", *args)["serviceDeployments"]

    def test_update_lists_describes_and_stop_rolls_back(self):
        v1 = self.register(web_definition("web"))["taskDefinitionArn"]
        self.aws("ecs", "create-service", "--cluster", "default", "--service-name", "web", "--task-definition", "web:1",
                 "--desired-count", "1")
        first = self.eventually(lambda: [d for d in self.deployments() if d["status"] == "SUCCESSFUL"], 60, "the first deployment")[0]

        # web:2 runs but never turns healthy: its deployment keeps the web:1 task and stays IN_PROGRESS.
        self.register(web_definition("web", healthCheck={"command": ["CMD-SHELL", "exit 1"], "interval": 5, "retries": 10,
                                                         "startPeriod": 300}))
        self.aws("ecs", "update-service", "--cluster", "default", "--service", "web", "--task-definition", "web:2")
        listed = self.deployments()
        self.assertEqual([d["status"] for d in listed], ["IN_PROGRESS", "SUCCESSFUL"])
        arn = listed[0]["serviceDeploymentArn"]
        self.assertEqual(self.deployments("--status", "SUCCESSFUL"), [first])

        deployment = self.ecs.describe_service_deployments(serviceDeploymentArns=[arn])["serviceDeployments"][0]
        self.assertEqual([r["arn"] for r in deployment["sourceServiceRevisions"]], [first["targetServiceRevisionArn"]])
        revisions = self.ecs.describe_service_revisions(
            serviceRevisionArns=[first["targetServiceRevisionArn"], deployment["targetServiceRevision"]["arn"]])["serviceRevisions"]
        self.assertEqual([r["taskDefinition"] for r in revisions], [v1, v1[:-1] + "2"])
        self.assertEqual(revisions[0]["containerImages"], [{"containerName": "web", "image": "berth/sample-web:latest"}])

        self.assertEqual(self.ecs.stop_service_deployment(serviceDeploymentArn=arn, stopType="ROLLBACK")["serviceDeploymentArn"], arn)
        done = self.eventually(
            lambda: [d for d in self.ecs.describe_service_deployments(serviceDeploymentArns=[arn])["serviceDeployments"]
                     if d["status"] == "ROLLBACK_SUCCESSFUL"], 60, "the rollback to web:1")[0]
        self.assertEqual(done["rollback"]["serviceRevisionArn"], first["targetServiceRevisionArn"])
        self.eventually(lambda: self.completed_on(v1), 60, "web:1 alone running again")
        self.assertEqual(len(self.deployments()), 2)
        with self.assertRaises(self.ecs.exceptions.ConflictException):
            self.ecs.stop_service_deployment(serviceDeploymentArn=arn)


if __name__ == "__main__":
    unittest.main()
