"""What a cluster drifts on in daily operations, as the manual's operations sections describe it.

Pure functions over the plain objects a source lists: nodes left cordoned after a drain, pods
hanging in Terminating, rook osd-prepare pods that failed, kubelets on different versions,
Calico images that left the documented release, Helm releases installed by hand. The steps
call them and turn what they return into outcomes; the remedies are the manual's commands.
"""
