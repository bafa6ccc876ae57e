-- The size of each event's data as JSON text (UTF-8 bytes), written with the row, so that reads can
-- bound a page by bytes with a running sum of a plain column, without detoasting the data. Rows
-- written before this column existed have NULL and count their stored size (pg_column_size).
ALTER TABLE session_events ADD COLUMN data_bytes integer;
