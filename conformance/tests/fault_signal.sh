#!/bin/sh
# Fault adapter for test_host.sh: says hello, reads one request and kills
# itself with the signal $1 (SEGV, ABRT, ...). The runner must name it.
echo '{"mxm_adapter": 1, "name": "fault: dies by a signal", "room_versions": ["1", "7", "12"], "layers": ["auth"]}'
read -r line
kill -"$1" $$
