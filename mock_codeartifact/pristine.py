"""Put botocore objects that outlive a test back into the state they were created in.

Reusing a botocore session or client across tests is what makes them cheap (a new session reloads botocore's
JSON data; a new client resolves its endpoint rules again), and this is what makes reuse safe: whatever a test
attached to them (event handlers, a ``botocore.stub.Stubber``, attributes, config variables, cached
credentials) is gone before the next test.
"""

from __future__ import annotations

import copy
from typing import Any

_MISSING = object()


class PristineEvents:
    """The handlers of a botocore event emitter (a client's ``meta.events``, a session's ``events``)."""

    def __init__(self, events: Any) -> None:
        # boto3 and clients hand out an EventAliaser; the handlers live in the HierarchicalEmitter under it.
        self._emitter = getattr(events, "_emitter", events)
        self._saved = copy.copy(self._emitter)  # botocore's own copy: a new prefix trie and unique-id table
        self._cache = getattr(self._emitter, "_lookup_cache", None)

    def restore(self) -> None:
        emitter = self._emitter
        # botocore replaces the lookup cache on every registration and unregistration: while it is the same
        # object, the handlers are the ones saved, and restoring (a trie copy) is skipped.
        if self._cache is not None and getattr(emitter, "_lookup_cache", None) is self._cache:
            return
        fresh = vars(copy.copy(self._saved))
        state = vars(emitter)
        state.clear()
        state.update(fresh)
        self._cache = getattr(emitter, "_lookup_cache", None)


class PristineAttributes:
    """An object's own attributes (shallow: the same values, not copies of them)."""

    def __init__(self, obj: Any) -> None:
        self._obj = obj
        self._saved = dict(vars(obj))

    def restore(self) -> None:
        current = vars(self._obj)
        if len(current) != len(self._saved):
            for key in [k for k in current if k not in self._saved]:
                del current[key]
        for key, value in self._saved.items():
            if current.get(key, _MISSING) is not value:
                current[key] = value


class PristineSession:
    """A boto3 session: attributes of it and of its botocore session, config variables, events, credentials and
    the components built from the environment (credential and token resolvers, ...), which are built again on
    demand. Components that hold botocore's data only (the loader and what it loaded) stay warm."""

    _WARM = ("data_loader", "endpoint_resolver", "default_config_resolver")

    def __init__(self, session: Any) -> None:
        self.session = session
        core = session._session
        events = core.get_component("event_emitter")
        self._parts: list[PristineAttributes | PristineEvents] = [
            PristineAttributes(session),
            PristineAttributes(core),
            PristineEvents(events),
        ]
        self._instance_vars = dict(core._session_instance_vars)
        self._locators = [
            (locator, dict(locator._components), dict(locator._deferred))
            for locator in (core._components, core._internal_components)
        ]

    def restore(self) -> None:
        for part in self._parts:
            part.restore()
        core = self.session._session
        if core._session_instance_vars != self._instance_vars:
            core._session_instance_vars = dict(self._instance_vars)
        core._credentials = None
        for locator, components, deferred in self._locators:
            warm = {name: locator._components[name] for name in self._WARM if name in locator._components}
            locator._components = {**components, **warm}
            locator._deferred = {name: factory for name, factory in deferred.items() if name not in warm}


class PristineClient:
    """A botocore client: its event handlers (Stubbers included), attributes, ``meta`` and config."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self._parts: list[PristineAttributes | PristineEvents] = [
            PristineEvents(client.meta.events),
            PristineAttributes(client),
            PristineAttributes(client.meta),
            PristineAttributes(client.meta.config),
        ]

    def restore(self) -> None:
        for part in self._parts:
            part.restore()
