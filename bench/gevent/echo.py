"""gevent's uppercase echo server for bench/echo.js and bench/accept-burst.js: a
gevent.server.StreamServer whose handler loops on recv(1024) and sendall(data.upper()).

    /usr/bin/python3 bench/gevent/echo.py [port]      (0 or none: a free port)

Prints `listening PORT` once bound (gevent's defaults: backlog 128, max_accept 100).
"""
import sys

from gevent.server import StreamServer


def handle(sock, address):
    try:
        while True:
            data = sock.recv(1024)
            if not data:
                break
            sock.sendall(data.upper())
    except OSError:
        pass  # a client resetting ends its connection, nothing more


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    server = StreamServer(("127.0.0.1", port), handle)
    server.start()
    print("listening %d" % server.server_port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
