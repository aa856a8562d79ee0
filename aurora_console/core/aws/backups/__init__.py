"""Backups of a cluster: backup settings and windows, snapshots, restores (point in time,
backtrack), event subscriptions; every action runs through :mod:`.operations`."""
