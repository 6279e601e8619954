"""The AWS SDK for JavaScript v3 against the server: tests/js/conformance.mjs calls all 48 operations through
``@aws-sdk/client-codeartifact`` (installed by ``npm ci`` in tests/js, as .ci/run does) and checks their values
and modeled errors."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import boto3
import pytest

from mock_codeartifact.dispatch import codec
from mock_codeartifact.server import ThreadedCodeArtifactServer
from tests.support.tools import node_packages

JS_DIR = Path(__file__).parent / "js"
NODE = shutil.which("node")

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not on PATH")


def test_javascript_sdk_v3_drives_every_operation(tmp_path: Path) -> None:
    sdk = node_packages(JS_DIR, "@aws-sdk/client-codeartifact/package.json") / "@aws-sdk/client-codeartifact"
    assert (sdk / "package.json").exists()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "NODE_OPTIONS"))}
    env.update(HOME=str(tmp_path), NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")
    with ThreadedCodeArtifactServer(port=0, fake_environment=False) as server:
        env["MOCK_CODEARTIFACT_ENDPOINT"] = server.endpoint_url
        assert NODE is not None
        done = subprocess.run(
            [NODE, "--no-warnings", "conformance.mjs"],
            cwd=JS_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr[-4000:]
        report = json.loads(done.stdout.strip().splitlines()[-1])
        assert report["operations"] == sorted(codec().model.operation_names)
        assert len(report["operations"]) == 48
        assert set(report["errors"]) == {
            "AccessDeniedException",
            "ConflictException",
            "ResourceNotFoundException",
            "ValidationException",
        }
        # The script ends by deleting what it made: the server agrees.
        client = boto3.client(
            "codeartifact",
            region_name="us-east-1",
            endpoint_url=server.endpoint_url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        assert client.list_domains()["domains"] == []
