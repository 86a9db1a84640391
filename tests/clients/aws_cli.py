"""Runs the real aws CLI against a Berth endpoint and parses its JSON."""
import atexit
import json
import os
import subprocess
import tempfile

from berth_server import ROOT

HERE = os.path.dirname(os.path.abspath(__file__))


def _config_file():
    """A CLI config that loads response_shapes as a plugin and nothing of the user's. CLI v2 finds plugins in
    cli_legacy_plugin_path; v1 imports them from its Python path, and takes that key for a plugin of its own."""
    v2 = subprocess.run(["aws", "--version"], capture_output=True, text=True).stdout.startswith("aws-cli/2.")
    descriptor, path = tempfile.mkstemp(prefix="berth-aws-config-")
    with os.fdopen(descriptor, "w") as config:
        config.write("[plugins]\n" + (f"cli_legacy_plugin_path = {HERE}\n" if v2 else "") + "response_shapes = response_shapes\n")
    atexit.register(os.remove, path)
    return path


ENV = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION="us-east-1",
           AWS_PAGER="", AWS_CONFIG_FILE=_config_file(), AWS_SHARED_CREDENTIALS_FILE="/dev/null",
           PYTHONPATH=os.pathsep.join(filter(None, [HERE, os.environ.get("PYTHONPATH")])))


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
