"""The change timeline of one cluster: RDS events, CloudTrail management events, the console's
audit log, migrations applied and what is pending, merged into one time-ordered list.

* :mod:`.entries`: the entry model, filters, before/after of changed settings, chart markers;
* :mod:`.cloudtrail`: ``LookupEvents`` by resource name, paced under its rate limit, parsed;
* :mod:`.pending`: pending maintenance actions and parameters (or settings) pending reboot;
* :mod:`.sources`: what each other source (RDS events, audit, migrations) contributes;
* :mod:`.gather`: reads every source for a cluster; one failing source leaves the others.
"""
