"""A server started with --auth sigv4, driven by the real aws CLI with an ordinary profile and by boto3.

The first start prints the root access key once; the aws CLI uses it from a credentials file (a `berth`
profile), on ECS (AWS JSON), ELBv2 (query), CloudWatch and CloudWatch Logs. boto3 with a forged secret, an
unknown key, a clock 20 minutes behind, or no signature at all gets AWS's refusals; a presigned URL works.
After a restart the same key still works and the secret is not printed again. With --tls-cert/--tls-key the API and
the local agent's traffic are HTTPS.
"""
import datetime
import json
import os
import subprocess
import tempfile
import unittest
import urllib.error
import urllib.request
from unittest import mock

import boto3
import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from berth_server import ROOT, BerthServer

NO_RETRIES = Config(retries={"max_attempts": 1, "mode": "standard"})


class SigV4ServerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = BerthServer(command="server", auth="sigv4")
        cls.server.start()
        cls.home = tempfile.mkdtemp(prefix="berth-auth-profile-")
        key_id, secret = cls.server.root_key
        cls.credentials = os.path.join(cls.home, "credentials")
        with open(cls.credentials, "w") as f:
            f.write(f"[berth]\naws_access_key_id = {key_id}\naws_secret_access_key = {secret}\n")

    @classmethod
    def tearDownClass(cls):
        cls.server.close()
        subprocess.run(["rm", "-rf", cls.home], check=False)

    def aws(self, *args, profile="berth", expect_error=None):
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(AWS_SHARED_CREDENTIALS_FILE=self.credentials, AWS_CONFIG_FILE="/dev/null", AWS_DEFAULT_REGION="us-east-1", AWS_PAGER="")
        profile_args = ["--profile", profile] if profile else ["--no-sign-request"]
        result = subprocess.run(["aws", *profile_args, "--endpoint-url", self.server.endpoint, "--output", "json", *args],
                                capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
        if expect_error:
            self.assertNotEqual(result.returncode, 0, result.stdout)
            self.assertIn(f"({expect_error})", result.stderr)
            return result.stderr
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout

    def boto(self, service, key_id=None, secret=None):
        root_id, root_secret = self.server.root_key
        return boto3.client(service, endpoint_url=self.server.endpoint, region_name="us-east-1", config=NO_RETRIES,
                            aws_access_key_id=key_id or root_id, aws_secret_access_key=secret or root_secret)

    def error_of(self, call):
        with self.assertRaises(ClientError) as raised:
            call()
        error = raised.exception.response
        return error["ResponseMetadata"]["HTTPStatusCode"], error["Error"]["Code"], error["Error"]["Message"]

    def test_the_aws_cli_works_with_a_profile_on_every_protocol(self):
        self.assertIn("auth-cli", self.aws("ecs", "create-cluster", "--cluster-name", "auth-cli"))
        self.assertIn("LoadBalancers", self.aws("elbv2", "describe-load-balancers"))
        self.assertIn("Metrics", self.aws("cloudwatch", "list-metrics"))
        self.assertIn("logGroups", self.aws("logs", "describe-log-groups"))

    def test_a_compressed_put_metric_data_is_accepted(self):
        # botocore gzips PutMetricData bodies of 10 kB and more and signs the compressed bytes.
        data = [{"MetricName": f"m{i}", "Value": float(i), "Dimensions": [{"Name": "padding", "Value": "x" * 100}]} for i in range(100)]
        self.boto("cloudwatch").put_metric_data(Namespace="Berth/AuthTest", MetricData=data)

    def test_an_unsigned_request_is_refused(self):
        self.aws("ecs", "list-clusters", profile=None, expect_error="MissingAuthenticationTokenException")
        self.aws("elbv2", "describe-load-balancers", profile=None, expect_error="MissingAuthenticationToken")

    def test_a_forged_secret_is_refused_in_json_and_query(self):
        forged = "x" * 40
        self.assertEqual(403, self.error_of(lambda: self.boto("ecs", secret=forged).list_clusters())[0])
        self.assertEqual("InvalidSignatureException", self.error_of(lambda: self.boto("ecs", secret=forged).list_clusters())[1])
        self.assertEqual("SignatureDoesNotMatch", self.error_of(lambda: self.boto("elbv2", secret=forged).describe_load_balancers())[1])

    def test_an_unknown_key_is_refused(self):
        self.assertEqual((403, "UnrecognizedClientException", "The security token included in the request is invalid."),
                         self.error_of(lambda: self.boto("ecs", key_id="AKIAIOSFODNN7EXAMPLE").list_clusters()))
        self.assertEqual("InvalidClientTokenId",
                         self.error_of(lambda: self.boto("elbv2", key_id="AKIAIOSFODNN7EXAMPLE").describe_load_balancers())[1])

    def test_a_clock_twenty_minutes_behind_is_refused_as_expired(self):
        behind = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) - datetime.timedelta(minutes=20)
        with mock.patch.object(botocore.auth, "get_current_datetime", return_value=behind):
            status, code, message = self.error_of(lambda: self.boto("ecs").list_clusters())
        self.assertEqual((403, "InvalidSignatureException"), (status, code))
        self.assertTrue(message.startswith("Signature expired"), message)

    def test_a_presigned_url_is_accepted_and_an_unsigned_one_refused(self):
        url = f"{self.server.endpoint}/_berth/events?type=ECS%20Task%20State%20Change"
        with self.assertRaises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url, timeout=10)
        self.assertEqual(403, refused.exception.code)
        key_id, secret = self.server.root_key
        request = AWSRequest(method="GET", url=url)
        botocore.auth.SigV4QueryAuth(Credentials(key_id, secret), "ecs", "us-east-1", expires=60).add_auth(request)
        with urllib.request.urlopen(request.url, timeout=10) as response:
            self.assertEqual(200, response.status)

    def test_sts_names_the_caller_and_its_session_credentials_work(self):
        self.assertIn(":root", self.aws("sts", "get-caller-identity"))
        identity = self.boto("sts").get_caller_identity()
        self.assertEqual(("000000000000", "arn:aws:iam::000000000000:root"), (identity["Account"], identity["Arn"]))
        credentials = self.boto("sts").get_session_token(DurationSeconds=900)["Credentials"]
        self.assertTrue(credentials["AccessKeyId"].startswith("ASIA"))
        session = boto3.client("ecs", endpoint_url=self.server.endpoint, region_name="us-east-1", config=NO_RETRIES,
                               aws_access_key_id=credentials["AccessKeyId"], aws_secret_access_key=credentials["SecretAccessKey"],
                               aws_session_token=credentials["SessionToken"])
        session.list_clusters()

    def test_an_iam_user_can_do_what_its_policy_allows_and_nothing_else(self):
        iam = self.boto("iam")
        iam.create_user(UserName="auth-reader")
        key = iam.create_access_key(UserName="auth-reader")["AccessKey"]
        iam.put_user_policy(UserName="auth-reader", PolicyName="describe-only", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "ecs:Describe*", "Resource": "*"},
                {"Effect": "Deny", "Action": "ecs:*", "Resource": "arn:aws:ecs:*:000000000000:cluster/auth-hidden"},
            ]}))
        self.assertEqual("ecs:Describe*", iam.get_user_policy(UserName="auth-reader", PolicyName="describe-only")["PolicyDocument"]["Statement"][0]["Action"])
        self.boto("ecs").create_cluster(clusterName="auth-visible")
        self.boto("ecs").create_cluster(clusterName="auth-hidden")

        reader = self.boto("ecs", key["AccessKeyId"], key["SecretAccessKey"])
        self.assertEqual("auth-visible", reader.describe_clusters(clusters=["auth-visible"])["clusters"][0]["clusterName"])
        status, code, message = self.error_of(lambda: reader.run_task(cluster="auth-visible", taskDefinition="nothing:1"))
        self.assertEqual((403, "AccessDeniedException"), (status, code))
        self.assertIn("User: arn:aws:iam::000000000000:user/auth-reader is not authorized to perform: ecs:RunTask", message)
        status, code, message = self.error_of(lambda: reader.describe_clusters(clusters=["auth-hidden"]))
        self.assertEqual((403, "AccessDeniedException"), (status, code))
        self.assertIn("with an explicit deny in an identity-based policy", message)
        reader_iam = self.boto("iam", key["AccessKeyId"], key["SecretAccessKey"])
        self.assertEqual((403, "AccessDenied"), self.error_of(reader_iam.list_users)[:2])
        identity = self.boto("sts", key["AccessKeyId"], key["SecretAccessKey"]).get_caller_identity()
        self.assertEqual("arn:aws:iam::000000000000:user/auth-reader", identity["Arn"])

    def test_a_user_in_a_group_has_the_groups_permissions_until_it_is_removed(self):
        iam = self.boto("iam")
        iam.create_user(UserName="auth-member")
        key = iam.create_access_key(UserName="auth-member")["AccessKey"]
        iam.create_group(GroupName="auth-describers", Path="/auth/")
        iam.put_group_policy(GroupName="auth-describers", PolicyName="describe", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ecs:DescribeClusters", "Resource": "*"}]}))
        member = self.boto("ecs", key["AccessKeyId"], key["SecretAccessKey"])
        self.assertEqual((403, "AccessDeniedException"), self.error_of(lambda: member.describe_clusters(clusters=["default"]))[:2])

        iam.add_user_to_group(GroupName="auth-describers", UserName="auth-member")
        self.assertEqual(["auth-member"], [u["UserName"] for u in iam.get_group(GroupName="auth-describers")["Users"]])
        self.assertEqual(["auth-describers"], [g["GroupName"] for g in iam.list_groups_for_user(UserName="auth-member")["Groups"]])
        member.describe_clusters(clusters=["default"])
        self.assertEqual((409, "DeleteConflict"), self.error_of(lambda: iam.delete_group(GroupName="auth-describers"))[:2])

        iam.remove_user_from_group(GroupName="auth-describers", UserName="auth-member")
        self.assertEqual((403, "AccessDeniedException"), self.error_of(lambda: member.describe_clusters(clusters=["default"]))[:2])
        iam.delete_group_policy(GroupName="auth-describers", PolicyName="describe")
        iam.delete_group(GroupName="auth-describers")
        self.assertNotIn("auth-describers", [g["GroupName"] for g in iam.list_groups(PathPrefix="/auth/")["Groups"]])

    def session(self, service, credentials):
        return boto3.client(service, endpoint_url=self.server.endpoint, region_name="us-east-1", config=NO_RETRIES,
                            aws_access_key_id=credentials["AccessKeyId"], aws_secret_access_key=credentials["SecretAccessKey"],
                            aws_session_token=credentials["SessionToken"])

    def user_allowed(self, name, statements):
        """A new IAM user with one inline policy, and its access key."""
        iam = self.boto("iam")
        iam.create_user(UserName=name)
        iam.put_user_policy(UserName=name, PolicyName="policy", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements}))
        return iam.create_access_key(UserName=name)["AccessKey"]

    @staticmethod
    def trust(principal):
        return json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": principal}}]})

    def test_a_user_assumes_a_role_that_trusts_it_and_gets_exactly_the_roles_permissions(self):
        key = self.user_allowed("auth-assumer", [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}])
        role = json.loads(self.aws("iam", "create-role", "--role-name", "auth-reader-role", "--max-session-duration", "7200",
                                   "--assume-role-policy-document", self.trust("arn:aws:iam::000000000000:user/auth-assumer")))["Role"]
        self.assertTrue(role["RoleId"].startswith("AROA"))
        self.aws("iam", "put-role-policy", "--role-name", "auth-reader-role", "--policy-name", "read", "--policy-document", json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["ecs:DescribeClusters", "ecs:ListClusters"], "Resource": "*"}]}))
        self.boto("ecs").create_cluster(clusterName="auth-role-visible")

        before = datetime.datetime.now(datetime.timezone.utc)
        assumed = self.boto("sts", key["AccessKeyId"], key["SecretAccessKey"]).assume_role(
            RoleArn=role["Arn"], RoleSessionName="ci", DurationSeconds=5400)
        self.assertEqual("arn:aws:sts::000000000000:assumed-role/auth-reader-role/ci", assumed["AssumedRoleUser"]["Arn"])
        self.assertEqual(f"{role['RoleId']}:ci", assumed["AssumedRoleUser"]["AssumedRoleId"])
        expires_in = (assumed["Credentials"]["Expiration"] - before).total_seconds()
        self.assertTrue(5400 - 5 <= expires_in <= 5400 + 60, expires_in)

        credentials = assumed["Credentials"]
        identity = self.session("sts", credentials).get_caller_identity()
        self.assertEqual(("arn:aws:sts::000000000000:assumed-role/auth-reader-role/ci", f"{role['RoleId']}:ci"), (identity["Arn"], identity["UserId"]))
        ecs = self.session("ecs", credentials)
        self.assertEqual("auth-role-visible", ecs.describe_clusters(clusters=["auth-role-visible"])["clusters"][0]["clusterName"])
        self.assertIn("arn:aws:ecs:us-east-1:000000000000:cluster/auth-role-visible", ecs.list_clusters()["clusterArns"])
        status, code, message = self.error_of(lambda: ecs.create_cluster(clusterName="auth-role-mine"))
        self.assertEqual((403, "AccessDeniedException"), (status, code))
        self.assertIn("User: arn:aws:sts::000000000000:assumed-role/auth-reader-role/ci is not authorized to perform: ecs:CreateCluster", message)
        # The user's own key has only sts:AssumeRole.
        self.assertEqual((403, "AccessDeniedException"), self.error_of(self.boto("ecs", key["AccessKeyId"], key["SecretAccessKey"]).list_clusters)[:2])

    def test_a_trust_policy_that_does_not_name_the_caller_refuses_it(self):
        key = self.user_allowed("auth-outsider", [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}])
        arn = self.boto("iam").create_role(RoleName="auth-private-role",
                                           AssumeRolePolicyDocument=self.trust("arn:aws:iam::000000000000:user/someone-else"))["Role"]["Arn"]
        sts = self.boto("sts", key["AccessKeyId"], key["SecretAccessKey"])
        status, code, message = self.error_of(lambda: sts.assume_role(RoleArn=arn, RoleSessionName="try"))
        self.assertEqual((403, "AccessDenied"), (status, code))
        self.assertEqual(f"User: arn:aws:iam::000000000000:user/auth-outsider is not authorized to perform: sts:AssumeRole on resource: {arn}", message)
        status, code, _ = self.error_of(lambda: self.boto("sts").assume_role(RoleArn=arn, RoleSessionName="try", DurationSeconds=3600,
                                                                            Policy=json.dumps({"Version": "2012-10-17", "Statement": []})))
        self.assertEqual((400, "UnsupportedFeature"), (status, code))

    def test_managed_policy_versions_apply_to_the_roles_that_attach_them(self):
        iam = self.boto("iam")
        document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ecs:ListClusters", "Resource": "*"}]}
        arn = iam.create_policy(PolicyName="auth-lister", PolicyDocument=json.dumps(document))["Policy"]["Arn"]
        for _ in range(4):
            iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(document))
        self.assertEqual((409, "LimitExceeded"), self.error_of(lambda: iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(document)))[:2])
        self.assertEqual(["v5", "v4", "v3", "v2", "v1"], [v["VersionId"] for v in iam.list_policy_versions(PolicyArn=arn)["Versions"]])
        iam.delete_policy_version(PolicyArn=arn, VersionId="v5")
        iam.create_role(RoleName="auth-lister-role", AssumeRolePolicyDocument=self.trust("000000000000"))
        iam.attach_role_policy(RoleName="auth-lister-role", PolicyArn=arn)
        self.assertIn(arn, [p["Arn"] for p in iam.list_policies(Scope="Local", OnlyAttached=True)["Policies"]])
        self.assertEqual((409, "DeleteConflict"), self.error_of(lambda: iam.delete_policy(PolicyArn=arn))[:2])

        credentials = self.boto("sts").assume_role(RoleArn="arn:aws:iam::000000000000:role/auth-lister-role", RoleSessionName="versions")["Credentials"]
        ecs = self.session("ecs", credentials)
        ecs.list_clusters()
        denied = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "ecs:*", "Resource": "*"}]}
        self.assertEqual("v6", iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(denied), SetAsDefault=True)["PolicyVersion"]["VersionId"])
        self.assertEqual((403, "AccessDeniedException"), self.error_of(ecs.list_clusters)[:2])
        self.assertEqual(denied, iam.get_policy_version(PolicyArn=arn, VersionId="v6")["PolicyVersion"]["Document"])

    def test_a_resource_tag_condition_allows_only_the_tagged_cluster(self):
        ecs = self.boto("ecs")
        ecs.create_cluster(clusterName="auth-blue", tags=[{"key": "team", "value": "blue"}])
        ecs.create_cluster(clusterName="auth-green", tags=[{"key": "team", "value": "green"}])
        key = self.user_allowed("auth-blue-member", [{"Effect": "Allow", "Action": "ecs:DescribeClusters", "Resource": "*",
                                                      "Condition": {"StringEquals": {"aws:ResourceTag/team": "blue"}}}])
        member = self.boto("ecs", key["AccessKeyId"], key["SecretAccessKey"])
        self.assertEqual("auth-blue", member.describe_clusters(clusters=["auth-blue"])["clusters"][0]["clusterName"])
        self.assertEqual((403, "AccessDeniedException"), self.error_of(lambda: member.describe_clusters(clusters=["auth-green"]))[:2])

    def test_after_a_restart_the_key_still_works_and_its_secret_is_not_printed_again(self):
        key_id, secret = self.server.root_key
        with open(self.server.log.name, encoding="utf-8") as log:
            printed = log.read().count(secret)
        self.server.kill()
        self.server.start()
        self.boto("ecs").list_clusters()
        with open(self.server.log.name, encoding="utf-8") as log:
            text = log.read()
        self.assertEqual(printed, text.count(secret))
        self.assertIn(f"root access key {key_id} (its secret was shown when it was created)", text)


class UpWithSigV4Test(unittest.TestCase):
    """`berth up --auth sigv4`: the local agent joins with the root key and then signs with a key of its own instance."""

    def test_the_local_agent_joins_with_the_root_key_and_gets_its_own(self):
        server = BerthServer(command="up", auth="sigv4")
        self.addCleanup(server.close)
        server.start()
        ecs = server.ecs()
        arn = server.wait_for_local_agent(ecs)
        instance = ecs.describe_container_instances(cluster="default", containerInstances=[arn])["containerInstances"][0]
        self.assertTrue(instance["agentConnected"])
        with open(os.path.join(server.data_dir, "agent", "identity.json"), encoding="utf-8") as f:
            identity = json.load(f)
        self.assertEqual(identity["containerInstanceArn"], arn)
        self.assertNotEqual(identity["accessKeyId"], server.root_key[0])


class UpWithTlsTest(unittest.TestCase):
    """`berth up --auth sigv4 --tls-cert … --tls-key …`: the API speaks HTTPS only, the local agent verifies the
    server's certificate and registers, and the aws CLI works with that certificate as its CA bundle."""

    def test_the_api_and_the_agent_speak_https(self):
        directory = tempfile.mkdtemp(prefix="berth-tls-")
        self.addCleanup(subprocess.run, ["rm", "-rf", directory], check=False)
        cert, key = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                        "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                       check=True, capture_output=True)
        server = BerthServer(command="up", auth="sigv4", tls=(cert, key))
        self.addCleanup(server.close)
        server.start()
        self.assertTrue(server.endpoint.startswith("https://"))
        arn = server.wait_for_local_agent(server.ecs())

        key_id, secret = server.root_key
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(AWS_ACCESS_KEY_ID=key_id, AWS_SECRET_ACCESS_KEY=secret, AWS_DEFAULT_REGION="us-east-1", AWS_CONFIG_FILE="/dev/null")
        listed = subprocess.run(["aws", "--endpoint-url", server.endpoint, "--ca-bundle", cert, "--output", "text",
                                 "ecs", "list-container-instances"], capture_output=True, text=True, env=env, timeout=120)
        self.assertEqual(listed.returncode, 0, listed.stderr)
        self.assertIn(arn, listed.stdout)
        untrusted = subprocess.run(["aws", "--endpoint-url", server.endpoint, "ecs", "list-clusters"],
                                   capture_output=True, text=True, env=env, timeout=120)
        self.assertNotEqual(untrusted.returncode, 0)
        self.assertIn("CERTIFICATE_VERIFY_FAILED", untrusted.stderr)
        with self.assertRaises(OSError):  # plain HTTP on the TLS port gets no HTTP answer
            urllib.request.urlopen(f"http://127.0.0.1:{server.port}/_berth/health", timeout=10).read()


if __name__ == "__main__":
    unittest.main()
