"""A failed test's report lists the mock-codeartifact calls it made (docs/call-log.md), like captured logs; an
ini option and a command-line option turn that off."""

from __future__ import annotations

pytest_plugins = ["pytester"]

USER_TESTS = """
import boto3
import pytest
import requests


def test_in_process_fails(codeartifact_client):
    codeartifact_client.create_domain(domain="made-here")
    try:
        codeartifact_client.describe_repository(domain="made-here", repository="absent")
    except codeartifact_client.exceptions.ResourceNotFoundException:
        pass
    assert False, "the test's own failure"


def test_in_process_passes(codeartifact_client):
    codeartifact_client.create_domain(domain="passing-domain")


def test_server_fails(codeartifact_server):
    client = boto3.client("codeartifact", region_name="eu-west-1", endpoint_url=codeartifact_server.endpoint_url)
    client.create_domain(domain="on-the-server")
    assert False


def test_no_fixture_fails():
    assert False
"""

SECTION = "Captured mock-codeartifact calls call"


def _run(pytester, *args):
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:randomly", "-rN", *args)
    result.assert_outcomes(passed=1, failed=3)
    return result.stdout.str()


def _section(output: str, test: str) -> str:
    """The text of the report of ``test`` (from its header to the next test's)."""
    start = output.index(f"_ {test} _")
    end = output.find("\n____", start + 1)
    return output[start : end if end != -1 else len(output)]


def test_a_failed_tests_report_lists_its_calls(pytester):
    output = _run(pytester)
    in_process = _section(output, "test_in_process_fails")
    assert SECTION in in_process
    calls = in_process.split(SECTION, 1)[1]
    assert "CreateDomain -> 200 (domain='made-here')" in calls
    assert "DescribeRepository -> 404 ResourceNotFoundException (domain='made-here', repository='absent')" in calls
    assert calls.index("CreateDomain") < calls.index("DescribeRepository")
    assert "arn:aws:iam::123456789012:root" in calls
    # Only this test's calls: not those of the test that passed.
    assert "passing-domain" not in output

    server = _section(output, "test_server_fails")
    assert SECTION in server
    assert "CreateDomain -> 200 (domain='on-the-server')" in server
    assert "in eu-west-1" in server

    assert SECTION not in _section(output, "test_no_fixture_fails")


def test_the_command_line_option_turns_it_off(pytester):
    output = _run(pytester, "--no-codeartifact-calls")
    assert "mock-codeartifact calls" not in output
    assert "the test's own failure" in output


def test_the_ini_option_turns_it_off(pytester):
    pytester.makeini("[pytest]\ncodeartifact_report_calls = false\n")
    output = _run(pytester)
    assert "mock-codeartifact calls" not in output
