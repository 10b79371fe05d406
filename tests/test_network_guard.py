"""The network is cut in tests: prove it, so 'works offline' means something."""

import socket

import pytest

pytestmark = pytest.mark.security


def test_outside_connection_is_refused() -> None:
    with (
        pytest.raises(RuntimeError, match="network cut"),
        socket.create_connection(("93.184.216.34", 80), timeout=1),
    ):
        pass


def test_outside_dns_lookup_is_refused() -> None:
    with pytest.raises(RuntimeError, match="network cut"):
        socket.getaddrinfo("openaipublic.blob.core.windows.net", 443)


def test_loopback_is_allowed() -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    client = socket.create_connection(server.getsockname(), timeout=1)
    client.close()
    server.close()
