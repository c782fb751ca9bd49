#!/usr/bin/env bash
# One database and one login per service, each login owning its own database and nothing else.
#
# The postgres image runs this once, when it initialises an empty data volume. It is safe to run
# again (it creates what is missing and sets each login's password from the environment), which is
# how an existing volume gets a new service's database or a rotated password:
#   docker compose exec postgres bash /docker-entrypoint-initdb.d/10-service-databases.sh
#
# Password of login <name>: $<NAME>_DB_PASSWORD (CLIENTS_DB_PASSWORD), default "<name>-dev-password".
# docker-compose.yml passes the same variables, with the same defaults, to the postgres container
# and into each service's <PREFIX>DATABASE_URL. Keep passwords URL-safe (letters, digits, - _ . ~):
# they are written into those URLs as they are.
#
# Every service with a database is listed here, the planned ones too: the image runs this script
# only on a fresh volume, so a database created now is one less manual step when the service lands.
# (No `set -u`: the image sources this file when it is not executable, and its own code would trip.)
set -eo pipefail

SERVICE_DATABASES=(clients scheduling facility billing texting notifications)

ensure_service_database() {
  local name="$1"
  local password_variable="${name^^}_DB_PASSWORD"
  local password="${!password_variable:-${name}-dev-password}"
  psql --no-psqlrc -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres \
    -v name="$name" -v password="$password" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'name')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'name') \gexec
SELECT format('ALTER ROLE %I WITH LOGIN PASSWORD %L', :'name', :'password') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'name', :'name')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'name') \gexec
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'name') \gexec
SQL
  echo "service database ready: $name"
}

for service_database in "${SERVICE_DATABASES[@]}"; do
  ensure_service_database "$service_database"
done
