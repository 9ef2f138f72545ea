#!/bin/bash
# Runs once when an instance boots (EC2 user data, sent base64-encoded at each request). A real script installs or
# starts the Symphony compute agent and points it at the master; this one only records that it ran.
echo "HostFactory compute host booted at $(date -u +%FT%TZ)" >> /var/log/hostfactory-boot.log
