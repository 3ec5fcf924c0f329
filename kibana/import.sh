#!/usr/bin/env bash
# Imports the movierec saved objects (3 data views, the Vega-Lite visualizations, the dashboard) into Kibana 8.x/9.x
# through POST /api/saved_objects/_import?overwrite=true, so running it again updates them in place.
#
#   ./import.sh [FILE.ndjson]          FILE defaults to movierec.ndjson beside this script
#
#   KIBANA_URL        default http://localhost:5601; append /s/SPACE to import into another Kibana space (there Kibana
#                     may give the objects new ids: the dashboard link printed at the end is read from its answer)
#   KIBANA_API_KEY    optional: sent as "Authorization: ApiKey ..." (the encoded key Kibana/ES shows)
#   KIBANA_USERNAME   optional, with KIBANA_PASSWORD: basic auth (used when KIBANA_API_KEY is empty)
#   KIBANA_IMPORT_PARSER   jq | python3 | raw: force how the response is read (default: the first one installed)
#
# Credentials reach curl through a config on its standard input: they never show in the process list or the output.
# Exit status: 0 when every object was imported, 1 when Kibana could not be reached or reported errors, 2 for misuse.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
file="${1:-$here/movierec.ndjson}"
url="${KIBANA_URL:-http://localhost:5601}"
url="${url%/}"

if [ ! -r "$file" ]; then echo "import.sh: cannot read $file" >&2; exit 2; fi
case "$file" in *.ndjson) ;; *) echo "import.sh: $file: Kibana only imports files named *.ndjson" >&2; exit 2 ;; esac
if ! command -v curl >/dev/null; then echo "import.sh: curl is required" >&2; exit 2; fi

# Escapes a value for a double-quoted string in a curl config file.
config_quote() { local s=${1//\\/\\\\}; printf '%s' "${s//\"/\\\"}"; }

curl_config() {
  if [ -n "${KIBANA_API_KEY:-}" ]; then
    printf 'header = "Authorization: ApiKey %s"\n' "$(config_quote "$KIBANA_API_KEY")"
  elif [ -n "${KIBANA_USERNAME:-}" ]; then
    printf 'user = "%s:%s"\n' "$(config_quote "$KIBANA_USERNAME")" "$(config_quote "${KIBANA_PASSWORD:-}")"
  fi
}

parser="${KIBANA_IMPORT_PARSER:-}"
if [ -z "$parser" ]; then
  if command -v jq >/dev/null; then parser=jq
  elif command -v python3 >/dev/null; then parser=python3
  else parser=raw
  fi
fi

response="$(mktemp)"
trap 'rm -f "$response"' EXIT
expected=$(grep -c . "$file" || true)

echo "importing $expected saved objects from $(basename "$file") into $url"
if ! status=$(curl_config | curl -sS --config - -o "$response" -w '%{http_code}' -X POST \
    -H 'kbn-xsrf: true' --form "file=@$file" "$url/api/saved_objects/_import?overwrite=true"); then
  echo "import.sh: cannot reach Kibana at $url: check KIBANA_URL and that Kibana is up (curl's message is above)" >&2
  exit 1
fi

case "$status" in
  200) ;;
  401|403)
    echo "import.sh: Kibana refused the request (HTTP $status): check KIBANA_API_KEY, or KIBANA_USERNAME and" \
      "KIBANA_PASSWORD, and that this user may manage saved objects" >&2
    exit 1 ;;
  404)
    echo "import.sh: no saved objects API at $url (HTTP 404): check KIBANA_URL (and its /s/SPACE part, if any)" >&2
    exit 1 ;;
  *)
    echo "import.sh: Kibana rejected the import (HTTP $status):" >&2
    cat "$response" >&2; echo >&2
    echo "import.sh: check KIBANA_URL points at Kibana 8.x or 9.x and that $file is a saved-objects export" >&2
    exit 1 ;;
esac

# Prints "imported N of M saved objects" and one line per failed object; exits 0 only when Kibana reports success
# with no errors. Error types: missing_references (an object points at one that exists neither in the file nor in
# Kibana), conflict / ambiguous_conflict (id clashes), unsupported_type (this Kibana lacks the type), unknown.
ok=0
case "$parser" in
  jq)
    jq -r --arg expected "$expected" '
      "imported \(.successCount // 0) of \($expected) saved objects",
      ((.errors // [])[] | "error: \(.type)/\(.id) \"\(.meta.title // .title // "")\": \(.error.type // "unknown")"
        + (if .error.references then " (missing: " + ([.error.references[] | "\(.type)/\(.id)"] | join(", ")) + ")" else "" end)
        + (if .error.message then " " + .error.message else "" end))' "$response" || ok=1
    jq -e '.success == true and ((.errors // []) | length) == 0' "$response" >/dev/null || ok=$? ;;
  python3)
    python3 - "$response" "$expected" <<'PY' || ok=$?
import json, sys
r = json.load(open(sys.argv[1]))
print("imported %s of %s saved objects" % (r.get("successCount", 0), sys.argv[2]))
for e in r.get("errors") or []:
    err = e.get("error") or {}
    line = 'error: %s/%s "%s": %s' % (e.get("type"), e.get("id"), (e.get("meta") or {}).get("title") or e.get("title") or "",
                                      err.get("type") or "unknown")
    if err.get("references"):
        line += " (missing: " + ", ".join("%s/%s" % (x.get("type"), x.get("id")) for x in err["references"]) + ")"
    if err.get("message"):
        line += " " + err["message"]
    print(line)
sys.exit(0 if r.get("success") is True and not r.get("errors") else 1)
PY
    ;;
  raw)
    cat "$response"; echo
    grep -q '"success":true' "$response" && ! grep -q '"errors":\[{' "$response" || ok=1 ;;
  *)
    echo "import.sh: KIBANA_IMPORT_PARSER must be jq, python3 or raw, not '$parser'" >&2; exit 2 ;;
esac

if [ "$ok" -ne 0 ]; then
  echo "import.sh: Kibana did not import everything (see the errors above): for missing_references check that" \
    "the file is complete (regenerate it with 'mvn -q -pl kibana test -Dkibana.regenerate=true'), for" \
    "unsupported_type that Kibana is 8.x or 9.x with the Vega visualization enabled" >&2
  exit 1
fi
# The link takes the id the response gives: in a second space Kibana imports these shared (multi-space) types under new
# ids and reports each as destinationId. $url already carries the /s/SPACE part, if any.
case "$parser" in
  jq) ids=$(jq -r '(.successResults // [])[] | select(.type == "dashboard") | .destinationId // .id' "$response") ;;
  python3) ids=$(python3 -c '
import json, sys
for o in json.load(open(sys.argv[1])).get("successResults") or []:
    if o.get("type") == "dashboard": print(o.get("destinationId") or o["id"])' "$response") ;;
  raw) ids="" ;;
esac
if [ -z "$ids" ]; then
  echo "done: open $url/app/dashboards and pick \"movierec overview\""
fi
for id in $ids; do echo "done: open $url/app/dashboards#/view/$id"; done
