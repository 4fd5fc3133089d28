#!/usr/bin/env bash
# Lighthouse's accessibility score of each page of newsfacet on the sample corpus, at desktop
# and phone sizes, with the audits that failed. The browser tests already run axe-core on
# every page; this is the second opinion the issue asks for (Lighthouse 100).
#
#   npm install --prefix /tmp/lighthouse lighthouse@12      # once: Lighthouse is a Node tool
#   LIGHTHOUSE=/tmp/lighthouse/node_modules/.bin/lighthouse scripts/lighthouse.sh
#
# Needs the installed newsfacet (the venv active) and Debian's chromium. Lighthouse scores
# only pages answered with 200, so the 400 and 404 pages are left to the axe tests.
set -euo pipefail
LIGHTHOUSE=${LIGHTHOUSE:-lighthouse}
PORT=${PORT:-8765}
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null; rm -rf "$work"' EXIT

newsfacet index "$(dirname "$0")/../corpus" --index "$work/index" --quiet >/dev/null 2>&1
newsfacet serve --index "$work/index" --port "$PORT" >"$work/serve.log" 2>&1 &
server=$!
base="http://127.0.0.1:$PORT"
for _ in $(seq 50); do curl -sf "$base/" >/dev/null && break; sleep 0.2; done
article=$(curl -s "$base/api/search?q=Belgorod" | python3 -c 'import json,sys; print(json.load(sys.stdin)["hits"][0]["id"])')
place=$(curl -s "$base/api/search?q=Belgorod" | python3 -c 'import json,sys,urllib.parse; print(urllib.parse.quote(json.load(sys.stdin)["facets"]["place"]["values"][0]["value"]))')

for path in "/" "/search?q=Belgorod&place=$place" "/articles/$article?q=Belgorod" "/help"; do
  for size in desktop mobile; do
    preset=(); [ "$size" = desktop ] && preset=(--preset=desktop)
    CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium} "$LIGHTHOUSE" "$base$path" "${preset[@]}" \
      --only-categories=accessibility --chrome-flags="--headless=new --no-sandbox" \
      --output=json --output-path="$work/report.json" --quiet
    python3 - "$work/report.json" "$path" "$size" <<'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
failed = [key for key, audit in report["audits"].items()
          if audit.get("scoreDisplayMode") == "binary" and audit.get("score") == 0]
score = report["categories"]["accessibility"]["score"]
print(f"{sys.argv[2]:<45} {sys.argv[3]:<8} {'-' if score is None else round(score * 100)}",
      " ".join(failed))
EOF
  done
done
