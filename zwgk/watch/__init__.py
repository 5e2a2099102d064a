"""Availability sampling (`zwgk watch`): probes, their store, the audit fact and the schedule.

probe.py   one timed request under the crawl's network policy (pure of the database)
record.py  probes written to and read from the store, one commit per probe
fact.py    the `availability` fact of an audit: failure shares per day and per window
loop.py    the schedule: once (cron, systemd timers) or a long-lived loop stopped by SIGTERM
"""
