"""CloudWatch metrics for a cluster: the catalog of metrics, queries batched into
GetMetricData calls, the time range, fetch and cache, the dashboard's layout and export,
alarms."""
