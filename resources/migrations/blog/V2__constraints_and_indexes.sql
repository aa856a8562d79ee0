-- What a real blog needs on top of the original create script: unique slugs and e-mails,
-- required columns, a known set of user and social types, and indexes on the foreign keys.

ALTER TABLE social_accounts
    ALTER COLUMN username SET NOT NULL,
    ALTER COLUMN social_type SET NOT NULL,
    ALTER COLUMN created_at SET NOT NULL,
    ALTER COLUMN updated_at SET NOT NULL,
    ADD CONSTRAINT social_accounts_type_check
        CHECK (social_type IN ('github', 'google', 'twitter', 'facebook', 'linkedin', 'mastodon')),
    ADD CONSTRAINT social_accounts_type_username_key UNIQUE (social_type, username);

ALTER TABLE users
    ALTER COLUMN name SET NOT NULL,
    ALTER COLUMN email SET NOT NULL,
    ALTER COLUMN user_type SET NOT NULL,
    ALTER COLUMN user_type SET DEFAULT 'guest',
    ALTER COLUMN created_at SET NOT NULL,
    ALTER COLUMN updated_at SET NOT NULL,
    ADD CONSTRAINT users_email_key UNIQUE (email),
    ADD CONSTRAINT users_user_type_check CHECK (user_type IN ('admin', 'author', 'guest'));

ALTER TABLE posts
    ALTER COLUMN title SET NOT NULL,
    ALTER COLUMN content SET NOT NULL,
    ALTER COLUMN slug SET NOT NULL,
    ALTER COLUMN user_id SET NOT NULL,
    ALTER COLUMN created_at SET NOT NULL,
    ALTER COLUMN updated_at SET NOT NULL,
    ADD CONSTRAINT posts_slug_key UNIQUE (slug),
    ADD CONSTRAINT posts_slug_format_check CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$');

ALTER TABLE comments
    ALTER COLUMN content SET NOT NULL,
    ALTER COLUMN post_id SET NOT NULL,
    ALTER COLUMN created_at SET NOT NULL,
    ALTER COLUMN updated_at SET NOT NULL;

-- Deleting a post deletes its comments.
ALTER TABLE comments
    DROP CONSTRAINT comments_post_id_fkey,
    ADD CONSTRAINT comments_post_id_fkey FOREIGN KEY (post_id) REFERENCES posts (id) ON DELETE CASCADE;

CREATE INDEX users_social_id_idx ON users (social_id);
CREATE INDEX posts_user_id_idx ON posts (user_id);
CREATE INDEX posts_created_at_idx ON posts (created_at DESC);
CREATE INDEX comments_post_id_idx ON comments (post_id);
CREATE INDEX comments_user_id_idx ON comments (user_id);
