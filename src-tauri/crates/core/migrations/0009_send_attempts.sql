-- 0008: every send is recorded as an attempt before it goes out. `attempt_ref` is sent as
-- `biz_opaque_callback_data`, so statuses find the attempt even when the send's answer was
-- lost; `parameters_json` keeps the values sent with a template.
ALTER TABLE messages ADD COLUMN attempt_ref TEXT;
ALTER TABLE messages ADD COLUMN parameters_json TEXT;

CREATE UNIQUE INDEX messages_attempt_ref ON messages (attempt_ref) WHERE attempt_ref IS NOT NULL;
