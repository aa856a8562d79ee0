-- Blog schema: social accounts, users, posts and comments.
-- Every table has created_at/updated_at; a trigger keeps updated_at current on each update.

CREATE TABLE social_accounts (
    id          serial PRIMARY KEY,
    username    varchar(255),
    social_type varchar(255),
    created_at  timestamptz DEFAULT current_timestamp,
    updated_at  timestamptz DEFAULT current_timestamp
);

CREATE TABLE users (
    id         serial PRIMARY KEY,
    name       varchar(255),
    email      varchar(255),
    password   varchar(255),
    user_type  varchar(255),
    social_id  integer REFERENCES social_accounts (id),
    created_at timestamptz DEFAULT current_timestamp,
    updated_at timestamptz DEFAULT current_timestamp
);

CREATE TABLE posts (
    id         serial PRIMARY KEY,
    title      varchar(255),
    content    text,
    image_url  varchar(255),
    slug       varchar(255),
    user_id    integer REFERENCES users (id),
    created_at timestamptz DEFAULT current_timestamp,
    updated_at timestamptz DEFAULT current_timestamp
);

CREATE TABLE comments (
    id         serial PRIMARY KEY,
    content    varchar(255),
    user_id    integer REFERENCES users (id),
    post_id    integer REFERENCES posts (id),
    created_at timestamptz DEFAULT current_timestamp,
    updated_at timestamptz DEFAULT current_timestamp
);

CREATE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at = now();
    RETURN NEW;
END;
$$;

CREATE TRIGGER social_accounts_set_updated_at BEFORE UPDATE ON social_accounts
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER users_set_updated_at BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER posts_set_updated_at BEFORE UPDATE ON posts
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER comments_set_updated_at BEFORE UPDATE ON comments
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
