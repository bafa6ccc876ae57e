-- Stored responses of POST /v1/api-keys and POST /v1/tenants used to keep the issued key in plain
-- text. Remove it from every stored body (replays answer without it, as new ones are stored), and
-- delete the keys whose 24 hours have passed (they were never purged before).
update idempotency_keys
   set body = ((body::jsonb) #- '{key}' #- '{apiKey,key}')::text
 where body is not null
   and body like '{%'
   and (body::jsonb ->> 'key' like 'oc\_%' or body::jsonb -> 'apiKey' ->> 'key' like 'oc\_%');

delete from idempotency_keys where created_at < now() - interval '24 hours';
