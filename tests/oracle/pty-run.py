#!/usr/bin/env python3
"""The host side of the terminal oracle: runs tty-reader on a fresh pseudo-terminal,
types the input chunks into the master (a pause after each), and prints what the
master showed (the echo) and what each read returned, as JSON.

usage: pty-run.py <tty-reader> <termios hex> <chunk hex>...
"""
import json, os, pty, select, sys, time

reader, termios_hex, chunks = sys.argv[1], sys.argv[2], sys.argv[3:]
r, w = os.pipe()
pid, master = pty.fork()
if pid == 0:
    os.dup2(w, 3)
    os.execv(reader, [reader, termios_hex])

os.close(w)
reads = b''
def drain(fd, seconds):
    out = b''
    end = time.time() + seconds
    while time.time() < end:
        ready, _, _ = select.select([fd], [], [], max(0, end - time.time()))
        if not ready:
            break
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        out += data
    return out

reads += drain(r, 1.0) if False else b''
# Wait for the reader to have set the terminal up.
while b'ready\n' not in reads:
    reads += os.read(r, 4096)
reads = reads.replace(b'ready\n', b'', 1)
screen = b''
for c in chunks:
    os.write(master, bytes.fromhex(c))
    time.sleep(0.05)
    screen += drain(master, 0.05)
screen += drain(master, 0.2)
time.sleep(0.1)
os.kill(pid, 9)
os.waitpid(pid, 0)
reads += drain(r, 0.2)
lines = [l for l in reads.decode().split('\n') if l]
print(json.dumps({'screen': screen.hex(), 'reads': lines}))
