#!/usr/bin/env bash
# Makes sure the real AWS clients the tests drive are present: the aws CLI (Debian's awscli when the
# machine has none, or only a v1 without `aws logs tail`) and boto3 for Python.
set -euo pipefail
missing=()
# `aws logs tail` exists only in AWS CLI v2, which Debian's awscli package is; a pip-installed v1 is not enough.
{ [ -x /usr/bin/aws ] || aws logs tail help </dev/null >/dev/null 2>&1; } || missing+=(awscli)
python3 -c 'import boto3' >/dev/null 2>&1 || missing+=(python3-boto3)
if [ ${#missing[@]} -gt 0 ]; then
  echo "berth: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi
