"""The REST API: thin DRF views over the services; one permission matrix; problem+json errors."""
