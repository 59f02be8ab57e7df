"""The app served over HTTP the way users start it: `policekb serve`."""
import socket
import subprocess
import sys
import time
import urllib.request


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_served_search_page(built_home):
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "policekb.cli", "--home", str(built_home), "serve",
                               "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}/?q=tieng+keng"
        for _ in range(100):
            try:
                body = urllib.request.urlopen(url, timeout=2).read().decode("utf-8")
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("server did not start: " + server.stdout.read1().decode())
        assert "Tiếng kẻng an ninh" in body and "1 kết quả" in body
    finally:
        server.terminate()
        server.wait(timeout=10)
