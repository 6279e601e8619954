"""``mock-codeartifact-server`` / ``python -m mock_codeartifact``: run the server in the foreground."""

from __future__ import annotations

import argparse
import sys

from werkzeug.serving import make_server

from .app import CodeArtifactApp


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mock-codeartifact-server", description="A local AWS CodeArtifact.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=5000, help="port to listen on; 0 picks a free one (default 5000)")
    args = parser.parse_args(argv)
    server = make_server(args.host, args.port, CodeArtifactApp(), threaded=True)
    print(f"mock-codeartifact-server listening on http://{args.host}:{server.server_port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
