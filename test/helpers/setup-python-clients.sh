#!/usr/bin/env bash
# A Python venv, outside the repo, with a confluent-kafka new enough for KIP-848 (group.protocol=consumer needs
# librdkafka >= 2.12; the PyPI wheels bundle their own librdkafka). Debian's python3-confluent-kafka (1.7.0 on
# librdkafka 2.0.2) stays the classic-protocol client; this venv is the KIP-848 one.
#
#   bash test/helpers/setup-python-clients.sh      # idempotent; prints the venv's python path on the last line
#
# Environment: EDDY_CACHE_DIR (default ~/.cache/eddy); PYTHON (default: python3 on PATH).
# The venv lives in $EDDY_CACHE_DIR/py-clients. Re-running with the package already at the pinned version does
# no network access and takes well under a second.
set -euo pipefail

CONFLUENT_KAFKA_VERSION=2.16.1
CACHE_DIR=${EDDY_CACHE_DIR:-$HOME/.cache/eddy}
VENV=$CACHE_DIR/py-clients
PY=${PYTHON:-python3}

log() { echo "setup-python-clients: $*" >&2; }

have_version() {
  [ -x "$VENV/bin/python" ] &&
    "$VENV/bin/python" -c "import confluent_kafka, importlib.metadata as m, sys; sys.exit(0 if m.version('confluent-kafka') == '$CONFLUENT_KAFKA_VERSION' else 1)" 2>/dev/null
}

if ! have_version; then
  command -v "$PY" >/dev/null || { log "no $PY on PATH"; exit 1; }
  mkdir -p "$CACHE_DIR"
  if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -m pip --version >/dev/null 2>&1; then
    log "creating $VENV with $($PY --version 2>&1)"
    rm -rf "$VENV"
    if ! "$PY" -m venv "$VENV" >&2; then
      # Debian's python3 without python3-venv has no ensurepip: make the venv without pip, then bootstrap it.
      rm -rf "$VENV"
      "$PY" -m venv --without-pip "$VENV" >&2
      "$PY" -m pip --version >/dev/null 2>&1 || { log "$PY has neither venv/ensurepip nor pip"; exit 1; }
      "$PY" -m pip --python "$VENV/bin/python" install --quiet pip >&2
    fi
  fi
  log "installing confluent-kafka==$CONFLUENT_KAFKA_VERSION (binary wheel) into $VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --only-binary=:all: "confluent-kafka==$CONFLUENT_KAFKA_VERSION" >&2
  have_version || { log "confluent-kafka $CONFLUENT_KAFKA_VERSION did not install"; exit 1; }
fi

"$VENV/bin/python" -c "import confluent_kafka as c, importlib.metadata as m; print('setup-python-clients: confluent-kafka', m.version('confluent-kafka'), 'librdkafka', c.libversion()[0])" >&2
echo "$VENV/bin/python"
