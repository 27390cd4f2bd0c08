#!/bin/bash
# Run once by the postgres image when it creates the primary's database
# (/docker-entrypoint-initdb.d): lets the standby connect for streaming replication, through a
# physical replication slot, so that the primary keeps the WAL a standby still needs (a standby
# that was away catches up instead of failing for ever with "requested WAL segment has already
# been removed"). Watch the slot (pg_replication_slots): a standby gone for good holds WAL until
# its slot is dropped with SELECT pg_drop_replication_slot('kalan_standby').
set -e
echo "host replication ${POSTGRES_USER} all scram-sha-256" >> "$PGDATA/pg_hba.conf"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -c "SELECT pg_create_physical_replication_slot('kalan_standby') WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = 'kalan_standby')"
