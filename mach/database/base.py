"""Django's PostgreSQL backend with a health check that asks the connection's socket, not the
server.

With CONN_HEALTH_CHECKS Django checks a kept connection before the first statement of every
request by running `SELECT 1`: a round trip to PostgreSQL on every request, as costly as any
other statement. A server that restarts or ends a session says so on the connection (an error
message, then the end of the stream), so an idle connection with nothing to read has not been
ended; anything at all to read, and Django's own check decides.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        """Whether the kept connection can run a statement.

        An idle connection whose socket has nothing to read is usable: no round trip. One
        that libpq knows is broken is not. Otherwise (a transaction open, or the server has
        sent something: the end of the session, a notice, or TLS records) Django's `SELECT 1`
        decides. A server that vanished without closing the connection (a host lost, not a
        restart) is not seen here, as it was not by `SELECT 1` until its time-out: the
        request's first statement fails instead and is answered 503, and Django then closes
        the connection."""
        if self.connection is None:
            return False
        pgconn = self.connection.pgconn
        if pgconn.status != pq.ConnStatus.OK:
            return False
        if pgconn.transaction_status == pq.TransactionStatus.IDLE and not _readable(pgconn.socket):
            return True
        usable: bool = super().is_usable()
        return usable


def _readable(socket: int) -> bool:
    poller = select.poll()
    poller.register(socket, select.POLLIN | select.POLLPRI)
    return bool(poller.poll(0))
