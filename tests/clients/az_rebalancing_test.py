"""Availability Zone rebalancing with real containers: a service placed while its cluster had one zone is rebalanced
once an instance in a second zone joins, and the aws CLI and boto3 see it in DescribeServices and the service events.
"""
import unittest

from aws_cli import ENV
from berth_server import kill_process_group, remove_agent_containers
from services_test import ServiceTestBase, web_definition

SECOND_ZONE = "local-1z"


class AzRebalancingTest(ServiceTestBase):
    def start_agent_in(self, zone):
        namespace = f"{self.server.agent_namespace}-{zone}"
        agent = self.server.start_agent("default", name=f"agent-{zone}", agent_namespace=namespace, env=ENV,
                                        args=("--availability-zone", zone))
        self.addCleanup(remove_agent_containers, namespace)
        self.addCleanup(kill_process_group, agent)
        self.eventually(lambda: len(self.ecs.list_container_instances(cluster="default")["containerInstanceArns"]) == 2, 60,
                        f"the agent in {zone} registering")

    def zones_of_tasks(self):
        return sorted(t["availabilityZone"] for t in self.service_tasks() if t["lastStatus"] == "RUNNING")

    def messages(self):
        return [e["message"] for e in self.service()["events"]]

    def test_a_zone_that_joins_later_gets_its_share_of_the_tasks(self):
        self.register(web_definition("web"))
        created = self.aws("ecs", "create-service", "--cluster", "default", "--service-name", "web", "--task-definition", "web",
                           "--desired-count", "2")["service"]
        self.assertEqual(created["availabilityZoneRebalancing"], "ENABLED")
        self.wait_stable()
        first_zone = self.zones_of_tasks()[0]
        self.assertEqual(self.zones_of_tasks(), [first_zone, first_zone])

        self.start_agent_in(SECOND_ZONE)

        # One task starts in the new zone, then (once it is healthy: minimumHealthyPercent 100) one stops in the first.
        self.eventually(lambda: any(m.startswith("service (web) is AZ balanced") for m in self.messages()), 240,
                        "the rebalancing completing")
        self.assertEqual(self.zones_of_tasks(), sorted([first_zone, SECOND_ZONE]))
        messages = self.messages()
        self.assertIn(f"service (web) is not AZ balanced with 2 tasks in {first_zone} and 0 in {SECOND_ZONE}. AZ Rebalancing in progress.",
                      messages)
        self.assertTrue(any(m.startswith(f"web has started 1 tasks in {SECOND_ZONE} to AZ Rebalance: (task ") for m in messages), messages)
        self.assertTrue(any(m.startswith(f"web has stopped 1 running tasks in {first_zone} due to AZ rebalancing: (task ") for m in messages),
                        messages)
        self.assertIn(f"service (web) is AZ balanced with 1 tasks in {first_zone} and 1 tasks in {SECOND_ZONE}.", messages)
        service = self.aws("ecs", "describe-services", "--cluster", "default", "--services", "web")["services"][0]
        self.assertEqual((service["runningCount"], service["availabilityZoneRebalancing"]), (2, "ENABLED"))

        # Turned off, it stays off and starts no deployment.
        updated = self.ecs.update_service(cluster="default", service="web", availabilityZoneRebalancing="DISABLED")["service"]
        self.assertEqual((updated["availabilityZoneRebalancing"], len(updated["deployments"])), ("DISABLED", 1))


if __name__ == "__main__":
    unittest.main()
