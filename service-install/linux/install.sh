#!/usr/bin/env bash
# Installs postroom as a systemd service: a system user, /opt/postroom (the code),
# /etc/postroom (configuration and secrets), /var/lib/postroom and /var/log/postroom.
# Existing configuration is never overwritten. Run as root from a checkout:
#   sudo service-install/linux/install.sh
# DESTDIR=/some/dir installs into a staging tree instead (no user, no systemctl): for packaging
# and for the project's tests.
set -euo pipefail

SRC="$(cd "$(dirname "$0")/../.." && pwd)"
DESTDIR="${DESTDIR:-}"
APP="$DESTDIR/opt/postroom"
ETC="$DESTDIR/etc/postroom"
UNIT_DIR="$DESTDIR/etc/systemd/system"
STATE="$DESTDIR/var/lib/postroom"
LOGS="$DESTDIR/var/log/postroom"

if [ -z "$DESTDIR" ] && [ "$(id -u)" -ne 0 ]; then
  echo "install.sh: run as root (sudo), or set DESTDIR to stage the files" >&2
  exit 1
fi
command -v node >/dev/null || { echo "install.sh: Node.js 20 or newer is needed (apt install nodejs)" >&2; exit 1; }

if [ -z "$DESTDIR" ] && ! id postroom >/dev/null 2>&1; then
  useradd --system --home-dir /var/lib/postroom --no-create-home --shell /usr/sbin/nologin postroom
  echo "created system user postroom"
fi

echo "installing the code to $APP"
mkdir -p "$APP"
for part in bin src workers package.json package-lock.json README.md CHANGELOG.md; do
  rm -rf "${APP:?}/$part"
  cp -a "$SRC/$part" "$APP/"
done
# POSTROOM_NPM_OFFLINE=1 installs from the npm cache only (tests, machines without a registry).
(cd "$APP" && npm ci --omit=dev --no-audit --no-fund --loglevel=error ${POSTROOM_NPM_OFFLINE:+--offline})

mkdir -p "$ETC/sources" "$ETC/examples" "$STATE" "$LOGS"
cp "$SRC/config/examples/"*.yaml "$ETC/examples/"
if [ ! -e "$ETC/postroom.yaml" ]; then
  cp "$SRC/service-install/linux/postroom.yaml" "$ETC/postroom.yaml"
  echo "wrote $ETC/postroom.yaml"
fi
if [ ! -e "$ETC/postroom.env" ]; then
  (umask 077 && printf '%s\n' '# Secrets for postroom, as NAME=value lines; refer to them as ${env:NAME} in sources/*.yaml.' >"$ETC/postroom.env")
  echo "wrote $ETC/postroom.env (mode 0600)"
fi
chmod 0600 "$ETC/postroom.env"
install -D -m 0644 "$SRC/service-install/linux/postroom.service" "$UNIT_DIR/postroom.service"

if [ -z "$DESTDIR" ]; then
  chown -R root:postroom "$ETC" && chmod 0750 "$ETC"
  chown postroom:postroom "$STATE" "$LOGS" && chmod 0750 "$STATE" "$LOGS"
  if [ -d /run/systemd/system ]; then
    systemctl daemon-reload
    systemctl enable postroom.service
    echo "postroom is enabled; add a source to $ETC/sources/, then: systemctl start postroom"
  else
    echo "systemd is not running here: the unit is installed but not enabled"
  fi
fi
