"""Start the page: check where it may listen, load the content once, serve with waitress.

waitress is a pure-Python production server (it runs on the front desk's Windows PC too). It
writes no access log; its buffers are sized so that no request or PDF ever spills into a
temporary file.
"""

from __future__ import annotations

import logging
import os
import threading
import webbrowser
from collections.abc import Callable
from pathlib import Path

from handouts.deliver.web.guard import TOKEN_VARIABLE, check_bind
from handouts.errors import HandoutsError

MEMORY_BUFFER = 64 * 1024 * 1024  # waitress spills bigger bodies to temp files: never here


def serve(
    content: Path,
    host: str = "127.0.0.1",
    port: int = 8765,
    open_browser: bool = False,
    announce: Callable[[str], None] = print,
) -> None:
    """Serve until interrupted. Refuses another address than loopback without a token."""
    token = check_bind(host, os.environ.get(TOKEN_VARIABLE) or None)
    from waitress.server import MultiSocketServer, create_server

    from handouts.deliver.web.app import create_app
    from handouts.deliver.web.site import Site

    site = Site(content)
    for problem in site.problems:
        announce(str(problem))
    app = create_app(site, token=token)
    try:
        server = create_server(
            app,
            host=host,
            port=port,
            threads=4,
            ident="handouts",
            inbuf_overflow=MEMORY_BUFFER,
            outbuf_overflow=MEMORY_BUFFER,
            max_request_body_size=1024 * 1024,
            expose_tracebacks=False,
        )
    except OSError as exc:
        raise HandoutsError(
            f"cannot listen on {_url_host(host)}:{port}: {exc.strerror or exc}"
        ) from None
    # Several sockets (a name with two addresses): a MultiSocketServer; one: a TcpWSGIServer,
    # whose effective_port its stub lacks.
    bound_port = (
        server.effective_listen[0][1]
        if isinstance(server, MultiSocketServer)
        else server.effective_port  # type: ignore[attr-defined]
    )
    if token is None:
        # Only this computer's own names: another site's page cannot rebind a name to us.
        app.extensions["handouts_guard"].hosts = loopback_hosts(bound_port)
    url = f"http://{_url_host(host)}:{bound_port}/"
    announce(f"serving {site.root} on {url} (Ctrl+C to stop)")
    if open_browser:
        threading.Timer(0.5, webbrowser.open, args=(url,)).start()
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # no per-request chatter
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


def loopback_hosts(port: int) -> set[str]:
    names = ("127.0.0.1", "localhost", "[::1]")
    return {f"{name}:{port}" for name in names} | ({*names} if port == 80 else set())


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
