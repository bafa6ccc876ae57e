-- The MCP servers a session was started with besides its agent's (POST /v1/sessions "mcpServers"):
-- stdio commands for the sandbox and remote URLs whose header values are secret *names*, never values.
alter table session_setups add column mcp_servers jsonb not null default '[]'::jsonb;
