#!/usr/bin/env bash
# Uploads the bundle to a Mattermost server through its REST API and enables it.
# Needs MM_SERVICESETTINGS_SITEURL (the server's URL) and MM_ADMIN_TOKEN (a system admin's
# personal access token or session token).
set -euo pipefail
bundle=$1 id=$2
: "${MM_SERVICESETTINGS_SITEURL:?set MM_SERVICESETTINGS_SITEURL to the server URL}"
: "${MM_ADMIN_TOKEN:?set MM_ADMIN_TOKEN to a system admin token}"
api=${MM_SERVICESETTINGS_SITEURL%/}/api/v4
auth=(-H "Authorization: Bearer $MM_ADMIN_TOKEN")

echo "deploy: uploading $bundle"
# curl -F reads `,` and `;` in a file name as field syntax unless the name is quoted.
quoted=${bundle//\\/\\\\}
quoted=${quoted//\"/\\\"}
curl -sS --fail-with-body "${auth[@]}" -F "plugin=@\"$quoted\"" -F force=true "$api/plugins" >/dev/null
echo "deploy: enabling $id"
curl -sS --fail-with-body "${auth[@]}" -X POST "$api/plugins/$id/enable" >/dev/null
echo "deploy: done"
