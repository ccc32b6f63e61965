#!/usr/bin/env bash
# Removes the postroom service and its code. Configuration, secrets, documents and logs stay
# unless --purge is given (then the postroom user goes too).
set -euo pipefail

DESTDIR="${DESTDIR:-}"
PURGE=no
[ "${1:-}" = "--purge" ] && PURGE=yes
if [ -z "$DESTDIR" ] && [ "$(id -u)" -ne 0 ]; then
  echo "uninstall.sh: run as root (sudo)" >&2
  exit 1
fi

if [ -z "$DESTDIR" ] && [ -d /run/systemd/system ]; then
  systemctl disable --now postroom.service 2>/dev/null || true
fi
rm -f "$DESTDIR/etc/systemd/system/postroom.service"
[ -z "$DESTDIR" ] && [ -d /run/systemd/system ] && systemctl daemon-reload
rm -rf "$DESTDIR/opt/postroom"
echo "removed the postroom service and /opt/postroom"

if [ "$PURGE" = yes ]; then
  rm -rf "$DESTDIR/etc/postroom" "$DESTDIR/var/lib/postroom" "$DESTDIR/var/log/postroom"
  if [ -z "$DESTDIR" ] && id postroom >/dev/null 2>&1; then userdel postroom; fi
  echo "purged configuration, data, logs and the postroom user"
else
  echo "kept /etc/postroom, /var/lib/postroom and /var/log/postroom (use --purge to remove them)"
fi
