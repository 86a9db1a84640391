"""SSM Parameter Store and Secrets Manager through the real aws CLI and boto3 against `berth server`: versions,
labels, selectors, paging, staging labels, deletion and restore, a restart (kill -9), and no value in the server's log."""
import base64
import unittest

from aws_cli import aws
from berth_server import BerthServer

SECRET_VALUE = "s3cr3t-value-that-must-never-be-logged"


class SecretsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = BerthServer(command="server")
        cls.addClassCleanup(cls.server.close)
        cls.server.start()
        cls.ssm = cls.server.client("ssm")
        cls.sm = cls.server.client("secretsmanager")

    def aws(self, *args, **kwargs):
        return aws(self, self.server.endpoint, *args, **kwargs)

    def test_parameters_with_the_aws_cli(self):
        self.assertEqual(self.aws("ssm", "put-parameter", "--name", "/cli/url", "--value", "url-a", "--type", "String"),
                         {"Version": 1, "Tier": "Standard"})
        self.aws("ssm", "put-parameter", "--name", "/cli/url", "--value", "url-b", "--overwrite")
        self.aws("ssm", "put-parameter", "--name", "/cli/url", "--value", "url-c", expect_error="ParameterAlreadyExists")
        self.aws("ssm", "put-parameter", "--name", "/cli/db/password", "--value", SECRET_VALUE, "--type", "SecureString")

        self.assertEqual(self.aws("ssm", "get-parameter", "--name", "/cli/url")["Parameter"]["Value"], "url-b")
        self.assertEqual(self.aws("ssm", "get-parameter", "--name", "/cli/url:1")["Parameter"]["Value"], "url-a")
        sealed = self.aws("ssm", "get-parameter", "--name", "/cli/db/password")["Parameter"]["Value"]
        self.assertNotIn(SECRET_VALUE, sealed)
        self.assertEqual(self.aws("ssm", "get-parameter", "--name", "/cli/db/password", "--with-decryption")["Parameter"]["Value"], SECRET_VALUE)
        self.aws("ssm", "get-parameter", "--name", "/cli/absent", expect_error="ParameterNotFound")
        self.aws("ssm", "get-parameter", "--name", "/cli/url:5", expect_error="ParameterVersionNotFound")

        self.aws("ssm", "label-parameter-version", "--name", "/cli/url", "--parameter-version", "1", "--labels", "stable")
        self.assertEqual(self.aws("ssm", "get-parameter", "--name", "/cli/url:stable")["Parameter"]["Selector"], ":stable")
        history = self.aws("ssm", "get-parameter-history", "--name", "/cli/url")["Parameters"]
        self.assertEqual([(h["Version"], h["Labels"]) for h in history], [(1, ["stable"]), (2, [])])

        # --page-size makes the CLI fetch one parameter per call and follow NextToken to the end.
        by_path = self.aws("ssm", "get-parameters-by-path", "--path", "/cli", "--recursive", "--page-size", "1")["Parameters"]
        self.assertEqual([p["Name"] for p in by_path], ["/cli/db/password", "/cli/url"])
        one_level = self.aws("ssm", "get-parameters-by-path", "--path", "/cli")["Parameters"]
        self.assertEqual([p["Name"] for p in one_level], ["/cli/url"])
        described = self.aws("ssm", "describe-parameters", "--parameter-filters", "Key=Type,Values=SecureString", "Key=Path,Option=Recursive,Values=/cli")
        self.assertEqual([p["Name"] for p in described["Parameters"]], ["/cli/db/password"])

        self.aws("ssm", "add-tags-to-resource", "--resource-type", "Parameter", "--resource-id", "/cli/url", "--tags", "Key=team,Value=web")
        self.assertEqual(self.aws("ssm", "list-tags-for-resource", "--resource-type", "Parameter", "--resource-id", "/cli/url")["TagList"],
                         [{"Key": "team", "Value": "web"}])
        deleted = self.aws("ssm", "delete-parameters", "--names", "/cli/url", "/cli/nothing")
        self.assertEqual((deleted["DeletedParameters"], deleted["InvalidParameters"]), (["/cli/url"], ["/cli/nothing"]))

    def test_parameters_with_boto3(self):
        for i in range(5):
            self.ssm.put_parameter(Name=f"/boto/p{i}", Value=f"v{i}", Type="StringList" if i == 0 else "String")
        pages = list(self.ssm.get_paginator("get_parameters_by_path").paginate(Path="/boto", PaginationConfig={"PageSize": 2}))
        self.assertEqual(len(pages), 3)
        self.assertEqual([p["Name"] for page in pages for p in page["Parameters"]], [f"/boto/p{i}" for i in range(5)])
        got = self.ssm.get_parameters(Names=["/boto/p0", "/boto/p1:1", "/boto/none"])
        self.assertEqual([p["Value"] for p in got["Parameters"]], ["v0", "v1"])
        self.assertEqual(got["InvalidParameters"], ["/boto/none"])
        self.ssm.put_parameter(Name="/boto/p1", Value="v1b", Overwrite=True)
        labelled = self.ssm.label_parameter_version(Name="/boto/p1", Labels=["live", "9bad"])
        self.assertEqual((labelled["ParameterVersion"], labelled["InvalidLabels"]), (2, ["9bad"]))
        self.assertEqual(self.ssm.get_parameter(Name="/boto/p1:live")["Parameter"]["Value"], "v1b")
        self.assertEqual(self.ssm.unlabel_parameter_version(Name="/boto/p1", ParameterVersion=2, Labels=["live"])["RemovedLabels"], ["live"])
        with self.assertRaises(self.ssm.exceptions.ParameterNotFound):
            self.ssm.get_parameter(Name="/boto/p1:live")
        with self.assertRaises(self.ssm.exceptions.ParameterAlreadyExists):
            self.ssm.put_parameter(Name="/boto/p2", Value="x")
        with self.assertRaises(self.ssm.exceptions.ParameterVersionNotFound):
            self.ssm.get_parameter(Name="/boto/p2:3")
        names = [p["Name"] for page in self.ssm.get_paginator("describe_parameters").paginate(
            ParameterFilters=[{"Key": "Name", "Option": "BeginsWith", "Values": ["/boto/"]}], PaginationConfig={"PageSize": 2}) for p in page["Parameters"]]
        self.assertEqual(names, [f"/boto/p{i}" for i in range(5)])
        self.ssm.delete_parameter(Name="/boto/p4")
        with self.assertRaises(self.ssm.exceptions.ParameterNotFound):
            self.ssm.delete_parameter(Name="/boto/p4")

    def test_secrets_with_the_aws_cli(self):
        created = self.aws("secretsmanager", "create-secret", "--name", "cli/db", "--secret-string", '{"user":"a","password":"one"}',
                           "--tags", "Key=team,Value=red")
        arn = created["ARN"]
        self.assertRegex(arn, r"^arn:aws:secretsmanager:us-east-1:000000000000:secret:cli/db-[A-Za-z0-9]{6}$")
        self.aws("secretsmanager", "create-secret", "--name", "cli/db", "--secret-string", "x", expect_error="ResourceExistsException")
        second = self.aws("secretsmanager", "put-secret-value", "--secret-id", arn, "--secret-string", '{"user":"a","password":"two"}')
        self.assertEqual(second["VersionStages"], ["AWSCURRENT"])
        self.assertIn("two", self.aws("secretsmanager", "get-secret-value", "--secret-id", "cli/db")["SecretString"])
        previous = self.aws("secretsmanager", "get-secret-value", "--secret-id", "cli/db", "--version-stage", "AWSPREVIOUS")
        self.assertIn("one", previous["SecretString"])

        pending = self.aws("secretsmanager", "put-secret-value", "--secret-id", "cli/db", "--secret-string", "three", "--version-stages", "AWSPENDING")
        self.aws("secretsmanager", "update-secret-version-stage", "--secret-id", "cli/db", "--version-stage", "AWSCURRENT",
                 "--move-to-version-id", pending["VersionId"], "--remove-from-version-id", second["VersionId"])
        stages = self.aws("secretsmanager", "describe-secret", "--secret-id", "cli/db")["VersionIdsToStages"]
        self.assertEqual(sorted(stages[pending["VersionId"]]), ["AWSCURRENT", "AWSPENDING"])
        self.assertEqual(stages[second["VersionId"]], ["AWSPREVIOUS"])
        self.assertEqual(len(stages), 2)
        versions = self.aws("secretsmanager", "list-secret-version-ids", "--secret-id", "cli/db", "--include-deprecated")["Versions"]
        self.assertEqual(len(versions), 3)

        self.aws("secretsmanager", "rotate-secret", "--secret-id", "cli/db", expect_error="InvalidRequestException")
        listed = self.aws("secretsmanager", "list-secrets", "--filters", "Key=tag-value,Values=red")["SecretList"]
        self.assertEqual([s["Name"] for s in listed], ["cli/db"])
        deletion = self.aws("secretsmanager", "delete-secret", "--secret-id", "cli/db", "--recovery-window-in-days", "7")
        self.assertIn("DeletionDate", deletion)
        self.aws("secretsmanager", "get-secret-value", "--secret-id", "cli/db", expect_error="InvalidRequestException")
        self.aws("secretsmanager", "restore-secret", "--secret-id", "cli/db")
        self.assertEqual(self.aws("secretsmanager", "get-secret-value", "--secret-id", "cli/db")["SecretString"], "three")

    def test_secrets_with_boto3(self):
        self.sm.create_secret(Name="boto/bin", SecretBinary=b"\x00\x01binary")
        self.assertEqual(self.sm.get_secret_value(SecretId="boto/bin")["SecretBinary"], b"\x00\x01binary")
        for i in range(4):
            self.sm.create_secret(Name=f"boto/s{i}", SecretString=f"value-{i}")
        names = [s["Name"] for page in self.sm.get_paginator("list_secrets").paginate(
            Filters=[{"Key": "name", "Values": ["boto/s"]}], PaginationConfig={"PageSize": 3}) for s in page["SecretList"]]
        self.assertEqual(names, [f"boto/s{i}" for i in range(4)])
        with self.assertRaises(self.sm.exceptions.ResourceNotFoundException):
            self.sm.get_secret_value(SecretId="boto/none")
        with self.assertRaises(self.sm.exceptions.ResourceExistsException):
            self.sm.create_secret(Name="boto/s0", SecretString="again")
        with self.assertRaises(self.sm.exceptions.InvalidParameterException):
            self.sm.delete_secret(SecretId="boto/s0", RecoveryWindowInDays=31)
        self.sm.delete_secret(SecretId="boto/s0", ForceDeleteWithoutRecovery=True)
        with self.assertRaises(self.sm.exceptions.ResourceNotFoundException):
            self.sm.describe_secret(SecretId="boto/s0")
        self.sm.create_secret(Name="boto/s0", SecretString="reborn")
        self.sm.tag_resource(SecretId="boto/s1", Tags=[{"Key": "k", "Value": "v"}])
        self.sm.untag_resource(SecretId="boto/s1", TagKeys=["k"])
        self.assertEqual(self.sm.describe_secret(SecretId="boto/s1").get("Tags", []), [])
        self.sm.update_secret(SecretId="boto/s1", SecretString=SECRET_VALUE, Description="updated")
        self.assertEqual(self.sm.get_secret_value(SecretId="boto/s1")["SecretString"], SECRET_VALUE)

    def test_zz_everything_survives_a_kill_and_no_value_is_logged(self):
        """Named to run last in the class: it restarts the shared server."""
        self.ssm.put_parameter(Name="/kept/secure", Value=SECRET_VALUE, Type="SecureString")
        arn = self.sm.create_secret(Name="kept", SecretString=SECRET_VALUE)["ARN"]
        self.server.kill()
        self.server.start()
        ssm, sm = self.server.client("ssm"), self.server.client("secretsmanager")
        self.assertEqual(ssm.get_parameter(Name="/kept/secure", WithDecryption=True)["Parameter"]["Value"], SECRET_VALUE)
        self.assertEqual(sm.get_secret_value(SecretId=arn)["SecretString"], SECRET_VALUE)
        self.server.log.flush()
        with open(self.server.log.name, "rb") as log:
            text = log.read()
        self.assertNotIn(SECRET_VALUE.encode(), text)
        self.assertNotIn(base64.b64encode(SECRET_VALUE.encode()), text)


if __name__ == "__main__":
    unittest.main()
