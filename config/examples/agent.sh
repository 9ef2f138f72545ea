#!/bin/sh
# A stand-in for a Symphony agent, started by the local-process provider as one "machine".
# It logs a heartbeat to stdout (the machine's stdout.log) and stops cleanly on SIGTERM.
name=${HOSTFACTORY_MACHINE_NAME:-unknown}
trap 'echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) $name stopping"; exit 0' TERM INT
echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) $name started (request ${HOSTFACTORY_REQUEST_ID:-?}, template ${HOSTFACTORY_TEMPLATE_ID:-?})"
while :; do
  # Sleeping in the background and waiting lets the TERM trap run at once instead of after the sleep.
  sleep 5 &
  wait $!
  echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) $name alive"
done
