-- Blog schema for MySQL (Aurora MySQL 3 / MySQL 8.0, MariaDB 10.11): social accounts, users,
-- posts and comments; the same tables as the PostgreSQL set (../blog), in MySQL's words.
-- Every table has created_at/updated_at; MySQL keeps updated_at current itself
-- (ON UPDATE CURRENT_TIMESTAMP), where PostgreSQL needs a trigger.

CREATE TABLE social_accounts (
    id          INT AUTO_INCREMENT PRIMARY KEY,
    username    VARCHAR(255),
    social_type VARCHAR(255),
    created_at  TIMESTAMP NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at  TIMESTAMP NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE users (
    id         INT AUTO_INCREMENT PRIMARY KEY,
    name       VARCHAR(255),
    email      VARCHAR(255),
    password   VARCHAR(255),
    user_type  VARCHAR(255),
    social_id  INT,
    created_at TIMESTAMP NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
    CONSTRAINT users_social_id_fkey FOREIGN KEY (social_id) REFERENCES social_accounts (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE posts (
    id         INT AUTO_INCREMENT PRIMARY KEY,
    title      VARCHAR(255),
    content    TEXT,
    image_url  VARCHAR(255),
    slug       VARCHAR(255),
    user_id    INT,
    created_at TIMESTAMP NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
    CONSTRAINT posts_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE comments (
    id         INT AUTO_INCREMENT PRIMARY KEY,
    content    VARCHAR(255),
    user_id    INT,
    post_id    INT,
    created_at TIMESTAMP NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
    CONSTRAINT comments_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id),
    CONSTRAINT comments_post_id_fkey FOREIGN KEY (post_id) REFERENCES posts (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
