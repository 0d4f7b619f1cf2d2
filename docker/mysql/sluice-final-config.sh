#!/bin/bash
# Run by the official entrypoint after it has initialised a new datadir (root account, no
# networking) and before it starts the real server. sluice-entrypoint.sh rendered the option
# file writable for that initialisation, because a replica's super_read_only refuses even the
# official entrypoint's own ALTER USER for root; this renders it again from the unchanged
# environment, so the server that then starts is read-only as a replica must be.
set -euo pipefail
sluice bootstrap prepare
