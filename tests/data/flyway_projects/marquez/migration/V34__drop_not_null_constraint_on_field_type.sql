/* SPDX-License-Identifier: Apache-2.0 */

ALTER TABLE dataset_fields ALTER COLUMN type DROP NOT NULL;
