"""Runs the real aws CLI against a Berth endpoint and parses its JSON."""
import json
import os
import subprocess

from berth_server import ROOT

ENV = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION="us-east-1",
           AWS_PAGER="", AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null")


def aws(test, endpoint, *args, expect_error=None, timeout=120):
    """Returns the parsed output; with expect_error, asserts the call failed with that ECS error type."""
    result = subprocess.run(["aws", "--endpoint-url", endpoint, "--output", "json", *args],
                            capture_output=True, text=True, env=ENV, cwd=ROOT, timeout=timeout)
    if expect_error:
        test.assertNotEqual(result.returncode, 0, result.stdout)
        test.assertIn(f"({expect_error})", result.stderr)
        return result.stderr
    test.assertEqual(result.returncode, 0, result.stderr)
    return json.loads(result.stdout) if result.stdout.strip() else None
