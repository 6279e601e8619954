"""moto's server with ``AWS::CodeArtifact::*`` resources in its CloudFormation, created in a mock-codeartifact server.

``python -m mock_codeartifact.integrations.moto_server --codeartifact-endpoint http://127.0.0.1:8080 [moto_server
options]`` runs ``moto_server`` (every option is moto's: ``-p PORT``, ``-H HOST``, ...) in this process, with
:func:`mock_codeartifact.integrations.cloudformation_endpoint` in effect: stacks deployed to it create, update and
delete their domains, repositories and package groups through the CodeArtifact API at that endpoint. A plain
``moto_server`` process (or moto's Docker image) cannot: it does not know these types (docs/cloudformation.md).
"""

from __future__ import annotations

import argparse

from . import cloudformation_endpoint


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m mock_codeartifact.integrations.moto_server",
        description="moto_server whose CloudFormation creates AWS::CodeArtifact::* resources in a "
        "mock-codeartifact server; the other options are moto_server's.",
    )
    parser.add_argument(
        "--codeartifact-endpoint",
        required=True,
        metavar="URL",
        help="the mock-codeartifact server's endpoint URL (mock-codeartifact-server prints it)",
    )
    args, moto_args = parser.parse_known_args(argv)
    from moto.server import main as moto_main

    with cloudformation_endpoint(args.codeartifact_endpoint):
        moto_main(moto_args)


if __name__ == "__main__":
    main()
