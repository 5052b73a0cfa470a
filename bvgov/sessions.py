"""The session store: Django's database sessions, with the session read by a prepared query (programmes.prepared) as it
is read on every request."""

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import router
from django.utils import timezone

from programmes.prepared import Prepared


def _session_rows(key):
    return (
        DatabaseSessionStore.get_model_class()
        .objects.filter(session_key=key)
        .values_list("session_data", "expire_date")
    )


_SESSION = Prepared(_session_rows, str)


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self):
        """The live session with this key, or None (as Django's store: an expired one is not read)."""
        rows = _SESSION.rows(self.session_key, using=router.db_for_read(self.model))
        if rows and rows[0][1] > timezone.now():
            data, expire_date = rows[0]
            return self.model(session_key=self.session_key, session_data=data, expire_date=expire_date)
        self._session_key = None
        return None
