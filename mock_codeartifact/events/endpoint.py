"""``--events-endpoint URL``: a server delivers each event with a signed ``PutEvents`` to another EventBridge
endpoint (a moto server, LocalStack, ...), off the request path.

Recording a change only puts its events on a bounded queue (full: the event is dropped and counted); one
background thread sends them in batches of up to 10 entries (``PutEvents``' limit) per receiving account and
region, retrying a failed batch a bounded number of times with a growing pause, then counting its events as
failed. ``stats()`` (shown by ``GET /_mock/health``) counts delivered, failed and dropped events. The request
carries ``x-moto-account-id`` so that a moto server files the event under the receiving account.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
from typing import Any

from ..backend.changes import VersionChange
from .format import put_events_entry

LOG = logging.getLogger("mock_codeartifact.events")

BATCH = 10  # PutEvents takes at most 10 entries
_STOP = object()


class EndpointDelivery:
    """Deliver recorded changes to the EventBridge API at ``url`` (a ``ChangeLog`` listener).

    ``queue_size``: events waiting at most (more are dropped); ``retries``: further attempts after a failed one;
    ``backoff``: the pause before the first retry in seconds, doubled on each; ``timeout``: connect and read
    timeout of one attempt."""

    def __init__(
        self, url: str, *, queue_size: int = 10_000, retries: int = 3, backoff: float = 0.2, timeout: float = 5.0
    ) -> None:
        self.url = url
        self.retries = retries
        self.backoff = backoff
        self.timeout = timeout
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=queue_size)
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._closing = threading.Event()
        self._clients: dict[str, Any] = {}  # by region; used by the delivery thread only
        self._target: dict[str, str] = {}  # the receiving account of the batch being sent
        self._failing = False  # the last batch could not be delivered
        self.delivered = 0
        self.failed = 0
        self.dropped = 0

    def __call__(self, change: VersionChange) -> None:
        for account in change.receivers:
            try:
                self._queue.put_nowait((change, account))
            except queue.Full:
                with self._lock:
                    self.dropped += 1
        if self._thread is None:
            self._start()

    def stats(self) -> dict[str, Any]:
        with self._lock:
            return {
                "endpoint": self.url,
                "delivered": self.delivered,
                "failed": self.failed,
                "dropped": self.dropped,
                "queued": self._queue.qsize(),
            }

    def _start(self) -> None:
        with self._lock:
            if self._thread is None and not self._closing.is_set():
                self._thread = threading.Thread(target=self._run, name="mock-codeartifact-events", daemon=True)
                self._thread.start()

    def close(self, timeout: float = 5.0) -> None:
        """Send what is queued (each batch at most once more), then stop the thread."""
        self._closing.set()
        thread = self._thread
        if thread is not None:
            self._queue.put(_STOP)
            thread.join(timeout)
        self._thread = None
        self._closing.clear()  # a later event starts a new thread

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            batch = [item]
            stop = False
            while len(batch) < BATCH:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is _STOP:
                    stop = True
                    break
                batch.append(more)
            groups: dict[tuple[str, str], list[VersionChange]] = {}
            for change, account in batch:
                groups.setdefault((account, change.region), []).append(change)
            for (account, region), changes in groups.items():
                self._send(account, region, changes)
            if stop:
                return

    def _send(self, account: str, region: str, changes: list[VersionChange]) -> None:
        entries = [put_events_entry(c, account) for c in changes]
        attempts = 1 if self._closing.is_set() else 1 + self.retries
        pause = self.backoff
        for attempt in range(attempts):
            try:
                self._target["account"] = account
                answer = self._client(region).put_events(Entries=entries)
                results = answer.get("Entries", [])
                refused = [e for e, r in zip(entries, results, strict=False) if "ErrorCode" in r]
                if len(results) < len(entries):
                    refused += entries[len(results) :]
                with self._lock:
                    self.delivered += len(entries) - len(refused)
                entries = refused
                if not entries:
                    self._failing = False
                    return
            except Exception as exc:  # the endpoint is down, slow or answers nonsense: retried, then counted
                LOG.debug("PutEvents to %s failed (attempt %d): %s", self.url, attempt + 1, exc)
            if attempt + 1 < attempts and self._closing.wait(pause):
                break
            pause *= 2
        with self._lock:
            self.failed += len(entries)
        # Once per outage at WARNING (a dead endpoint would log every batch); /_mock/health counts them all.
        level = logging.DEBUG if self._failing else logging.WARNING
        self._failing = True
        LOG.log(level, "could not deliver %d CodeArtifact event(s) to %s", len(entries), self.url)

    def _client(self, region: str) -> Any:
        client = self._clients.get(region)
        if client is None:
            client = self._clients[region] = _events_client(self.url, region, self.timeout, self._target)
        return client


def _events_client(url: str, region: str, timeout: float, target: dict[str, str]) -> Any:
    import botocore.session
    from botocore.config import Config

    session = botocore.session.get_session()
    # The credentials of the environment if any, else the mock's fake ones (a moto server accepts any); never the
    # rest of botocore's chain, whose instance-metadata look-up can stall the delivery thread for seconds.
    env = os.environ
    keys: dict[str, Any] = {
        "aws_access_key_id": env.get("AWS_ACCESS_KEY_ID") or "testing",
        "aws_secret_access_key": env.get("AWS_SECRET_ACCESS_KEY") or "testing",
        "aws_session_token": env.get("AWS_SESSION_TOKEN") if env.get("AWS_ACCESS_KEY_ID") else None,
    }
    # One HTTP attempt per call: the delivery thread does its own bounded retries.
    config = Config(
        connect_timeout=timeout, read_timeout=timeout, retries={"total_max_attempts": 1, "mode": "standard"}
    )
    client = session.create_client("events", region_name=region, endpoint_url=url, config=config, **keys)

    def add_account(request: Any, **kwargs: Any) -> None:
        # moto files a request under this account (real EventBridge ignores the header).
        request.headers["x-moto-account-id"] = target.get("account", "")

    client.meta.events.register("before-sign.events.PutEvents", add_account)
    return client
