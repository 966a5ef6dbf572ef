"""Sub-commands of `ukic`; each module registers itself (see ukic.cli)."""
