"""A backup-settings change is checked for what the user changes (issue 14).

AWS refuses a *new* backup window that overlaps the maintenance window, but accepts a
``modify_db_cluster`` that leaves an overlapping window alone (a retention-only change): the
console refuses the first and only warns about the second.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aurora_console.core.aws.backups.settings import (
    prepare_modify_backup,
    review_backup_change,
    settings_from_raw,
)
from aurora_console.core.aws.session import AwsTarget
from aurora_console.core.errors import ValidationError

pytestmark = pytest.mark.unit

T = AwsTarget("sandbox", "us-east-1")


def settings(window="23:00-23:30", maintenance="sun:23:00-sun:23:30", retention=5, copy_tags=False):
    """A cluster whose backup window overlaps its maintenance window (as AWS may have left it)."""
    return settings_from_raw({"DBClusterIdentifier": "blog", "Engine": "aurora-postgresql", "Status": "available",
                              "BackupRetentionPeriod": retention, "PreferredBackupWindow": window,
                              "PreferredMaintenanceWindow": maintenance, "CopyTagsToSnapshot": copy_tags})


@pytest.mark.parametrize("window", [None, "23:00-23:30", " 23:00-23:30\n"])
def test_retention_only_change_goes_through_with_a_warning(window):
    action = prepare_modify_backup(settings(), T, retention=7, window=window)
    (step,) = action.steps
    assert step.params == {"DBClusterIdentifier": "blog", "BackupRetentionPeriod": 7, "ApplyImmediately": False}
    assert "overlaps the maintenance window sun:23:00-sun:23:30" in action.warning
    assert "AWS accepts this change" in action.warning


def test_copy_tags_only_change_goes_through_with_a_warning():
    action = prepare_modify_backup(settings(), T, retention=5, window="23:00-23:30", copy_tags=True)
    assert action.steps[0].params["CopyTagsToSnapshot"] is True
    assert "overlaps" in action.warning


def test_a_new_overlapping_window_is_still_refused():
    with pytest.raises(ValidationError, match="overlaps the maintenance window.*AWS refuses"):
        prepare_modify_backup(settings(), T, retention=7, window="22:45-23:15")


def test_moving_the_window_out_of_the_maintenance_window_has_no_warning():
    action = prepare_modify_backup(settings(), T, window="01:00-01:30")
    assert action.steps[0].params["PreferredBackupWindow"] == "01:00-01:30" and action.warning == ""


def test_review_separates_errors_from_warnings():
    review = review_backup_change(settings(), retention="abc", window="23:00-23:30")
    assert review.errors and "not a whole number" in review.errors[0]
    assert len(review.warnings) == 1 and "overlaps" in review.warnings[0]
    assert not review.ok and review.params == {}
    fine = review_backup_change(settings(window="19:00-22:00"), retention=5, window="19:00-22:00")
    assert fine.ok and fine.warnings == () and fine.changes == ()


def test_shorter_retention_is_a_warning_from_core():
    review = review_backup_change(settings(window="19:00-22:00", retention=7), retention=3)
    assert review.ok and review.params == {"BackupRetentionPeriod": 3}
    assert review.warnings == ("Shorter retention: backups older than 3 days are deleted and the earliest "
                               "restorable time moves forward.",)


def test_unreadable_maintenance_window_from_aws_does_not_block_a_change():
    action = prepare_modify_backup(settings(maintenance="whenever"), T, retention=7)
    assert action.steps[0].params["BackupRetentionPeriod"] == 7


@given(st.integers(0, 24 * 60 - 1), st.integers(30, 180), st.integers(1, 35))
def test_retention_change_never_refused_for_the_current_window(start, minutes, days):
    """Whatever the cluster's current window, a retention change alone is never refused."""
    end = (start + minutes) % (24 * 60)
    window = f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"
    current = settings(window=window, retention=36 - days if days != 18 else 1)
    review = review_backup_change(current, retention=days, window=window)
    assert review.ok, review.errors
