"""``requests`` calls to CodeArtifact hosts answered in-process, through one private ``responses`` mock.

It is built once and only started and stopped per installation; it passes every other request on to whatever
``HTTPAdapter.send`` was in place when it started (a user's own ``responses`` mock, moto's, or the network). Calls to
the API hosts get the API's answer; calls to repository-endpoint hosts the repository endpoints'
(:mod:`.repository_hosts`).
"""

from __future__ import annotations

import json
from typing import Any

from ..wire.hosts import API_HOST, REPOSITORY_ENDPOINT_HOST, not_url_pattern, url_pattern
from . import answers
from .answers import body_bytes, respond


def install() -> None:
    _requests_mock.start()


def uninstall() -> None:
    _requests_mock.stop()


def _requests_callback(request: Any) -> tuple[int, dict[str, str], bytes]:
    response = respond(request.method, request.url, request.headers, request.body)
    return response.status, response.headers, response.body


def _repository_endpoint_callback(request: Any) -> tuple[int, dict[str, str], bytes]:
    # A real repository host: the repository-endpoint application over the mock's state.
    endpoints = answers.endpoints
    if endpoints is not None:
        return endpoints(request.method, request.url, request.headers, body_bytes(request.body))
    message = "mock_codeartifact is not active"  # uninstalled by another thread meanwhile
    return 503, {"Content-Type": "application/json"}, json.dumps({"message": message}).encode()


class _RequestsMock:
    """One ``responses`` mock for the process, put in place and taken out with each installation.

    ``responses``' own ``start()`` resolves its patch target by import path every time; swapping
    ``HTTPAdapter.send`` directly does the same (back to what was there when it started) at a fraction of the cost.
    """

    def __init__(self) -> None:
        self._send: Any = None
        self._mock: Any = None
        self._passthrough: Any = None
        self._adapter: Any = None

    def _build(self) -> None:
        import requests.adapters
        import responses

        # Requests to other hosts go on to whatever HTTPAdapter.send was in place when the mock started.
        mock = responses.RequestsMock(assert_all_requests_are_fired=False, real_adapter_send=self._pass_on)  # type: ignore[arg-type]
        api, endpoint = url_pattern(API_HOST), url_pattern(REPOSITORY_ENDPOINT_HOST)
        for method in ("GET", "POST", "PUT", "DELETE", "HEAD", "PATCH"):
            mock.add_callback(method, api, callback=_requests_callback)
            mock.add_callback(method, endpoint, callback=_repository_endpoint_callback)
        mock.add_passthru(not_url_pattern(API_HOST, REPOSITORY_ENDPOINT_HOST))
        self._mock, self._send, self._adapter = mock, mock.unbound_on_send(), requests.adapters.HTTPAdapter

    def _pass_on(self, adapter: Any, request: Any, **kwargs: Any) -> Any:
        return self._passthrough(adapter, request, **kwargs)

    def start(self) -> None:
        if self._send is None:
            try:
                self._build()
            except ImportError:  # pragma: no cover - responses (and requests with it) is a dependency
                return
        self._passthrough = self._adapter.send
        self._adapter.send = self._send

    def stop(self) -> None:
        if self._send is None or self._passthrough is None:
            return
        self._adapter.send = self._passthrough
        self._passthrough = None
        if self._mock.calls:
            self._mock.calls.reset()  # recorded calls would pile up across activations


_requests_mock = _RequestsMock()
