"""The repair question names what a failed MySQL migration left applied."""

from aurora_console.core.db.migrations import RepairResult
from aurora_console.ui.migrations.repair_text import repair_question


def test_the_question_says_which_statements_of_a_failed_migration_stayed_applied():
    preview = RepairResult(removed_failed=["V2__a.sql", "V3__b.sql"],
                           failed_notes={"V2__a.sql": "failed at statement 3 of 3, line 7; statements 1-2 stay applied"})
    text = repair_question(preview, "shop", "flyway_schema_history")
    assert "V2__a.sql: it failed at statement 3 of 3, line 7; statements 1-2 stay applied; check what those did" in text
    assert "      V3__b.sql" in text
