"""Live console pages bound to the login that opened them.

A NiceGUI page stays alive on the server and is driven through a socket.io connection
that names its ``client_id``.  NiceGUI itself checks no cookie on that socket and hands
an event to whichever client a message names, so anyone who learns a page's ids could
drive it as the person who opened it.  Here:

* each page's client is bound, as it is built, to the credential of its visitor (the
  session's hash, or the host application's user);
* a socket whose connection does not carry a live login is refused at connect, and a
  handshake is refused unless the socket's login is the one the client is bound to;
* a message for a client is dropped unless it comes over that client's own socket;
* when a session ends (sign-out, expiry), the pages bound to it stop taking events and
  are told to reload, so an open tab can change nothing afterwards (and the services
  check the session again as they act).
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Callable
from typing import Any

from nicegui import Client, background_tasks, core
from nicegui import app as nicegui_app
from socketio.exceptions import ConnectionRefusedError
from starlette.requests import HTTPConnection

from . import Gate

SWEEP_SECONDS = 15  # how often bound sessions are checked for idle or absolute expiry
_GUARDED = ("event", "javascript_response", "ack", "log")
_log = logging.getLogger("dbadmin")


class LivePages:
    """The binding of NiceGUI clients to logins, and the socket.io handlers that enforce it."""

    def __init__(self, gate: Gate) -> None:
        self.gate = gate
        self._bound: weakref.WeakKeyDictionary[Client, str] = weakref.WeakKeyDictionary()
        self._sockets: dict[str, str] = {}  # socket id -> the credential its connection carried
        self._warned = False

    def bind(self, client: Client, credential: str | None) -> None:
        """Bind ``client`` (the page being built) to ``credential``; a page without one takes no socket."""
        if credential is not None:
            self._bound[client] = credential

    def end(self, credential: str) -> int:
        """End every page bound to ``credential`` (its session ended); returns how many.

        Called from any thread (the sign-out route runs in a worker): the binding goes at
        once, so no socket can take the pages over; the pages are told to reload (which
        lands on the login page) and deleted on the event loop.
        """
        ended = [client for client, bound in list(self._bound.items()) if bound == credential]
        for client in ended:
            self._bound.pop(client, None)
        if ended and core.loop is not None:
            core.loop.call_soon_threadsafe(
                lambda: [client.run_javascript("window.location.reload()") for client in ended]
            )
        return len(ended)

    # -- socket.io --------------------------------------------------------------------------

    def install(self) -> None:
        """Wrap NiceGUI's socket.io handlers (once per process, like NiceGUI's pages)."""
        handlers = core.sio.handlers["/"]
        connect, handshake, disconnect = handlers["connect"], handlers["handshake"], handlers["disconnect"]

        async def on_connect(sid: str, environ: dict, *rest: Any) -> Any:
            connection = HTTPConnection(environ["asgi.scope"])  # the socket's own upgrade request, with its cookies
            credential = await self.gate.credential(connection)
            implicit = connection.query_params.get("client_id")
            if credential is None:
                self._warn_if_host_cannot_tell(implicit)
                raise ConnectionRefusedError("not signed in")
            if connection.query_params.get("implicit_handshake") == "true" and not self._may_drive(
                implicit, credential
            ):
                raise ConnectionRefusedError("this page belongs to another login")
            self._sockets[sid] = credential
            return await connect(sid, environ, *rest)

        async def on_handshake(sid: str, data: dict) -> bool:
            if not self._may_drive(data.get("client_id"), self._sockets.get(sid)):
                return False
            return await handshake(sid, data)

        def on_disconnect(sid: str, *rest: Any) -> Any:
            self._sockets.pop(sid, None)
            return disconnect(sid)

        core.sio.on("connect", on_connect)
        core.sio.on("handshake", on_handshake)
        core.sio.on("disconnect", on_disconnect)
        for name in _GUARDED:
            core.sio.on(name, self._own_socket_only(handlers[name]))
        nicegui_app.on_startup(lambda: background_tasks.create(self._sweep(), name="dbadmin: end expired pages"))

    def _warn_if_host_cannot_tell(self, client_id: object) -> None:
        """A page its host user opened, whose socket that user's identity does not recognise: the
        host's identity reads state its HTTP middleware sets, which a websocket never gets.  Said
        once, in the host's log, since every console page of that host is dead until it is fixed."""
        bound = self._bound_to(client_id)
        if bound is not None and bound.startswith("host:") and not self._warned:
            self._warned = True
            _log.warning(
                "dbadmin: identity= recognised a page's request but not its socket connection; read the "
                "login from the connection's cookies or headers, not from request.state (middleware does "
                "not run for websockets)"
            )

    def _may_drive(self, client_id: object, credential: str | None) -> bool:
        bound = self._bound_to(client_id)
        return bound is not None and bound == credential

    def _bound_to(self, client_id: object) -> str | None:
        """The credential the page ``client_id`` names is bound to; None for no such page or none bound."""
        client = Client.instances.get(str(client_id))
        return self._bound.get(client) if client is not None else None

    def _own_socket_only(self, handler: Callable[[str, dict], Any]) -> Callable[[str, dict], Any]:
        def guarded(sid: str, msg: dict) -> Any:
            client = Client.instances.get(str(msg.get("client_id"))) if isinstance(msg, dict) else None
            if client is None or client not in self._bound or sid not in client._socket_to_document_id:  # noqa: SLF001
                return None  # not this socket's page, or its login ended
            return handler(sid, msg)

        return guarded

    async def _sweep(self) -> None:
        """End the pages of sessions that expired (idle or absolute) while their tab stayed open."""
        while True:
            await asyncio.sleep(SWEEP_SECONDS)
            credentials = set(self._bound.values())
            if credentials:
                ended = await asyncio.to_thread(lambda: [c for c in credentials if not self.gate.still_live(c)])
                for credential in ended:
                    self.end(credential)
