"""The audit checks: registered pure functions `(snapshot, **params) -> CheckResult`, one area per module."""
