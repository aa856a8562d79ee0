"""The fleet: the inventory of Aurora clusters per (profile, region) (:mod:`.inventory`,
:mod:`.models` with the one ``ClusterRef``), one cluster's details, and the fleet actions
(validated in :mod:`.validation`, prepared in :mod:`.actions`, run by :mod:`.runner`)."""
