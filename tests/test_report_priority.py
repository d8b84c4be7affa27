"""Issue 9 point 3: "What to do" in the order that unblocks sign-in (report/_priority.py)."""

from __future__ import annotations

from onedrive_doctor.model import ArticleStep, Finding, Severity, Status
from onedrive_doctor.report._priority import plan_fixes


def _fail(check_id: str, step: ArticleStep, severity: Severity) -> Finding:
    return Finding(check_id, check_id.lower(), step, Status.FAIL, severity, f"{check_id} failed.")


def _plan(*findings: Finding) -> list[tuple[int, str, int | None, int | None]]:
    return [(p.number, p.finding.id, p.same_as, p.moot_by) for p in plan_fixes(findings)]


def test_errors_come_before_warnings_before_info_whatever_the_step() -> None:
    assert _plan(
        _fail("NET004", ArticleStep.CONNECTIVITY, Severity.INFO),
        _fail("NET002", ArticleStep.CONNECTIVITY, Severity.WARNING),
        _fail("ODC001", ArticleStep.RESET_ONEDRIVE, Severity.ERROR),
    ) == [(1, "ODC001", None, None), (2, "NET002", None, None), (3, "NET004", None, None)]


def test_os001_comes_first_and_makes_the_local_tls_settings_moot() -> None:
    plan = plan_fixes(
        (
            _fail("SCH001", ArticleStep.TLS, Severity.ERROR),
            _fail("NET001", ArticleStep.CONNECTIVITY, Severity.ERROR),
            _fail("OS001", ArticleStep.TLS, Severity.ERROR),
            _fail("WHT001", ArticleStep.WINHTTP, Severity.ERROR),
            _fail("OS002", ArticleStep.TLS, Severity.WARNING),
        )
    )
    assert [(p.number, p.finding.id, p.same_as, p.moot_by) for p in plan] == [
        (1, "OS001", None, None),
        (2, "NET001", None, None),
        (3, "SCH001", None, 1),
        (4, "WHT001", None, 1),
        (5, "OS002", 1, None),
    ]
    assert plan[2].note() == (
        "Moot while OS001 stands: no local setting lets this Windows sign in (see 1.)."
    )
    assert plan[4].note() == "The same advice as OS001: see 1."
    assert plan[0].note() is None and plan[1].note() is None


def test_shared_advice_is_given_once_by_whichever_comes_first() -> None:
    assert _plan(
        _fail("WHT002", ArticleStep.WINHTTP, Severity.ERROR),
        _fail("SCH004", ArticleStep.TLS, Severity.WARNING),
        _fail("WHT001", ArticleStep.WINHTTP, Severity.WARNING),
        _fail("SCH002", ArticleStep.TLS, Severity.ERROR),
    ) == [
        (1, "SCH002", None, None),
        (2, "WHT002", None, None),
        (3, "SCH004", 1, None),
        (4, "WHT001", 2, None),
    ]


def test_nothing_failed_means_nothing_to_do() -> None:
    passed = Finding("SCH001", "x", ArticleStep.TLS, Status.PASS, None, "fine")
    unknown = Finding("NET001", "y", ArticleStep.CONNECTIVITY, Status.UNKNOWN, None, "no probes")
    assert plan_fixes((passed, unknown)) == ()


def test_the_verdict_never_gives_an_all_clear_on_missing_evidence() -> None:
    from onedrive_doctor.report import Report
    from onedrive_doctor.report._verdict import verdict

    passed = Finding("SCH001", "x", ArticleStep.TLS, Status.PASS, None, "fine")
    unknown = Finding("NET001", "y", ArticleStep.CONNECTIVITY, Status.UNKNOWN, None, "no probes")
    found = verdict(Report((passed, unknown), "here"))
    assert (found.state, found.summary, found.first_check) == (
        "incomplete",
        "No local cause was found, but 1 check(s) could not be checked (step 1): no probes",
        None,
    )
    assert found.windows == (
        "Windows detected: not known (the bundle has no readable CurrentVersion export)"
    )
    assert found.collected == (
        "Evidence collected at: not recorded (the bundle has no manifest time)"
    )
    clear = verdict(Report((passed,), "here"))
    assert (clear.state, clear.summary) == (
        "no_local_cause",
        "No local cause was found: every check passed or does not apply to this PC.",
    )
