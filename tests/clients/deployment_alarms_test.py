"""Deployment alarms with real containers: `berth up`, the aws CLI and boto3.

A service runs web:1; web:2 is deployed with deploymentConfiguration.alarms (enable, rollback) naming a CloudWatch
alarm. Once a web:2 task runs, set-alarm-state drives the alarm to ALARM: the deployment fails and rolls back to web:1,
and the service deployment says which alarm triggered it.
"""
import unittest

from services_test import ServiceTestBase, web_definition


class DeploymentAlarmsTest(ServiceTestBase):
    def service_deployment(self, arn):
        return self.ecs.describe_service_deployments(serviceDeploymentArns=[arn])["serviceDeployments"][0]

    def test_an_alarm_in_alarm_rolls_the_deployment_back(self):
        v1 = self.register(web_definition("web"))["taskDefinitionArn"]
        self.aws("ecs", "create-service", "--cluster", "default", "--service-name", "web", "--task-definition", "web:1",
                 "--desired-count", "1")
        self.eventually(lambda: self.completed_on(v1), 60, "web:1 running")
        # A 60 s window: the deployment bakes for a minute after web:2 is steady, so it is still watched below.
        self.aws("cloudwatch", "put-metric-alarm", "--alarm-name", "web-errors", "--namespace", "App", "--metric-name", "Errors",
                 "--statistic", "Sum", "--period", "60", "--evaluation-periods", "1", "--threshold", "1",
                 "--comparison-operator", "GreaterThanOrEqualToThreshold")

        v2 = self.register(web_definition("web", environment=[{"name": "MESSAGE", "value": "v2"}]))["taskDefinitionArn"]
        self.aws("ecs", "update-service", "--cluster", "default", "--service", "web", "--task-definition", "web:2",
                 "--deployment-configuration", "alarms={alarmNames=[web-errors],enable=true,rollback=true}")
        arn = self.aws("ecs", "list-service-deployments", "--cluster", "default", "--service", "web")["serviceDeployments"][0]["serviceDeploymentArn"]
        self.assertEqual(self.service_deployment(arn)["alarms"], {"status": "MONITORING", "alarmNames": ["web-errors"], "triggeredAlarmNames": []})
        self.eventually(lambda: [t for t in self.service_tasks() if t["taskDefinitionArn"] == v2], 60, "a web:2 task running")

        def alarm_failed_it():
            # Set again each time: the alarm's own evaluation (every minute, no data) may put it back meanwhile.
            self.aws("cloudwatch", "set-alarm-state", "--alarm-name", "web-errors", "--state-value", "ALARM",
                     "--state-reason", "5xx after the deployment")
            return self.service_deployment(arn)["status"] != "IN_PROGRESS"
        self.eventually(alarm_failed_it, 30, "the alarm failing the deployment", interval=2)

        done = self.eventually(lambda: [d for d in [self.service_deployment(arn)] if d["status"] == "ROLLBACK_SUCCESSFUL"], 60,
                               "the rollback to web:1")[0]
        self.assertEqual(done["alarms"], {"status": "TRIGGERED", "alarmNames": ["web-errors"], "triggeredAlarmNames": ["web-errors"]})
        self.assertTrue(done["rollback"]["reason"].startswith("ECS deployment alarms: rolling back to deploymentId ecs-svc/"), done)
        listed = self.aws("ecs", "list-service-deployments", "--cluster", "default", "--service", "web")["serviceDeployments"]
        self.assertEqual([d["status"] for d in listed], ["ROLLBACK_SUCCESSFUL", "SUCCESSFUL"])
        self.assertEqual(self.service()["taskDefinition"], v1)
        messages = [e["message"] for e in self.service()["events"]]
        self.assertTrue(any(m.startswith("(service web) (deployment ecs-svc/") and m.endswith("deployment failed: alarm(s) web-errors in ALARM.")
                            for m in messages), messages)


if __name__ == "__main__":
    unittest.main()
