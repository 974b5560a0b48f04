#!/bin/bash
# The main job: installs what is missing, builds the plugin and shows what
# tcpphase says about every segment of a capture (default: a bundled one).
#   tools/demo.sh [capture]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
capture=${1:-$top/sample-captures/normal-client-close.pcap}
"$top/tools/build.sh" >/dev/null
columns='"No.","%m","Time","%t","Source","%s","Destination","%d","Step","%Cus:tcpphase.label","Client","%Cus:tcpphase.state.client","Server","%Cus:tcpphase.state.server","Info","%i"'
"$top/tools/tshark-with-plugin.sh" -n -r "$capture" -o "gui.column.format:$columns"
