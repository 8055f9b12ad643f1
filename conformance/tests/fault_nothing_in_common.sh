#!/bin/sh
# Fault adapter for test_host.sh: declares only the sequence layer and room
# version 3, so no case of the fixture that the tests select can run.
echo '{"mxm_adapter": 1, "name": "fault: nothing in common", "room_versions": ["3"], "layers": ["sequence"]}'
while read -r line; do :; done
