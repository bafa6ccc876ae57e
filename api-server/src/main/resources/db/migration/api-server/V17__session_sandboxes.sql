-- Whether a sandbox was created for a session (POST /v1/sessions without "sandbox"), as opposed to one
-- a tenant created through /v1/sandboxes. A session's sandbox whose session was never recorded (its
-- start failed half-way, e.g. with the database gone, so its undo could not run) is removed by the
-- reaper once it is older than twice the reap interval.
alter table sandboxes add column for_session boolean not null default false;
update sandboxes set for_session = true
where id in (select sandbox_id from session_setups where sandbox_owned);
