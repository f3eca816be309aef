"""Use cases. Views, the API, tasks, admin actions and commands are thin callers of these."""
