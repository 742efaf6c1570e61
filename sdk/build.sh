#!/usr/bin/env bash
# Builds the library files the portal serves for download (`make sdk` runs this):
#   sdk/python/dist/mpesa_portal_sdk-<version>-py3-none-any.whl   (pip wheel, flit_core)
#   sdk/java/build/portal-sdk.jar                                  (plain javac + jar)
# Both output folders are git-ignored. Java is skipped, with a message, without a JDK.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"
[ -x "$PY" ] || PY=python3

rm -rf sdk/python/dist
# --no-build-isolation: flit_core comes from requirements.txt, so no network is needed.
"$PY" -m pip wheel --quiet --no-deps --no-build-isolation -w sdk/python/dist sdk/python
echo "sdk: built $(ls sdk/python/dist/*.whl)"

if ! command -v javac >/dev/null 2>&1 || ! command -v jar >/dev/null 2>&1; then
  echo "sdk: no JDK (javac/jar) found: skipping portal-sdk.jar"
  exit 0
fi
rm -rf sdk/java/build
mkdir -p sdk/java/build/classes
javac --release 11 -Xlint:all -Werror -d sdk/java/build/classes $(find sdk/java/src -name '*.java')
jar --create --file sdk/java/build/portal-sdk.jar -C sdk/java/build/classes .
echo "sdk: built sdk/java/build/portal-sdk.jar"
