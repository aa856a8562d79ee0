"""The Logs screen: an instance's database log (files, reading, follow mode, filters, search,
CloudWatch Logs, export). Core: :mod:`aurora_console.core.aws.db_logs`."""

from .feature import install

__all__ = ["install"]
