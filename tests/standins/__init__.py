"""Stand-in kind/docker/podman/helm/kubectl executables and a pytest fixture that puts them on PATH."""
