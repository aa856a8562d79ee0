-- What a real blog needs on top of the original create script: unique slugs and e-mails,
-- required columns, a known set of user and social types, and indexes on the foreign keys.
-- (MySQL already indexes every foreign key column; the named indexes below match the PostgreSQL set.)

ALTER TABLE social_accounts
    MODIFY username VARCHAR(255) NOT NULL,
    MODIFY social_type VARCHAR(255) NOT NULL,
    MODIFY created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    MODIFY updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
    ADD CONSTRAINT social_accounts_type_check
        CHECK (social_type IN ('github', 'google', 'twitter', 'facebook', 'linkedin', 'mastodon')),
    ADD CONSTRAINT social_accounts_type_username_key UNIQUE (social_type, username);

ALTER TABLE users
    MODIFY name VARCHAR(255) NOT NULL,
    MODIFY email VARCHAR(255) NOT NULL,
    MODIFY user_type VARCHAR(255) NOT NULL DEFAULT 'guest',
    MODIFY created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    MODIFY updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
    ADD CONSTRAINT users_email_key UNIQUE (email),
    ADD CONSTRAINT users_user_type_check CHECK (user_type IN ('admin', 'author', 'guest'));

ALTER TABLE posts
    MODIFY title VARCHAR(255) NOT NULL,
    MODIFY content TEXT NOT NULL,
    MODIFY slug VARCHAR(255) NOT NULL,
    MODIFY user_id INT NOT NULL,
    MODIFY created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    MODIFY updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
    ADD CONSTRAINT posts_slug_key UNIQUE (slug),
    ADD CONSTRAINT posts_slug_format_check CHECK (slug REGEXP '^[a-z0-9]+(-[a-z0-9]+)*$');

ALTER TABLE comments
    MODIFY content VARCHAR(255) NOT NULL,
    MODIFY post_id INT NOT NULL,
    MODIFY created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    MODIFY updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP;

-- Deleting a post deletes its comments.
ALTER TABLE comments DROP FOREIGN KEY comments_post_id_fkey;
ALTER TABLE comments
    ADD CONSTRAINT comments_post_id_fkey FOREIGN KEY (post_id) REFERENCES posts (id) ON DELETE CASCADE;

CREATE INDEX posts_created_at_idx ON posts (created_at DESC);
