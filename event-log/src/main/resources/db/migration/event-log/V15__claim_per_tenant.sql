-- The capped claim works per tenant: it counts a tenant's live leases and takes its runnable
-- sessions through this index, so a tenant at its cap costs a count of its live leases, never a
-- scan of its pending backlog; the tenants with runnable sessions are found by a skip scan.
CREATE INDEX sessions_tenant_runnable_idx ON sessions (tenant_id, lease_expires_at NULLS FIRST)
    WHERE status IN ('pending', 'running');
