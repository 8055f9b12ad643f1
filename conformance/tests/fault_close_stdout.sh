#!/bin/sh
# Fault adapter for test_host.sh: says hello, then closes its stdout and
# keeps running. The runner must notice the closed output at once, not after
# the timeout.
echo '{"mxm_adapter": 1, "name": "fault: closes stdout", "room_versions": ["1", "7", "12"], "layers": ["auth"]}'
exec 1>&-
sleep 60
