# gevent's pywsgi (bench/http.js): "/" answers "hello world", "/sleep" after gevent.sleep(0.01).
# Prints "listening PORT". Usage: /usr/bin/python3 pywsgi.py [port]
import sys
import gevent
from gevent.pywsgi import WSGIServer

BODY = b"hello world"


def app(environ, start_response):
    if environ["PATH_INFO"] == "/sleep":
        gevent.sleep(0.01)
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(BODY)))])
    return [BODY]


server = WSGIServer(("127.0.0.1", int(sys.argv[1]) if len(sys.argv) > 1 else 0), app, log=None, backlog=4096)
server.start()
print("listening %d" % server.server_port, flush=True)
server.serve_forever()
