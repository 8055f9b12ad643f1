#!/bin/sh
# Fault adapter for test_host.sh: starts a background process (in the
# adapter's process group; its pid goes to $1), then becomes the reference adapter
# ($2). When the run ends, the whole group must be gone.
sleep 300 &
echo $! >"$1"
exec "$2"
