#!/bin/bash
# Run once by the postgres image when it creates the primary's database
# (/docker-entrypoint-initdb.d): lets the standby connect for streaming replication.
set -e
echo "host replication ${POSTGRES_USER} all scram-sha-256" >> "$PGDATA/pg_hba.conf"
