"""The answer check every client test relies on (response_shapes) finds what it is there to find: no server, only
botocore's models and answers written by hand."""
import unittest

import botocore.session

from response_shapes import answer_problems

JSON = "application/x-amz-json-1.1"


def operation(service, name):
    return botocore.session.get_session().get_service_model(service).operation_model(name)


class ResponseShapesTest(unittest.TestCase):
    def test_an_answer_that_fits_its_shape_has_no_problem(self):
        body = b'{"clusters": [{"clusterArn": "arn:aws:ecs:us-east-1:000000000000:cluster/a", "status": "ACTIVE",' \
               b' "registeredContainerInstancesCount": 2, "tags": []}], "failures": []}'
        self.assertEqual(answer_problems(operation("ecs", "DescribeClusters"), JSON, body), [])

    def test_a_member_the_shape_does_not_name_is_found(self):
        problems = answer_problems(operation("ecs", "DescribeClusters"), JSON, b'{"clusters": [{"clusterArns": "x"}]}')
        self.assertEqual(problems, ["$.clusters[0]: member 'clusterArns' is not in Cluster"])

    def test_a_value_of_another_type_and_an_unknown_enum_value_are_found(self):
        body = b'{"tasks": [{"createdAt": "2026-12-07T10:00:00Z", "cpu": 256, "launchType": "EC3"}]}'
        problems = answer_problems(operation("ecs", "DescribeTasks"), JSON, body)
        self.assertEqual(len(problems), 3, problems)
        self.assertIn("$.tasks[0].createdAt: '2026-12-07T10:00:00Z' where the model has a timestamp (Timestamp)", problems)

    def test_a_query_answer_is_read_as_botocore_reads_it(self):
        body = b"""<DescribeTargetGroupsResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/">
            <DescribeTargetGroupsResult><TargetGroups><member><TargetGroupName>web</TargetGroupName><Port>80</Port>
            <HealthCheckEnabled>true</HealthCheckEnabled></member></TargetGroups></DescribeTargetGroupsResult>
            <ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></DescribeTargetGroupsResponse>"""
        self.assertEqual(answer_problems(operation("elbv2", "DescribeTargetGroups"), "text/xml", body), [])
        wrong = body.replace(b"<Port>80</Port>", b"<Port>eighty</Port>").replace(b"<member><Target", b"<item><Target") \
            .replace(b"</member></TargetGroups>", b"</item></TargetGroups>")
        self.assertEqual(answer_problems(operation("elbv2", "DescribeTargetGroups"), "text/xml", wrong),
                         ["$.TargetGroups: <item> in a list whose items are <member>"])
        wrong = body.replace(b"<Port>80</Port>", b"<Port>eighty</Port>")
        self.assertEqual(answer_problems(operation("elbv2", "DescribeTargetGroups"), "text/xml", wrong),
                         ["$.TargetGroups[0].Port: 'eighty' does not read as integer (Port)"])

    def test_a_query_answer_without_its_result_element_is_found(self):
        body = b"<GetCallerIdentityResponse><ResponseMetadata/></GetCallerIdentityResponse>"
        self.assertEqual(answer_problems(operation("sts", "GetCallerIdentity"), "text/xml", body), ["no <GetCallerIdentityResult> element"])


if __name__ == "__main__":
    unittest.main()
