"""The "pages" cache: each web process's own memory, without pickling what is already immutable.

Django's LocMemCache pickles every value on the way in and unpickles it on the way out, so that a caller who
changes what it got back cannot change the cached copy. Most of what the pages cache holds is rendered HTML, which
is text and cannot be changed: pickling it only copies it twice, and for the committee dashboard of a large register
(2 MB of HTML) that copying cost more than everything else the page did on a cache hit. Text and bytes are kept as
they are; anything else is pickled as LocMemCache does.
"""

import pickle

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache


class _Pickled(bytes):
    """A pickled value, told apart from a bytes value kept as it is."""

    __slots__ = ()


def _store(value, protocol):
    if type(value) is bytes or isinstance(value, str):
        return value
    return _Pickled(pickle.dumps(value, protocol))


def _load(stored):
    return pickle.loads(stored) if type(stored) is _Pickled else stored


class ProcessMemoryCache(LocMemCache):
    """LocMemCache that keeps text and bytes unpickled (they are immutable); other values are pickled as usual."""

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        stored = _store(value, self.pickle_protocol)
        with self._lock:
            if self._has_expired(key):
                self._set(key, stored, timeout)
                return True
            return False

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                return default
            stored = self._cache[key]
            self._cache.move_to_end(key, last=False)
        return _load(stored)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        stored = _store(value, self.pickle_protocol)
        with self._lock:
            self._set(key, stored, timeout)

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                raise ValueError(f"Key '{key}' not found")
            new_value = _load(self._cache[key]) + delta
            self._cache[key] = _store(new_value, self.pickle_protocol)
            self._cache.move_to_end(key, last=False)
        return new_value
