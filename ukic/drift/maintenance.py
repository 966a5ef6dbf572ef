"""The manual's node maintenance commands ("Removing / draining a node", "Readding a node after draining")."""

DRAIN = "kubectl drain --delete-emptydir-data --ignore-daemonsets {node}"
UNCORDON = "kubectl uncordon {node}"
