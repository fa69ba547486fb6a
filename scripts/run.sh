#!/usr/bin/env bash
# Serve the site with one Celery worker and one beat beside it; Ctrl-C stops all three.
set -euo pipefail
host=${1:-127.0.0.1}
port=${2:-8000}
py=.venv/bin/python
var=${GEMBA_VAR_DIR:-var}
mkdir -p "$var/broker/processed" "$var/log"

# Links in emails, the calendar and one-tap reminders point where this site is served (`make run PORT=8101`),
# unless SITE_URL says otherwise (a proxy in front). Exported before the worker and beat start: they send them.
link_host=$host; case $host in 0.0.0.0|::|"[::]") link_host=127.0.0.1 ;; esac
export SITE_URL=${SITE_URL:-http://$link_host:$port}

# Local settings for all three processes (wsgi/celery default to production settings).
export DJANGO_SETTINGS_MODULE=config.settings.local
# Clear the trap first: `kill 0` signals this shell too, which would re-enter the trap.
trap 'trap - EXIT INT TERM; kill 0' EXIT INT TERM

$py -m celery -A config worker --loglevel=INFO --concurrency=2 >"$var/log/worker.log" 2>&1 &
$py -m celery -A config beat --loglevel=INFO >"$var/log/beat.log" 2>&1 &

backend="SQLite ($var/gemba.sqlite3)"; [ -n "${DATABASE_URL:-}" ] && backend="$DATABASE_URL"
broker="filesystem queue ($var/broker)"; [ -n "${REDIS_URL:-}" ] && broker="$REDIS_URL"
cat <<TXT

  Gemba is running:  http://$host:$port/
  Links in emails:   $SITE_URL/
  Database: $backend
  Broker:   $broker  (worker and beat logs in $var/log/)

  Demo logins (password: ${DEMO_PASSWORD:-gemba-demo}):
    ceo@northwind.example     executive
    cos@northwind.example     chief of staff
    board@northwind.example   board member
    admin@northwind.example   admin

  Emails go to the console: account emails here, invitations and reminders in $var/log/worker.log.
  Ctrl-C stops the site, the worker and beat.

TXT
$py manage.py runserver "$host:$port"
