"""``@mock_codeartifact`` on functions (sync, async, generators) and classes (plain and ``unittest.TestCase``).

Each wrapper runs its target inside an activation made by ``start``/``stop`` callables of a fresh mock
(``new_mock``), so this module knows nothing about how activation works.
"""

from __future__ import annotations

import functools
import inspect
import unittest
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class _Mock(Protocol):
    def start(self) -> None: ...
    def stop(self) -> None: ...
    def __enter__(self) -> Any: ...
    def __exit__(self, *args: Any) -> None: ...


def decorate(target: F, new_mock: Callable[[], _Mock]) -> F:
    """``target`` (a function or a class) with every run inside a fresh activation."""
    if isinstance(target, type):
        return _decorate_class(target, new_mock)  # type: ignore[return-value]
    return _wrap_function(target, new_mock)


def _wrap_function(func: F, new_mock: Callable[[], _Mock]) -> F:
    if inspect.iscoroutinefunction(func):

        @functools.wraps(func)
        async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
            with new_mock():
                return await func(*args, **kwargs)

        return async_wrapper  # type: ignore[return-value]

    # Generators (yield-fixtures among them) run after the call returns: keep the mock for their whole life.
    if inspect.isgeneratorfunction(func):

        @functools.wraps(func)
        def generator_wrapper(*args: Any, **kwargs: Any) -> Any:
            with new_mock():
                return (yield from func(*args, **kwargs))

        return generator_wrapper  # type: ignore[return-value]

    if inspect.isasyncgenfunction(func):

        @functools.wraps(func)
        async def async_generator_wrapper(*args: Any, **kwargs: Any) -> Any:
            with new_mock():
                async for item in func(*args, **kwargs):
                    yield item

        return async_generator_wrapper  # type: ignore[return-value]

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with new_mock():
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _decorate_testcase(cls: type[unittest.TestCase], new_mock: Callable[[], _Mock]) -> type:
    original_setup = cls.setUp

    @functools.wraps(original_setup)
    def setUp(self: unittest.TestCase) -> None:  # noqa: N802 - unittest's name
        mock = new_mock()
        mock.start()
        # Cleanups run after tearDown, so setUp, the test and tearDown all run inside this activation.
        self.addCleanup(mock.stop)
        original_setup(self)

    cls.setUp = setUp  # type: ignore[method-assign]

    if cls.setUpClass.__func__ is not unittest.TestCase.setUpClass.__func__:  # type: ignore[attr-defined]
        # State made in a user's setUpClass stays visible to the class's tests (nested activations share it).
        original_setup_class = cls.setUpClass.__func__  # type: ignore[attr-defined]
        original_teardown_class = cls.tearDownClass.__func__  # type: ignore[attr-defined]

        def setUpClass(klass: type) -> None:  # noqa: N802
            mock = new_mock()
            mock.start()
            klass._mock_codeartifact_class_mock = mock  # type: ignore[attr-defined]
            try:
                original_setup_class(klass)
            except BaseException:
                mock.stop()
                raise

        def tearDownClass(klass: type) -> None:  # noqa: N802
            try:
                original_teardown_class(klass)
            finally:
                klass.__dict__["_mock_codeartifact_class_mock"].stop()
                del klass._mock_codeartifact_class_mock  # type: ignore[attr-defined]

        cls.setUpClass = classmethod(setUpClass)  # type: ignore[method-assign, assignment]
        cls.tearDownClass = classmethod(tearDownClass)  # type: ignore[method-assign, assignment]
    return cls


def _decorate_class(cls: type, new_mock: Callable[[], _Mock]) -> type:
    if isinstance(cls, type) and issubclass(cls, unittest.TestCase):
        return _decorate_testcase(cls, new_mock)
    for name, attr in list(vars(cls).items()):
        if name.startswith("test") and inspect.isfunction(attr):
            setattr(cls, name, _wrap_function(attr, new_mock))
    setup = vars(cls).get("setup_method")
    if inspect.isfunction(setup):
        # pytest runs setup_method, the test and teardown_method separately: keep one activation across them.
        teardown = getattr(cls, "teardown_method", None)

        @functools.wraps(setup)
        # pytest passes the test method only when the function's code takes a second argument: keep that shape.
        def setup_method(self: Any, method: Any = None) -> Any:
            mock = new_mock()
            mock.start()
            self._mock_codeartifact_method_mock = mock
            try:
                return setup(self, *_optional_arg(setup, method))
            except BaseException:  # pytest skips teardown_method when setup_method fails
                del self._mock_codeartifact_method_mock
                mock.stop()
                raise

        def teardown_method(self: Any, method: Any = None) -> Any:
            try:
                if teardown is not None:
                    return teardown(self, *_optional_arg(teardown, method))
            finally:
                mock = self.__dict__.pop("_mock_codeartifact_method_mock", None)
                if mock is not None:
                    mock.stop()

        cls.setup_method = setup_method  # type: ignore[attr-defined]
        cls.teardown_method = teardown_method  # type: ignore[attr-defined]
    setup_class = vars(cls).get("setup_class")
    if isinstance(setup_class, classmethod):
        _wrap_setup_class(cls, setup_class.__func__, new_mock)
    return cls


def _optional_arg(func: Callable[..., Any], arg: Any) -> tuple[Any, ...]:
    """``(arg,)`` when ``func(self, arg)`` takes it (pytest's convention for setup_method/teardown_method)."""
    code = getattr(func, "__code__", None)
    return (arg,) if code is None or code.co_argcount > 1 else ()


def _wrap_setup_class(cls: type, setup: Callable[..., Any], new_mock: Callable[[], _Mock]) -> None:
    """pytest's ``setup_class``, the tests and ``teardown_class`` run inside one activation (moto misses this)."""
    teardown = getattr(cls, "teardown_class", None)  # bound, possibly inherited

    def setup_class(klass: type) -> None:
        mock = new_mock()
        mock.start()
        klass._mock_codeartifact_class_mock = mock  # type: ignore[attr-defined]
        try:
            setup(klass)
        except BaseException:  # pytest skips teardown_class when setup_class fails
            del klass._mock_codeartifact_class_mock  # type: ignore[attr-defined]
            mock.stop()
            raise

    def teardown_class(klass: type) -> None:
        try:
            if teardown is not None:
                teardown()
        finally:
            mock = klass.__dict__.get("_mock_codeartifact_class_mock")
            if mock is not None:
                del klass._mock_codeartifact_class_mock  # type: ignore[attr-defined]
                mock.stop()

    cls.setup_class = classmethod(setup_class)  # type: ignore[attr-defined]
    cls.teardown_class = classmethod(teardown_class)  # type: ignore[attr-defined]
