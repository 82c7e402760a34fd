#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""com1-keys.py PORTFILE SERIAL_LOG WATCH_LOG PATTERN KEYFILE

The far end of Bochs' COM1 in socket-client mode, for run-bochs.sh -k:
listens on a free localhost port (written to PORTFILE), accepts Bochs,
appends what COM1 sends to SERIAL_LOG, and once PATTERN shows up in
WATCH_LOG types the bytes of KEYFILE, one every 2 ms, as a person at a
terminal would. Runs until Bochs closes the connection.
"""
import socket
import sys
import threading
import time


def main():
    portfile, serial_log, watch_log, pattern, keyfile = sys.argv[1:6]
    keys = open(keyfile, 'rb').read()
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(('127.0.0.1', 0))
    srv.listen(1)
    with open(portfile + '.tmp', 'w') as f:
        f.write('%d\n' % srv.getsockname()[1])
    # Renamed into place so the reader never sees half a number.
    import os
    os.rename(portfile + '.tmp', portfile)
    srv.settimeout(120)
    conn, _ = srv.accept()

    def typist():
        pat = pattern.encode()
        while True:
            try:
                if pat in open(watch_log, 'rb').read():
                    break
            except FileNotFoundError:
                pass
            time.sleep(0.1)
        for b in keys:
            conn.sendall(bytes([b]))
            time.sleep(0.002)

    threading.Thread(target=typist, daemon=True).start()
    with open(serial_log, 'ab') as out:
        while True:
            data = conn.recv(4096)
            if not data:
                break
            out.write(data)
            out.flush()


if __name__ == '__main__':
    main()
