-- What later webhooks change on a message: the emoji of the customer's reaction to it (NULL
-- when none or removed), when the customer edited it (its body then holds the edited text) and
-- when they deleted it (revoke).
ALTER TABLE messages ADD COLUMN reaction TEXT;
ALTER TABLE messages ADD COLUMN edited_at TEXT;
ALTER TABLE messages ADD COLUMN deleted_at TEXT;
