# Installs the reference MCP servers that sandboxes may run over stdio, from npm, once, into
# $OC_DATA_DIR/npm/mcp (kept between runs). Sandboxes of the local hostusr image get that directory
# read-only at /opt/mcp (node itself comes from the host's /usr, mounted the same way).
# shellcheck shell=bash

OC_MCP_NPM_DIR=${OC_MCP_NPM_DIR:-$OC_DATA_DIR/npm/mcp}
OC_MCP_MOUNT=/opt/mcp
# Pinned, so every machine gets the same servers.
OC_MCP_PACKAGES=${OC_MCP_PACKAGES:-"@modelcontextprotocol/server-filesystem@2026.8.31 @modelcontextprotocol/server-everything@2026.8.31"}

# ensure_mcp_servers: installs the pinned packages unless they already are; returns non-zero
# (with a message) when npm is missing or the install fails, so callers can go on without them.
ensure_mcp_servers() {
  local stamp=$OC_MCP_NPM_DIR/.installed
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$OC_MCP_PACKAGES" ]; then return 0; fi
  command -v npm >/dev/null || { say "npm not found: stdio MCP servers from npm are not available in sandboxes"; return 1; }
  mkdir -p "$OC_MCP_NPM_DIR"
  say "installing MCP servers into $OC_MCP_NPM_DIR: $OC_MCP_PACKAGES"
  # shellcheck disable=SC2086
  (cd "$OC_MCP_NPM_DIR" && npm install --no-audit --no-fund --loglevel=error --prefix . $OC_MCP_PACKAGES >/dev/null) \
    || { say "npm install of the MCP servers failed"; return 1; }
  chmod -R a+rX "$OC_MCP_NPM_DIR"
  echo "$OC_MCP_PACKAGES" >"$stamp"
}
